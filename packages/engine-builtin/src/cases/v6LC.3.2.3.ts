// v6LC.3.2.3 Multiple Prefixes and Network Renumbering (RFC 4862 §5.5.3, §5.5.4), as RA_GA_MultiRenumber.seq
// judges it, on the wire: TR1 sends two RAs, one with prefix GA0 (valid 20 s, preferred 10 s: RA_GA0_VLT20)
// and one with prefix GA1 (valid 30 s, preferred 15 s: RA_GA1). The host forms an address in each; 2 s after
// GA0's valid lifetime ended only the GA1 address answers TN's solicitation, 2 s after GA1's neither does:
// the old prefix is renumbered away while the new one stays. About 35 s.
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { checkAddressAt, goneAfter, soonestAfter, type Checkpoint } from '../vocabulary/lifetime-checkpoints.js';
import { nutClockIfReadable } from '../vocabulary/nut-clock.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { ADDRCONF_WAIT_MS, advertisePrefix, DAD_AFTER_RA_MS, forgetPrefix, isDadNsIn, probedAddress, type Formed } from '../vocabulary/prefix-autoconf.js';
import { casePrefix } from '../vocabulary/ra-processing.js';
import { sleep } from '../vocabulary/timing.js';

const RFC = 'RFC 4862 §5.5.4';
const GA0 = { prefix: casePrefix(0x323a), valid: 20, preferred: 10 };
const GA1 = { prefix: casePrefix(0x323b), valid: 30, preferred: 15 };
const MARGIN_S = 2;

/** Both RAs, back to back; then the NUT's DAD probe for an address in each prefix, in whatever order they come. */
async function formBoth(ctx: CaseContext): Promise<[Formed, Formed] | CaseVerdict> {
  forgetPrefix(ctx, GA0.prefix);
  forgetPrefix(ctx, GA1.prefix);
  const probes: ReceivedFrame[] = [];
  const stop = ctx.link().onReceive((r) => void ((isDadNsIn(GA0.prefix)(r.frame) || isDadNsIn(GA1.prefix)(r.frame)) && probes.push(r)));
  try {
    const nutBefore = await nutClockIfReadable(ctx);
    const sent0 = await advertisePrefix(ctx, GA0.prefix, GA0, 'GA0');
    const sent1 = await advertisePrefix(ctx, GA1.prefix, GA1, 'GA1');
    const probeIn = (prefix: string) => probes.find((r) => isDadNsIn(prefix)(r.frame));
    while (Date.now() < sent1 + DAD_AFTER_RA_MS && !(probeIn(GA0.prefix) && probeIn(GA1.prefix))) await sleep(50);
    // One reading after both probes bounds when the NUT took either RA in (see TookIn).
    const nutLatestMs = nutBefore === undefined ? undefined : await nutClockIfReadable(ctx);
    const formed: Formed[] = [];
    for (const [ga, sentMs] of [[GA0, sent0], [GA1, sent1]] as const) {
      const dad = probeIn(ga.prefix);
      if (!dad) return fail('RFC 4862 §5.5.3 d, §5.4', `DAD for an address in each advertised prefix, ${ga.prefix}/64 included`, ctx.link().seenSinceSend());
      formed.push({ address: probedAddress(dad), took: { earliestMs: sentMs, latestMs: dad.atMs, nutEarliestMs: nutBefore, nutLatestMs }, probe: dad });
    }
    return [formed[0]!, formed[1]!];
  } finally {
    stop();
  }
}

const heldAt = (f: Formed, atMs: number, validS: number, when: string): Checkpoint => ({ address: f.address, atMs, held: true, deadlineMs: soonestAfter(f.took, validS - 1), when });

export const cases: CaseDefinition[] = [
  {
    id: 'v6LC.3.2.3',
    title: 'Multiple Prefixes and Network Renumbering (Hosts only)',
    rfc: RFC,
    appliesTo: HOST_MODES,
    timeoutMs: 50_000,
    timerBound: true,
    async run(ctx) {
      const both = await formBoth(ctx);
      if (!Array.isArray(both)) return both;
      const [ga0, ga1] = both;
      const settled = Math.max(ga0.took.latestMs, ga1.took.latestMs) + ADDRCONF_WAIT_MS;
      const ga0Gone = goneAfter(ga0.address, ga0.took, GA0.valid, MARGIN_S, 'the RA for GA0');
      const checks: Array<Checkpoint | (() => Checkpoint)> = [
        heldAt(ga0, settled, GA0.valid, `${ADDRCONF_WAIT_MS / 1000} s after its DAD probe`),
        heldAt(ga1, settled, GA1.valid, `${ADDRCONF_WAIT_MS / 1000} s after its DAD probe`),
        ga0Gone,
        // Right after GA0's check, as the script does: GA1's valid lifetime has 8 s to run.
        () => heldAt(ga1, Date.now(), GA1.valid, `when GA0's valid lifetime (${GA0.valid} s) has ended and GA1's (${GA1.valid} s) has not`),
        goneAfter(ga1.address, ga1.took, GA1.valid, MARGIN_S, 'the RA for GA1'),
      ];
      for (const c of checks) {
        const bad = await checkAddressAt(ctx, RFC, typeof c === 'function' ? c() : c);
        if (bad) return bad;
      }
      return pass(`${ga0.address} expired with GA0's valid lifetime while ${ga1.address} stayed until GA1's ended`);
    },
  },
];
