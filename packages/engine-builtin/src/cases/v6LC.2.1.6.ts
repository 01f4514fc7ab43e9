// v6LC.2.1.6 Neighbor Solicitation Origination, Reachability Confirmation (RFC 4861 §7.3.3): an entry
// used while STALE goes to DELAY and, unconfirmed after DELAY_FIRST_PROBE_TIME, to PROBE: at most
// MAX_UNICAST_SOLICIT (3) unicast solicitations to the held link-layer address, RetransTimer apart. Judged
// as TAHI's V6LC_2_1_7.seq and v6LC_2_1_6_{B,C,D}: resolve TN1 (REACHABLE), let the entry time out (STALE),
// ping once more (an Echo Reply at once), then count the probes (ndProbe2None: exactly 3).
import { normalizeIpv6 } from '@testlab/packet';
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { echoReplyTo } from '../vocabulary/echo.js';
import { echoTo } from '../vocabulary/echo-to.js';
import { globalOf } from '../vocabulary/global-address.js';
import { isNsFor } from '../vocabulary/nd-messages.js';
import { DELAY_FIRST_PROBE_TIME_MS, MAX_UNICAST_SOLICIT, RETRANS_TIMER_MS, TIMER_SLACK_MS } from '../vocabulary/nd-constants.js';
import { enterStale, entryCaseTimeoutMs } from '../vocabulary/neighbor-entry.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { describeGap, gapOnBothClocks, stampOnNutClock, type NutStamps } from '../vocabulary/nut-stamps.js';
import { LINK0_PREFIX } from '../vocabulary/tahi-network.js';
import { bareNode, ND_TN1, type BareNode } from '../vocabulary/tester-nodes.js';
import { hostGlobalReady, LINK0_PREFIX_INFO, tr1Advertises } from '../vocabulary/tr1-router.js';
import { ANSWER_WINDOW_MS } from '../vocabulary/timing.js';

const TEST = 'Neighbor Solicitation Origination, Reachability Confirmation';
const RFC = 'RFC 4861 §7.3.3';
const TN1_GLOBAL = bareNode('TN1', ND_TN1.mac, globalOf(ND_TN1.mac));

async function nutGlobal(ctx: CaseContext): Promise<string | CaseVerdict> {
  if (ctx.mode === 'router') return normalizeIpv6(`${LINK0_PREFIX}1`);
  await tr1Advertises(ctx, { routerLifetime: 0, prefixes: [LINK0_PREFIX_INFO] }, `TR1 advertises ${LINK0_PREFIX}/64 (Common Test Setup 1.1)`);
  return hostGlobalReady(ctx);
}

async function probes(ctx: CaseContext, tn: BareNode, nutAddress: string): Promise<CaseVerdict> {
  const stale = await enterStale(ctx, tn, 1, nutAddress);
  if (stale) return stale;
  const stamps = stampOnNutClock(ctx, (f) => isNsFor(tn.address)(f) || echoReplyTo(tn, 2)(f));
  try {
    return await judgeProbes(ctx, tn, nutAddress, stamps);
  } finally {
    stamps.stop();
  }
}

async function judgeProbes(ctx: CaseContext, tn: BareNode, nutAddress: string, stamps: NutStamps): Promise<CaseVerdict> {
  await echoTo(ctx, tn, nutAddress, 2, `${tn.name} pings the NUT, whose entry for it is STALE`);
  const reply = await ctx.link().expect(echoReplyTo(tn, 2), ANSWER_WINDOW_MS);
  if (!reply) return fail('RFC 4861 §7.3.3', `an Echo Reply sent at once from the STALE entry (to ${tn.mac})`, ctx.link().seenSinceSend());
  if (reply.frame.eth?.dst !== tn.mac) return fail(RFC, `the Echo Reply sent to the held address ${tn.mac}`, `sent to ${reply.frame.eth?.dst}`);
  const window = DELAY_FIRST_PROBE_TIME_MS + RETRANS_TIMER_MS * MAX_UNICAST_SOLICIT + TIMER_SLACK_MS * 2;
  const sent = await ctx.link().collect(isNsFor(tn.address), window);
  const expected = `${MAX_UNICAST_SOLICIT} unicast probes for ${tn.address} to ${tn.mac}, the first DELAY_FIRST_PROBE_TIME (5 s) after the reply, then RetransTimer (1 s) apart`;
  if (sent.length === 0) return fail(RFC, expected, `no solicitation within ${window / 1000} s (the NUT never checked that ${tn.name} was still reachable)`);
  for (const r of sent) {
    const m = r.frame.icmpv6;
    if (normalizeIpv6(r.frame.ipv6?.dst ?? '').startsWith('ff')) return fail(RFC, expected, `a multicast NS to ${r.frame.ipv6?.dst}`);
    if (r.frame.eth?.dst !== tn.mac) return fail(RFC, expected, `a probe to ${r.frame.eth?.dst}`);
    if (m?.type !== 'neighbor-solicitation' || !m.options.some((o) => o.type === 'source-lla')) return fail(RFC, expected, 'a probe without a Source Link-Layer Address option');
  }
  if (sent.length > MAX_UNICAST_SOLICIT) return fail(RFC, expected, `${sent.length} probes`);
  if (sent.length < MAX_UNICAST_SOLICIT) return fail(RFC, expected, `only ${sent.length}`);
  // Both on the NUT's clock too: its jiffies, which the timers count, run fast or slow on a loaded host (nut-stamps.ts).
  const first = await gapOnBothClocks(stamps, reply, sent[0]!, DELAY_FIRST_PROBE_TIME_MS - TIMER_SLACK_MS);
  if (first.outsideMs > 0) return fail(RFC, expected, `the first probe ${describeGap(first)} after the reply`);
  const gaps = await Promise.all(sent.slice(1).map((r, i) => gapOnBothClocks(stamps, sent[i]!, r, RETRANS_TIMER_MS - 100)));
  if (gaps.some((g) => g.outsideMs > 0)) return fail(RFC, `${expected}: no more than one solicitation per RetransTimer`, `probes ${gaps.map(describeGap).join(', ')} apart`);
  return pass(`3 unicast probes, the first ${describeGap(first)} after the reply, then ${gaps.map(describeGap).join(' and ')} apart`);
}

function part(letter: string, partTitle: string, from: 'link-local' | 'global', to: 'link-local' | 'global'): CaseDefinition {
  return {
    id: `v6LC.2.1.6-${letter}`,
    title: `${TEST}: Part ${letter}: ${partTitle}`,
    rfc: RFC,
    appliesTo: ALL_MODES,
    timeoutMs: entryCaseTimeoutMs('STALE') + 15_000,
    run: async (ctx) => {
      // A global address on either side needs the Link0 prefix on-link (a host learns it from TR1's RA).
      const global = from === 'global' || to === 'global' ? await nutGlobal(ctx) : undefined;
      if (global !== undefined && typeof global !== 'string') return global;
      return probes(ctx, from === 'global' ? TN1_GLOBAL : ND_TN1, to === 'global' ? global! : ctx.nutOn().linkLocal);
    },
  };
}

export const cases: CaseDefinition[] = [
  part('A', 'Neighbor Solicitation Origination, Link-local => Link-local', 'link-local', 'link-local'),
  part('B', 'Neighbor Solicitation Origination, Global => Global', 'global', 'global'),
  part('C', 'Neighbor Solicitation Origination, Link-local => Global', 'link-local', 'global'),
  part('D', 'Neighbor Solicitation Origination, Global => Link-local', 'global', 'link-local'),
];
