// v6LC.2.1.5 Neighbor Solicitation Origination, Address Resolution (RFC 4861 §7.2.2, §6.2.1/§6.3.4): an
// unanswered resolution sends MAX_MULTICAST_SOLICIT (3) multicast solicitations, each with a Source
// Link-Layer Address option, RetransTimer apart, and no more. Judged as TAHI's V6LC_2_1_6_{A,B}.seq (its
// checkInterval: RetransTimer +- 0.5 s), with RetransTimer 1 s and then, Phase-2, 5 s: a host is given it
// in TR1's RA, a router has it configured (as radvd's AdvRetransTimer does through the same sysctl).
import { normalizeIpv6 } from '@testlab/packet';
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { echoTo } from '../vocabulary/echo-to.js';
import { globalOf } from '../vocabulary/global-address.js';
import { isNsFor } from '../vocabulary/nd-messages.js';
import { describeGap, gapOnBothClocks, stampOnNutClock } from '../vocabulary/nut-stamps.js';
import { MAX_MULTICAST_SOLICIT, RETRANS_TIMER_MS, TIMER_SLACK_MS } from '../vocabulary/nd-constants.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { LINK0_PREFIX } from '../vocabulary/tahi-network.js';
import { bareNode, ND_TN1, type BareNode } from '../vocabulary/tester-nodes.js';
import { hostGlobalReady, LINK0_PREFIX_INFO, tr1Advertises } from '../vocabulary/tr1-router.js';

const TEST = 'Neighbor Solicitation Origination, Address Resolution';
const RFC = 'RFC 4861 §7.2.2';
/** TAHI's margin on each interval. */
const MARGIN_MS = 500;

async function setRetransTimer(ctx: CaseContext, ms: number): Promise<void> {
  const ifname = ctx.nutOn().ifname;
  if (ctx.mode === 'router') {
    ctx.onCleanup('give the router its RetransTimer of 1 s back', async () => void (await ctx.nutCommand(['sysctl', '-w', `net.ipv6.neigh.${ifname}.retrans_time_ms=${RETRANS_TIMER_MS}`])));
    await ctx.nutCommand(['sysctl', '-w', `net.ipv6.neigh.${ifname}.retrans_time_ms=${ms}`]);
    return;
  }
  await tr1Advertises(ctx, { routerLifetime: 0, retransTimer: ms }, `TR1's RA sets RetransTimer to ${ms} ms`);
}

/** `tn` pings `nutAddress` and never answers: exactly 3 multicast NSs with SLLA, `retransMs` apart. */
async function solicitations(ctx: CaseContext, tn: BareNode, nutAddress: string, retransMs: number, seq: number): Promise<CaseVerdict | undefined> {
  const stamps = stampOnNutClock(ctx, isNsFor(tn.address));
  await echoTo(ctx, tn, nutAddress, seq, `${tn.name} pings the NUT and will not answer its solicitations (RetransTimer ${retransMs} ms)`);
  const sent = await ctx.link().collect(isNsFor(tn.address), retransMs * MAX_MULTICAST_SOLICIT + TIMER_SLACK_MS);
  stamps.stop();
  const expected = `${MAX_MULTICAST_SOLICIT} multicast Neighbor Solicitations for ${tn.address}, each with an SLLA, ${retransMs} ms apart`;
  if (sent.length === 0) return fail(RFC, expected, `${ctx.link().seenSinceSend()} (the NUT did not try to resolve ${tn.name})`);
  if (sent.length > MAX_MULTICAST_SOLICIT) return fail(RFC, expected, `${sent.length} solicitations`);
  if (sent.length < MAX_MULTICAST_SOLICIT) return fail(RFC, expected, `only ${sent.length}`);
  for (const r of sent) {
    if (!normalizeIpv6(r.frame.ipv6?.dst ?? '').startsWith('ff02::1:ff')) return fail(RFC, expected, `an NS to ${r.frame.ipv6?.dst}`);
    const m = r.frame.icmpv6;
    if (m?.type !== 'neighbor-solicitation' || !m.options.some((o) => o.type === 'source-lla')) return fail(RFC, `${expected}: the SLLA MUST be included in multicast solicitations`, 'an NS without one');
  }
  // On the NUT's clock too: its jiffies, which RetransTimer counts, run fast or slow on a loaded host (nut-stamps.ts).
  const gaps = await Promise.all(sent.slice(1).map((r, i) => gapOnBothClocks(stamps, sent[i]!, r, retransMs - MARGIN_MS, retransMs + MARGIN_MS + TIMER_SLACK_MS)));
  if (gaps.some((g) => g.outsideMs > 0)) {
    return fail('RFC 4861 §7.2.2', `${expected}: retransmissions rate-limited to one per RetransTimer`, `intervals of ${gaps.map(describeGap).join(', ')}`);
  }
  ctx.log(`RetransTimer ${retransMs} ms: intervals ${gaps.map(describeGap).join(', ')}`);
  return undefined;
}

async function originated(ctx: CaseContext, global: boolean): Promise<CaseVerdict> {
  let nutAddress = ctx.nutOn().linkLocal;
  let tn: BareNode = ND_TN1;
  if (global) {
    tn = bareNode('TN1', ND_TN1.mac, globalOf(ND_TN1.mac));
    if (ctx.mode === 'router') nutAddress = normalizeIpv6(`${LINK0_PREFIX}1`);
    else {
      await tr1Advertises(ctx, { routerLifetime: 0, prefixes: [LINK0_PREFIX_INFO] }, `TR1 advertises ${LINK0_PREFIX}/64`);
      const ready = await hostGlobalReady(ctx);
      if (typeof ready !== 'string') return ready;
      nutAddress = ready;
    }
  }
  for (const [retrans, seq] of [[RETRANS_TIMER_MS, 1], [5 * RETRANS_TIMER_MS, 2]] as const) {
    await setRetransTimer(ctx, retrans);
    const wrong = await solicitations(ctx, tn, nutAddress, retrans, seq);
    if (wrong) return wrong;
  }
  return pass(`3 multicast solicitations for ${tn.address} with SLLA, RetransTimer apart (1 s, then 5 s)`);
}

export const cases: CaseDefinition[] = [
  { id: 'v6LC.2.1.5-A', title: `${TEST}: Part A: Neighbor Solicitation Origination, Target Address Being Link-local`, rfc: RFC, appliesTo: ALL_MODES, timeoutMs: 40_000, run: (ctx) => originated(ctx, false) },
  { id: 'v6LC.2.1.5-B', title: `${TEST}: Part B: Neighbor Solicitation Origination, Target Address Being Global`, rfc: RFC, appliesTo: ALL_MODES, timeoutMs: 50_000, run: (ctx) => originated(ctx, true) },
];
