// TN1's entry in the NUT's neighbor cache, brought into the state a case starts from (RFC 4861 §7.3.2)
// the way TAHI's nd.p2 does it (ndisc.pm): REACHABLE by resolution answered with a solicited NA; STALE by
// letting a REACHABLE entry time out (ReachableTime, with no probe meanwhile); PROBE by TAHI's fast path, an
// unsolicited NA answering the NUT's solicitation (STALE), the queued reply (DELAY), then the first probe.
import { expectOnNutTime, NUT_CLOCK_CAP_MS, nutClockMs } from './nut-clock.js';
import { fail, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { echoReplyTo } from './echo.js';
import { echoTo } from './echo-to.js';
import { isNsFor, naFrom } from './nd-messages.js';
import { DELAY_FIRST_PROBE_TIME_MS, MAX_RANDOM_FACTOR, REACHABLE_TIME_MS, TIMER_SLACK_MS } from './nd-constants.js';
import { ND_TN1, type BareNode } from './tester-nodes.js';
import { ANSWER_WINDOW_MS, sleep } from './timing.js';

export type Start = 'REACHABLE' | 'STALE' | 'PROBE';

/**
 * The BaseReachableTime the NUT is given while a case waits for REACHABLE to time out into STALE. TAHI
 * waits REACHABLE_TIME * MAX_RANDOM_FACTOR (45 s) at the default 30 s; a shorter configured ReachableTime
 * (RFC 4861 §6.3.2, as an RA's Reachable Time field would set it) brings the same transition in at most
 * 18 s. At least 12 s: the entry's random ReachableTime (6..18 s) then always ends more than
 * DELAY_FIRST_PROBE_TIME after its last use, so it goes to STALE, not to DELAY.
 */
const SHORT_BASE_REACHABLE_MS = 12_000;

/**
 * How late a kernel may fire a timer of this length, as a share of it: Linux's timer wheel rounds an expiry
 * up to its level's granularity, at most an eighth of the timeout (kernel/time/timer.c; 2 s at 18 s and
 * HZ=250). Seen: an entry REACHABLE 19.66 s of the NUT's time after a ReachableTime of at most 18 s.
 */
const TIMER_WHEEL_LATENESS = 1 / 8;

/** How much later than the NUT's timers the lab may see their effect before it says it could not judge. */
const LAB_SLOWNESS_ALLOWANCE_MS = 45_000;

const reachableSysctl = (ctx: CaseContext, ms: number): string[] => ['sysctl', '-w', `net.ipv6.neigh.${ctx.nutOn().ifname}.base_reachable_time_ms=${ms}`];

/** `tn` pings the NUT (at `nutAddress`, its link-local address by default), which has no entry for `tn`: it must solicit `tn`. */
async function provoke(ctx: CaseContext, tn: BareNode, seq: number, nutAddress?: string): Promise<CaseVerdict | undefined> {
  await echoTo(ctx, tn, nutAddress ?? ctx.nutOn().linkLocal, seq, `${tn.name} pings the NUT, which has no neighbor entry for it`);
  const ns = await ctx.link().expect(isNsFor(tn.address), ANSWER_WINDOW_MS);
  if (!ns) return fail('RFC 4861 §7.2.2', `a Neighbor Solicitation for ${tn.name} (${tn.address}) to send the Echo Reply`, ctx.link().seenSinceSend());
  return undefined;
}

/** The NUT's neighbor table lists `tn` as STALE (`ip -6 neigh show`); false when it cannot be read. */
async function showsStale(ctx: CaseContext, tn: BareNode): Promise<boolean> {
  const out = await ctx.nutCommand(['/usr/sbin/ip', '-6', 'neigh', 'show', tn.address, 'dev', ctx.nutOn().ifname]).catch(() => '');
  return / STALE\b/.test(out);
}

/** REACHABLE: `tn` pings, the NUT solicits it, `tn` answers with a solicited NA and the queued reply leaves. */
export async function enterReachable(ctx: CaseContext, tn: BareNode = ND_TN1, seq = 1, nutAddress?: string): Promise<CaseVerdict | undefined> {
  const unresolved = await provoke(ctx, tn, seq, nutAddress);
  if (unresolved) return unresolved;
  await ctx.link().send(naFrom(ctx, tn, { solicited: true, override: true }), `${tn.name} answers with a solicited NA: the entry is REACHABLE`);
  if (!(await ctx.link().expect(echoReplyTo(tn, seq), ANSWER_WINDOW_MS))) {
    return fail('RFC 4861 §7.2.5', `the queued Echo Reply once ${tn.name}'s solicited NA arrived (the NUT must accept it: INCOMPLETE to REACHABLE)`, ctx.link().seenSinceSend());
  }
  return undefined;
}

/**
 * STALE: a REACHABLE entry left alone times out after ReachableTime (RFC 4861 §7.3.3). No NS may come
 * for `tn` meanwhile (TAHI's ndiscReachable2Stale). The NUT's BaseReachableTime is shortened for the wait
 * and given back its default (30 s) before the case goes on, so what follows is timed as in TAHI.
 */
export async function enterStale(ctx: CaseContext, tn: BareNode = ND_TN1, seq = 1, nutAddress?: string): Promise<CaseVerdict | undefined> {
  await ctx.nutCommand(reachableSysctl(ctx, SHORT_BASE_REACHABLE_MS));
  ctx.onCleanup('give the NUT its default BaseReachableTime (30 s) back', async () => void (await ctx.nutCommand(reachableSysctl(ctx, REACHABLE_TIME_MS))));
  const reachable = await enterReachable(ctx, tn, seq, nutAddress);
  if (reachable) return reachable;
  // TAHI waits the longest ReachableTime can be; the NUT's own table (read, never judged) says when it is
  // over sooner. Frames are watched all the while: an NS for a REACHABLE, unused entry is the FAIL. The
  // longest ReachableTime is counted on the NUT's own clock: a VM on a busy host runs its timers late, and
  // the lab's haste must not become the kernel's FAIL.
  const longestMs = Math.round(SHORT_BASE_REACHABLE_MS * MAX_RANDOM_FACTOR * (1 + TIMER_WHEEL_LATENESS)) + TIMER_SLACK_MS;
  ctx.log(`waiting up to ${longestMs} ms of the NUT's time (ReachableTime * MAX_RANDOM_FACTOR) for the entry to go from REACHABLE to STALE`);
  ctx.link().markNow();
  const nutStart = await nutClockMs(ctx);
  const giveUp = Date.now() + longestMs + LAB_SLOWNESS_ALLOWANCE_MS;
  await sleep(SHORT_BASE_REACHABLE_MS / 2);
  for (;;) {
    // The NUT's clock is read before its table: an entry still REACHABLE after that reading was REACHABLE
    // for at least that long (read the other way round, the time the table read took counts against the NUT).
    const nutElapsed = (await nutClockMs(ctx)) - nutStart;
    if (await showsStale(ctx, tn)) break;
    if (nutElapsed > longestMs) {
      await ctx.nutCommand(reachableSysctl(ctx, REACHABLE_TIME_MS));
      return fail('RFC 4861 §7.3.3', `${tn.name}'s REACHABLE, unused entry STALE within ReachableTime (at most ${longestMs} ms)`, `it still REACHABLE after ${nutElapsed} ms of the NUT's own time`);
    }
    if (Date.now() > giveUp) throw new Error(`the NUT's clock moved only ${nutElapsed} ms in ${longestMs + LAB_SLOWNESS_ALLOWANCE_MS} ms: the lab is too slow to bring the entry to STALE`);
    await sleep(1_000);
  }
  const probed = await ctx.link().expectNothing(isNsFor(tn.address), 0);
  await ctx.nutCommand(reachableSysctl(ctx, REACHABLE_TIME_MS));
  if (probed) return fail('RFC 4861 §7.3.3', `no Neighbor Solicitation for ${tn.name} while its entry is REACHABLE and unused (it times out to STALE)`, `an NS to ${probed.frame.eth?.dst}`);
  return undefined;
}

/**
 * PROBE (TAHI's ndiscNone2Delay1 and ndiscDelay2Probe): `tn` answers the NUT's solicitation with an
 * unsolicited NA (S = 0, O = 1, TLLA), which makes the entry STALE; the queued reply leaving through it
 * makes it DELAY, and DELAY_FIRST_PROBE_TIME later the first unicast probe shows it in PROBE.
 */
export async function enterProbe(ctx: CaseContext, tn: BareNode = ND_TN1, seq = 1): Promise<CaseVerdict | undefined> {
  const unresolved = await provoke(ctx, tn, seq);
  if (unresolved) return unresolved;
  await ctx.link().send(naFrom(ctx, tn, { solicited: false, override: true }), `${tn.name} answers with an unsolicited NA (S = 0, O = 1): the entry is STALE`);
  if (!(await ctx.link().expect(echoReplyTo(tn, seq), ANSWER_WINDOW_MS))) {
    return fail('RFC 4861 §7.2.5', `the queued Echo Reply once ${tn.name}'s NA with a TLLA arrived (INCOMPLETE to STALE)`, ctx.link().seenSinceSend());
  }
  // DELAY_FIRST_PROBE_TIME runs on the NUT's clock: a probe not yet due there is the lab's haste (nut-clock.ts).
  const nutAtReply = await nutClockMs(ctx);
  const probe = await expectOnNutTime(ctx, (f) => isNsFor(tn.address)(f) && f.eth?.dst === tn.mac, DELAY_FIRST_PROBE_TIME_MS + TIMER_SLACK_MS, nutAtReply, 'of DELAY_FIRST_PROBE_TIME and slack');
  if (!probe) return fail('RFC 4861 §7.3.3', `a unicast Neighbor Solicitation probing ${tn.name} DELAY_FIRST_PROBE_TIME (5 s) after the entry was used, by the NUT's clock too`, ctx.link().seenSinceSend());
  return undefined;
}

/** `tn`'s entry brought into `start`; `tn` is TN1 unless a case names another bare node (TR1 in Router Discovery). */
export async function enterState(ctx: CaseContext, start: Start, tn: BareNode = ND_TN1): Promise<CaseVerdict | undefined> {
  if (start === 'REACHABLE') return enterReachable(ctx, tn);
  if (start === 'STALE') return enterStale(ctx, tn);
  return enterProbe(ctx, tn);
}

/** How long a case that starts from `start` may take, its own judgement included. */
export function entryCaseTimeoutMs(start: Start): number {
  // The judgement's windows, each of which may wait on for a lagging NUT clock (at most NUT_CLOCK_CAP_MS).
  const judgement = 15_000 + NUT_CLOCK_CAP_MS;
  if (start === 'STALE') return Math.round(SHORT_BASE_REACHABLE_MS * MAX_RANDOM_FACTOR * (1 + TIMER_WHEEL_LATENESS)) + TIMER_SLACK_MS + LAB_SLOWNESS_ALLOWANCE_MS + 10_000 + judgement;
  if (start === 'PROBE') return DELAY_FIRST_PROBE_TIME_MS + 8_000 + NUT_CLOCK_CAP_MS + judgement;
  return 6_000 + judgement;
}
