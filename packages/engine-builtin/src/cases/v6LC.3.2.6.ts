// v6LC.3.2.6 Stable addresses (RFC 8064 §3, RFC 7217 §5), as v6LC_3_2_6_{A,B}.seq judge them on the wire: after
// the interface comes up ("reboot": the lab restarts the interface) the host probes a link-local address whose
// interface identifier is not the EUI-64 one; 5 s later TR1 advertises TAHI's GA0 prefix (RA_GA0_VLT40) and
// the host probes a global address with yet another identifier (RFC 7217's F() takes the prefix). Part B
// restarts the interface again: the same link-local and global addresses come back (stable per network).
// Linux uses EUI-64 identifiers unless told otherwise (addr_gen_mode); the lab tests its defaults.
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { eui64Used, interfaceId, linkLocalAfterRestart } from '../vocabulary/interface-ids.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { ADDRCONF_WAIT_MS, autoconfigure, isFormed } from '../vocabulary/prefix-autoconf.js';
import { LINK0_PREFIX } from '../vocabulary/tahi-network.js';
import { sleep } from '../vocabulary/timing.js';

const RFC = 'RFC 8064 §3, RFC 7217 §5';
const VLT40 = { valid: 40, preferred: 20 };

interface Stable {
  linkLocal: string;
  global: string;
}

/** Interface up, link-local probed, 5 s (wait_addrconf), TR1's RA, global probed; both checked against EUI-64. */
async function addressesAfterRestart(ctx: CaseContext): Promise<Stable | CaseVerdict> {
  const ll = await linkLocalAfterRestart(ctx, RFC);
  if ('verdict' in ll) return ll;
  const badLl = eui64Used(ctx, RFC, ll.address, 'a link-local address');
  if (badLl) return badLl;
  await sleep(ll.probe.atMs + ADDRCONF_WAIT_MS - Date.now());
  const formed = await autoconfigure(ctx, LINK0_PREFIX, VLT40);
  if (!isFormed(formed)) return formed;
  return eui64Used(ctx, RFC, formed.address, `a global address in ${LINK0_PREFIX}/64`) ?? { linkLocal: ll.address, global: formed.address };
}

const isStable = (x: Stable | CaseVerdict): x is Stable => 'global' in x;

const T = 'Stable addresses (Host Only)';
export const cases: CaseDefinition[] = [
  {
    id: 'v6LC.3.2.6-A',
    title: `${T}: Part A: Link-Local vs. Global`,
    rfc: RFC,
    appliesTo: HOST_MODES,
    needsFreshNut: true,
    timeoutMs: 25_000,
    async run(ctx) {
      const a = await addressesAfterRestart(ctx);
      if (!isStable(a)) return a;
      if (interfaceId(a.linkLocal) === interfaceId(a.global)) {
        return fail(RFC, 'different interface identifiers for the link-local and the global prefix (RFC 7217 §5: F() takes the prefix)', `${a.linkLocal} and ${a.global}`);
      }
      return pass(`link-local ${a.linkLocal} and global ${a.global}: neither EUI-64, identifiers differ per prefix`);
    },
  },
  {
    id: 'v6LC.3.2.6-B',
    title: `${T}: Part B: Reboot`,
    rfc: RFC,
    appliesTo: HOST_MODES,
    needsFreshNut: true,
    timeoutMs: 40_000,
    async run(ctx) {
      const first = await addressesAfterRestart(ctx);
      if (!isStable(first)) return first;
      const again = await addressesAfterRestart(ctx);
      if (!isStable(again)) return again;
      for (const [what, before, after] of [['link-local', first.linkLocal, again.linkLocal], ['global', first.global, again.global]] as const) {
        if (before !== after) return fail(RFC, `the same ${what} address after the interface came up again (${before})`, `DAD for ${after}`);
      }
      return pass(`the same link-local (${first.linkLocal}) and global (${first.global}) addresses after the interface came up again`);
    },
  },
];
