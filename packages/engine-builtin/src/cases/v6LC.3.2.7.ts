// v6LC.3.2.7 Resolving DAD Conflicts (RFC 7217 §6), as v6LC_3_2_7_{A,B}.seq judge them on the wire: the host
// probes an address with an RFC 7217 identifier (not EUI-64), TN claims it while it is tentative (A: the
// link-local address after the interface comes up, answered with TN's own DAD probe; B: the global address
// from TR1's RA_GA0_VLT40, answered with TN's NA defending it), and the host, after IDGEN_DELAY (1 s), probes a
// new address in the same prefix (DAD_Counter + 1). TAHI waits IDGEN_DELAY and then 2 s; we allow 1 s more
// for a loaded NUT. Linux uses EUI-64 identifiers unless told otherwise (addr_gen_mode); the lab tests its
// defaults.
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { dadNa, dadNs } from '../vocabulary/dad-answers.js';
import { eui64Used, isDadNsFor, linkLocalAfterRestart } from '../vocabulary/interface-ids.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { ADDRCONF_WAIT_MS, autoconfigure, isFormed, probedAddress } from '../vocabulary/prefix-autoconf.js';
import { LINK0_PREFIX } from '../vocabulary/tahi-network.js';
import { sleep } from '../vocabulary/timing.js';

const RFC = 'RFC 7217 §6';
const VLT40 = { valid: 40, preferred: 20 };
/** IDGEN_DELAY (1 s), TAHI's 2 s of waiting after it, and 1 s for a loaded NUT. */
const NEW_ADDRESS_WINDOW_MS = 4_000;

/** After TN's claim on `address` (tentative, in `prefix`): the NUT's probe for another address in the prefix. */
async function newAddressProbed(ctx: CaseContext, prefix: string, address: string, claim: string): Promise<CaseVerdict> {
  const next = await ctx.link().expect(isDadNsFor(prefix, address), NEW_ADDRESS_WINDOW_MS);
  if (next) return pass(`after ${claim} on ${address} the NUT probed a new address, ${probedAddress(next)}`);
  const same = ctx.link().seenSinceSend(isDadNsFor(prefix));
  return fail(RFC, `a DAD probe for a new address in ${prefix}/64 within ${NEW_ADDRESS_WINDOW_MS / 1000} s of ${claim} on ${address}`, same === 'nothing' ? ctx.link().seenSinceSend() : same);
}

async function linkLocalConflict(ctx: CaseContext): Promise<CaseVerdict> {
  const ll = await linkLocalAfterRestart(ctx, RFC);
  if ('verdict' in ll) return ll;
  const bad = eui64Used(ctx, RFC, ll.address, 'a link-local address');
  if (bad) return bad;
  await ctx.link().send(dadNs(ll.probe), `TN's DAD probe for the NUT's tentative ${ll.address}`);
  return newAddressProbed(ctx, 'fe80::', ll.address, "TN's DAD probe");
}

async function globalConflict(ctx: CaseContext): Promise<CaseVerdict> {
  const ll = await linkLocalAfterRestart(ctx, RFC);
  if ('verdict' in ll) return ll;
  const badLl = eui64Used(ctx, RFC, ll.address, 'a link-local address');
  if (badLl) return badLl;
  await sleep(ll.probe.atMs + ADDRCONF_WAIT_MS - Date.now());
  const formed = await autoconfigure(ctx, LINK0_PREFIX, VLT40);
  if (!isFormed(formed)) return formed;
  const bad = eui64Used(ctx, RFC, formed.address, `a global address in ${LINK0_PREFIX}/64`);
  if (bad) return bad;
  const probe: ReceivedFrame = formed.probe;
  await ctx.link().send(dadNa(probe), `TN defends the NUT's tentative ${formed.address}`);
  return newAddressProbed(ctx, LINK0_PREFIX, formed.address, "TN's NA");
}

const T = 'Resolving DAD Conflicts (Host Only)';
export const cases: CaseDefinition[] = [
  { id: 'v6LC.3.2.7-A', title: `${T}: Part A: Link-Local`, rfc: RFC, appliesTo: HOST_MODES, needsFreshNut: true, timeoutMs: 20_000, run: linkLocalConflict },
  { id: 'v6LC.3.2.7-B', title: `${T}: Part B: Global`, rfc: RFC, appliesTo: HOST_MODES, needsFreshNut: true, timeoutMs: 25_000, run: globalConflict },
];
