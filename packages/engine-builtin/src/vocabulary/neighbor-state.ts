// The state of the NUT's neighbor cache entry for a tester node, read the way TAHI reads it (nd.p2's
// ndSendNaReachable2Reachable, ndSendNaReachable2Stale, ndSendNaProbe2Probe): from what the NUT does, never
// from its own tables. REACHABLE: it answers the node's ping and sends no Neighbor Solicitation for the next
// 9 s. STALE: it answers (entering DELAY) and DELAY_FIRST_PROBE_TIME later probes the node with a unicast NS.
// PROBE: its next unicast probe comes within RetransTimer. The link-layer address the entry holds is the
// Ethernet destination of the reply and of the probes. Each window runs on the NUT's clock too
// (nut-clock.ts): a VM on a loaded host runs DELAY_FIRST_PROBE_TIME late by the tester's clock (seen:
// 2.1.18-I and 2.1.20-G/M/R FAILed Linux 6.1 beside a kernel build, the probe not yet due on the NUT's
// clock), and a quiet window the NUT's clock has not served proves nothing.
import { normalizeIpv6, type DecodedFrame } from '@testlab/packet';
import { fail, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { echoReplyTo } from './echo.js';
import { echoTo } from './echo-to.js';
import { isNsFor } from './nd-messages.js';
import { DELAY_FIRST_PROBE_TIME_MS, NO_PROBE_WINDOW_MS, RETRANS_TIMER_MS, TIMER_SLACK_MS } from './nd-constants.js';
import type { BareNode } from './tester-nodes.js';
import { expectNothingOnNutTime, expectOnNutTime, nutClockMs } from './nut-clock.js';
import { ANSWER_WINDOW_MS } from './timing.js';

const RFC = 'RFC 4861 §7.3.3';

export type EntryState = 'REACHABLE' | 'STALE' | 'PROBE';

const isMulticastNs = (f: DecodedFrame): boolean => f.ipv6 !== undefined && normalizeIpv6(f.ipv6.dst).startsWith('ff02::1:ff');

/** Describes a Neighbor Solicitation the NUT sent for `tn`, `sinceMs` after an earlier frame. */
function describeNs(r: ReceivedFrame, sinceMs?: number): string {
  const when = sinceMs === undefined ? '' : ` ${Math.round(r.atMs - sinceMs)} ms after the Echo Reply`;
  return isMulticastNs(r.frame) ? `a multicast NS${when} (the entry was gone: resolution started again)` : `a unicast NS to ${r.frame.eth?.dst}${when}`;
}

/** A unicast probe for `tn` as TAHI's ucastNS frames describe it: to tn's address and held link-layer address, with an SLLA. */
function probeProblem(r: ReceivedFrame, tn: BareNode, lla: string): string | undefined {
  const f = r.frame;
  if (isMulticastNs(f)) return describeNs(r);
  if (f.eth?.dst !== lla) return `a probe sent to ${f.eth?.dst}, not to the held address ${lla}`;
  if (normalizeIpv6(f.ipv6?.dst ?? '::') !== tn.address) return `a probe sent to ${f.ipv6?.dst}`;
  const m = f.icmpv6;
  if (m?.type === 'neighbor-solicitation' && !m.options.some((o) => o.type === 'source-lla')) return 'a probe without a Source Link-Layer Address option';
  return undefined;
}

/** `tn` pings the NUT; the reply must come at once and go to `lla`. Returns it, or the FAIL. */
async function replyAt(ctx: CaseContext, tn: BareNode, lla: string, seq: number, expected: string, nutAddress?: string): Promise<ReceivedFrame | CaseVerdict> {
  await echoTo(ctx, tn, nutAddress ?? ctx.nutOn().linkLocal, seq, `${tn.name} pings: the reply and what follows show the entry's state`);
  const reply = await ctx.link().expect(echoReplyTo(tn, seq), ANSWER_WINDOW_MS);
  if (!reply) return fail('RFC 4443 §4.2', `an Echo Reply to ${tn.name} (${expected})`, ctx.link().seenSinceSend());
  if (reply.frame.eth?.dst !== lla) return fail('RFC 4861 §7.2.5', `${expected}; the Echo Reply sent to ${lla}`, `the Echo Reply sent to ${reply.frame.eth?.dst}`);
  return reply;
}

const isVerdict = (x: ReceivedFrame | CaseVerdict): x is CaseVerdict => 'verdict' in x;

/** The entry must be REACHABLE holding `lla`: answered at once, and no NS for `tn` for TAHI's 9 s. */
export async function expectReachable(ctx: CaseContext, tn: BareNode, lla: string, seq: number, after: string, nutAddress?: string): Promise<CaseVerdict | undefined> {
  const expected = `${tn.name}'s entry REACHABLE with ${lla} after ${after}`;
  const reply = await replyAt(ctx, tn, lla, seq, expected, nutAddress);
  if (isVerdict(reply)) return reply;
  const nutAtReply = await nutClockMs(ctx);
  const ns = await expectNothingOnNutTime(ctx, isNsFor(tn.address), NO_PROBE_WINDOW_MS, nutAtReply, "of TAHI's window without a probe");
  if (ns) return fail(RFC, `${expected}: no Neighbor Solicitation for ${tn.name} within ${NO_PROBE_WINDOW_MS / 1000} s of the Echo Reply`, `${describeNs(ns, reply.atMs)}: the entry was not REACHABLE`);
  return undefined;
}

/**
 * The entry must be STALE holding `lla`: the reply goes to `lla` (DELAY), and DELAY_FIRST_PROBE_TIME later,
 * not sooner (that would be an entry already in PROBE), the NUT probes `tn` at `lla`.
 */
export async function expectStale(ctx: CaseContext, tn: BareNode, lla: string, seq: number, after: string, nutAddress?: string): Promise<CaseVerdict | undefined> {
  const expected = `${tn.name}'s entry STALE with ${lla} after ${after}`;
  const reply = await replyAt(ctx, tn, lla, seq, expected, nutAddress);
  if (isVerdict(reply)) return reply;
  const nutAtReply = await nutClockMs(ctx);
  const probe = await expectOnNutTime(ctx, isNsFor(tn.address), DELAY_FIRST_PROBE_TIME_MS + TIMER_SLACK_MS, nutAtReply, 'of DELAY_FIRST_PROBE_TIME and slack');
  const what = `${expected}: the reply puts it in DELAY and DELAY_FIRST_PROBE_TIME (5 s) later the NUT probes ${tn.name} with a unicast NS to ${lla}`;
  if (!probe) return fail(RFC, what, `no Neighbor Solicitation within ${(DELAY_FIRST_PROBE_TIME_MS + TIMER_SLACK_MS) / 1000} s of the Echo Reply, by the NUT's clock too (the entry was REACHABLE)`);
  const wrong = probeProblem(probe, tn, lla);
  if (wrong) return fail(RFC, what, wrong);
  const gap = probe.atMs - reply.atMs;
  if (gap < DELAY_FIRST_PROBE_TIME_MS - TIMER_SLACK_MS) return fail(RFC, what, `a probe ${Math.round(gap)} ms after the Echo Reply: the entry was already in PROBE, not STALE`);
  return undefined;
}

/** The entry must still be in PROBE holding `lla`: the next unicast probe comes within RetransTimer. */
export async function expectProbing(ctx: CaseContext, tn: BareNode, lla: string, after: string): Promise<CaseVerdict | undefined> {
  const what = `${tn.name}'s entry still in PROBE with ${lla} after ${after}: its next unicast probe within RetransTimer (1 s)`;
  const nutNow = await nutClockMs(ctx);
  const probe = await expectOnNutTime(ctx, isNsFor(tn.address), RETRANS_TIMER_MS + TIMER_SLACK_MS, nutNow, 'of RetransTimer and slack');
  if (!probe) return fail(RFC, what, `no Neighbor Solicitation within ${(RETRANS_TIMER_MS + TIMER_SLACK_MS) / 1000} s (the entry left PROBE)`);
  const wrong = probeProblem(probe, tn, lla);
  if (wrong) return fail(RFC, what, wrong);
  return undefined;
}

/** Judges the entry against the state the RFC gives it. */
export function expectState(ctx: CaseContext, state: EntryState, tn: BareNode, lla: string, seq: number, after: string): Promise<CaseVerdict | undefined> {
  if (state === 'REACHABLE') return expectReachable(ctx, tn, lla, seq, after);
  if (state === 'STALE') return expectStale(ctx, tn, lla, seq, after);
  return expectProbing(ctx, tn, lla, after);
}
