// v6LC.2.2.1 Router Solicitations (RFC 4861 §6.3.7): a host whose interface comes up sends Router
// Solicitations to all-routers, hop limit 255, RTR_SOLICITATION_INTERVAL (4 s) apart, at most
// MAX_RTR_SOLICITATIONS (3) of them. RFC 7559 later allows retransmitting on with exponential backoff
// (RAND of ±10% on each interval): a NUT doing so gets WARN, not FAIL.
import { normalizeIpv6, type DecodedFrame } from '@testlab/packet';
import { fail, pass, warn, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { restartInterface } from '../vocabulary/interface-restart.js';
import { describeGap, gapOnBothClocks, stampOnNutClock, type NutStamps } from '../vocabulary/nut-stamps.js';

const RFC = 'RFC 4861 §6.3.7';
const isRs = (f: DecodedFrame) => f.icmpv6?.type === 'router-solicitation';
/** RTR_SOLICITATION_INTERVAL less RFC 7559's 10% randomisation. */
const MIN_INTERVAL_MS = 3_600;
/**
 * How long after the third RS a fourth is looked for. RFC 7559 doubles the interval each time (4 s, 8 s, then
 * 16 s +- 10% before the 4th: Linux sent it 16.3 s and 18.5 s after the 3rd); a loaded NUT sends it later
 * still, and a window that ends first turns the same kernel's WARN into a PASS run to run.
 */
const FOURTH_WINDOW_MS = 30_000;

function checkRs(ctx: CaseContext, r: ReceivedFrame, n: number): CaseVerdict | undefined {
  const f = r.frame;
  const ll = ctx.nutOn().linkLocal;
  const src = normalizeIpv6(f.ipv6!.src);
  if (normalizeIpv6(f.ipv6!.dst) !== 'ff02::2') return fail(RFC, `RS ${n} sent to all-routers ff02::2`, `destination ${f.ipv6!.dst}`);
  if (f.ipv6!.hopLimit !== 255) return fail('RFC 4861 §6.1.1', `RS ${n} with hop limit 255`, `hop limit ${f.ipv6!.hopLimit}`);
  if (src !== ll && src !== '::') return fail('RFC 4861 §4.1', `RS ${n} from ${ll} or ::`, `source ${src}`);
  const m = f.icmpv6;
  if (m?.type !== 'router-solicitation') throw new Error('unreachable');
  if (m.code !== 0) return fail('RFC 4861 §6.1.1', `RS ${n} with code 0`, `code ${m.code}`);
  if (src === '::' && m.options.some((o) => o.type === 'source-lla')) return fail('RFC 4861 §4.1', 'no SLLA option in an RS from ::', 'an SLLA option');
  return undefined;
}

const routerSolicitations: CaseDefinition = {
  id: 'v6LC.2.2.1',
  title: 'Router Solicitations (Hosts Only)',
  rfc: RFC,
  appliesTo: ['host', 'ipsec-end-node'],
  needsFreshNut: true,
  timeoutMs: 80_000,
  timerBound: true,
  async run(ctx) {
    // RTR_SOLICITATION_INTERVAL counts the NUT's jiffies: intervals are judged on its clock too (nut-stamps.ts).
    const stamps = stampOnNutClock(ctx, isRs);
    try {
      return await solicitations(ctx, stamps);
    } finally {
      stamps.stop();
    }
  },
};

/** Three RSs after the interface comes up, judged as the header says; a 4th within FOURTH_WINDOW_MS is a WARN. */
async function solicitations(ctx: CaseContext, stamps: NutStamps): Promise<CaseVerdict> {
  await restartInterface(ctx);
  const seen: ReceivedFrame[] = [];
  // DAD of the link-local address (up to 2 s) and MAX_RTR_SOLICITATION_DELAY (1 s) come first.
  let window = 6_000;
  for (let n = 1; n <= 3; n++) {
    const rs = await ctx.link().expect((f) => isRs(f) && !seen.some((s) => s.frame === f), window);
    if (!rs) return fail(RFC, `Router Solicitation ${n} of 3 within ${window} ms`, n === 1 ? ctx.link().seenSinceSend() : `${n - 1} solicitation(s) only`);
    const bad = checkRs(ctx, rs, n);
    if (bad) return bad;
    const previous = seen.at(-1);
    const gap = previous ? await gapOnBothClocks(stamps, previous, rs, MIN_INTERVAL_MS) : undefined;
    if (gap && gap.outsideMs > 0) {
      return fail(RFC, `Router Solicitations at least RTR_SOLICITATION_INTERVAL (4 s, less RFC 7559's 10%) apart`, `RS ${n} ${describeGap(gap)} after RS ${n - 1}`);
    }
    seen.push(rs);
    window = 4_000 * 2.5;
  }
  const third = seen[2]!;
  const fourth = await ctx.link().expect((f) => isRs(f) && !seen.some((s) => s.frame === f), FOURTH_WINDOW_MS);
  const gaps = seen.slice(1).map((r, i) => `${Math.round(r.atMs - seen[i]!.atMs)} ms`).join(', ');
  if (fourth) {
    return warn('RFC 4861 §6.3.7 MAX_RTR_SOLICITATIONS; RFC 7559 §2 allows it', 'no more than 3 Router Solicitations', `a 4th RS ${Math.round(fourth.atMs - third.atMs)} ms after the 3rd (intervals ${gaps})`);
  }
  return pass(`3 Router Solicitations to ff02::2, hop limit 255, intervals ${gaps}; no 4th within ${FOURTH_WINDOW_MS} ms`);
}

export const cases: CaseDefinition[] = [routerSolicitations];
