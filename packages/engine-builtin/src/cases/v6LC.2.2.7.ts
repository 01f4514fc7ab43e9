// v6LC.2.2.7 Sending Unsolicited Router Advertisements (RFC 4861 §6.2.4, §6.2.1): an advertising
// interface sends RAs on its own, MinRtrAdvInterval..MaxRtrAdvInterval apart, the first
// MAX_INITIAL_RTR_ADVERTISEMENTS (3) at most MAX_INITIAL_RTR_ADVERT_INTERVAL (16 s) apart, with the values
// it is configured with, whatever they are within RFC 4861 §6.2.1's bounds. Intervals are judged with
// TAHI's ±0.5 s. Intervals are radvd's timers on the NUT's clock, which runs late on a loaded host (seen: a
// 10 s interval taking 14.3 s of tester time): each RA's time is also read on the NUT's clock (its
// /proc/uptime, read as the RA arrives), an interval is outside only when both clocks put it there, and no
// next RA before the NUT's clock has served the interval is the lab's ERROR. One outside by less than the
// lab's own delay could still be the lab's, so radvd is started again and the intervals measured anew, up to
// MEASUREMENTS times; only a case that could never tell is ERROR. An interval outside by more than the lab's
// delay FAILs at once. radvd schedules and builds the RAs; the kernel only sends them.
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { routerAddress } from '../modes/router.js';
import type { AdvertisingInterface } from '../modes/radvd-conf.js';
import { advertise, stopAdvertising } from '../vocabulary/advertising-router.js';
import { defaultRa, raContentProblems, rfcPrefix, type ExpectedRa } from '../vocabulary/ra-contents.js';
import { expectOnNutTime, nutClockMs } from '../vocabulary/nut-clock.js';
import { isRaFromNut, LAB_SLACK_MS } from '../vocabulary/router-solicitations.js';

const RFC = 'RFC 4861 §6.2.4';
const TEST = 'Sending Unsolicited Router Advertisements (Routers Only)';
const LINK0 = routerAddress(0).prefix;
const TOLERANCE_MS = 500;
const U32 = 0xffff_ffff;
/** How many times parts A and B measure the intervals when the lab's own delay could explain one. */
const MEASUREMENTS = 3;

type Config = Omit<AdvertisingInterface, 'ifname'>;

/** An RA as the tester saw it, with the NUT's clock read as it arrived, and how long after its arrival that reading came back. */
type TimedRa = ReceivedFrame & { nutMs: number; readLagMs: number };

async function timed(ctx: CaseContext, ra: ReceivedFrame): Promise<TimedRa> {
  const nutMs = await nutClockMs(ctx);
  return { ...ra, nutMs, readLagMs: Date.now() - ra.atMs };
}

/**
 * The first `n` RAs on Link0 (the first is radvd's at start), each within `gapMs` of the previous on the
 * NUT's clock; throws (ERROR) when the NUT's clock has not served `gapMs` within 30 s more of tester time.
 */
async function unsolicitedRas(ctx: CaseContext, config: Config, n: number, gapMs: number): Promise<TimedRa[]> {
  const seen: TimedRa[] = [];
  const first = (await advertise(ctx, [{ link: 'Link0', ...config }])).initial.get('Link0');
  if (!first) return seen;
  ctx.link().markNow();
  seen.push(await timed(ctx, first));
  while (seen.length < n) {
    const previous = seen[seen.length - 1]!;
    const next = await expectOnNutTime(ctx, isRaFromNut(ctx), gapMs, previous.nutMs, `to wait for RA ${seen.length + 1}`);
    if (!next) break;
    ctx.link().markNow();
    seen.push(await timed(ctx, next));
  }
  return seen;
}

/**
 * Intervals must lie in [min, max] (ms), TAHI's ±0.5 s allowed, on the tester's or on the NUT's clock (outside
 * only when both put it there); up to the lab's delay beyond that cannot be judged: CouldNotJudge is thrown.
 */
function judgeIntervals(ras: TimedRa[], from: number, min: number, max: number, rule: string): CaseVerdict | 'ok' {
  const outsideBy = (gap: number) => (gap < min - TOLERANCE_MS ? min - TOLERANCE_MS - gap : gap > max + TOLERANCE_MS ? gap - max - TOLERANCE_MS : 0);
  for (let i = Math.max(1, from); i < ras.length; i++) {
    const gap = ras[i]!.atMs - ras[i - 1]!.atMs;
    const nutGap = ras[i]!.nutMs - ras[i - 1]!.nutMs;
    // A reading of the NUT's clock is late by up to its own round trip: that much is in the NUT's favour.
    const readingSlack = Math.max(ras[i]!.readLagMs, ras[i - 1]!.readLagMs);
    const outside = Math.min(outsideBy(gap), Math.max(0, outsideBy(nutGap) - readingSlack));
    if (outside === 0) continue;
    if (outside <= LAB_SLACK_MS) throw new CouldNotJudge(`RA ${i + 1} came ${Math.round(gap)} ms (NUT clock: ${nutGap} ms) after RA ${i}, outside ${rule} by ${Math.round(outside)} ms, less than the lab's own delay: could not judge`);
    return fail(RFC, `RA ${i + 1} ${rule}`, `${Math.round(gap)} ms after RA ${i} (${nutGap} ms on the NUT's clock)`);
  }
  return 'ok';
}

/**
 * Collects `n` unsolicited RAs and judges them with `judge`; a measurement the lab could not judge is taken
 * again (radvd restarted), the last such reason thrown as the case's ERROR.
 */
async function measured(ctx: CaseContext, config: Config, n: number, gapMs: number, judge: (ras: TimedRa[]) => Promise<CaseVerdict>): Promise<CaseVerdict> {
  let couldNotJudge: Error | undefined;
  for (let attempt = 1; attempt <= MEASUREMENTS; attempt++) {
    if (attempt > 1) {
      // The stopped radvd's final RA (lifetime 0) must not be taken for the next one's first.
      await stopAdvertising(ctx);
      await new Promise((r) => setTimeout(r, LAB_SLACK_MS));
    }
    try {
      return await judge(await unsolicitedRas(ctx, config, n, gapMs));
    } catch (e) {
      if (!(e instanceof CouldNotJudge)) throw e;
      couldNotJudge = e;
      ctx.log(`measurement ${attempt} of ${MEASUREMENTS}: ${e.message}; measuring again`);
    }
  }
  throw couldNotJudge!;
}

class CouldNotJudge extends Error {}

const gaps = (ras: ReceivedFrame[]) => ras.slice(1).map((r, i) => `${(Math.round((r.atMs - ras[i]!.atMs) / 100) / 10).toFixed(1)} s`).join(', ');

function contents(ctx: CaseContext, ras: ReceivedFrame[], e: ExpectedRa): CaseVerdict | undefined {
  for (const [i, r] of ras.entries()) {
    const problems = raContentProblems(ctx, r, e);
    if (problems.length) return fail('RFC 4861 §6.2.3', `unsolicited RAs as configured`, `RA ${i + 1} with ${problems.join(', ')}`);
  }
  return undefined;
}

function part(letter: string, partTitle: string, timeoutMs: number, run: (ctx: CaseContext) => Promise<CaseVerdict>): CaseDefinition {
  return { id: `v6LC.2.2.7-${letter}`, title: `${TEST}: Part ${letter}: ${partTitle}`, rfc: RFC, appliesTo: ['router', 'security-gateway'], timeoutMs, run };
}

/** Parts C-F: the first RA (sent at once) carries what the configuration says. */
function firstRaCarries(config: Config, e: ExpectedRa, what: string) {
  return async (ctx: CaseContext): Promise<CaseVerdict> => {
    const [first] = await unsolicitedRas(ctx, config, 1, 0);
    if (!first) return fail(RFC, 'an unsolicited RA once the interface advertises', ctx.link().seenSinceSend());
    return contents(ctx, [first], e) ?? pass(`the unsolicited RA carries ${what}`);
  };
}

export const cases: CaseDefinition[] = [
  // TAHI's values: 5 and 10 s; 3 initial RAs and 3 more (about 45 s a measurement).
  part('A', 'Sending Unsolicited RA (MinRtrAdvInterval <= interval <= MaxRtrAdvInterval)', 300_000, (ctx) => measured(ctx, { minIntervalS: 5, maxIntervalS: 10, prefixes: [{ prefix: LINK0, length: 64 }] }, 6, 20_000, async (ras) => {
    if (ras.length < 6) return fail(RFC, '6 unsolicited RAs at most MaxRtrAdvInterval (10 s) apart', ras.length ? `${ras.length} RA(s), then none for 20 s (intervals ${gaps(ras)})` : 'no RA at all');
    const initial = judgeIntervals(ras.slice(0, 3), 1, 0, 10_000, 'at most MaxRtrAdvInterval (10 s) after the previous one');
    if (initial !== 'ok') return initial;
    const later = judgeIntervals(ras, 3, 5_000, 10_000, 'MinRtrAdvInterval..MaxRtrAdvInterval (5..10 s) after the previous one');
    if (later !== 'ok') return later;
    return contents(ctx, ras, defaultRa(10, [rfcPrefix(LINK0)])) ?? pass(`6 unsolicited RAs, intervals ${gaps(ras)}, router lifetime 30 s`);
  })),
  // MinRtrAdvInterval 198 s: every random interval exceeds 16 s, so the initial ones must be 16 s (32 s a measurement).
  part('B', 'Sending Unsolicited RA (MAX_INITIAL_RTR_ADVERT_INTERVAL)', 150_000, (ctx) => measured(ctx, { minIntervalS: 198, maxIntervalS: 600, prefixes: [{ prefix: LINK0, length: 64 }] }, 3, 16_000 + 2 * LAB_SLACK_MS + TOLERANCE_MS, async (ras) => {
    if (ras.length < 3) return fail(RFC, '3 initial RAs MAX_INITIAL_RTR_ADVERT_INTERVAL (16 s) apart', ras.length ? `${ras.length} RA(s) only (intervals ${gaps(ras)})` : 'no RA at all');
    const v = judgeIntervals(ras, 1, 16_000, 16_000, 'MAX_INITIAL_RTR_ADVERT_INTERVAL (16 s) after the previous one, as MinRtrAdvInterval is 198 s');
    if (v !== 'ok') return v;
    return contents(ctx, ras, defaultRa(600, [rfcPrefix(LINK0)])) ?? pass(`3 initial RAs, intervals ${gaps(ras)}`);
  })),
  part('C', 'Sending Unsolicited RA (Min Values)', 30_000, firstRaCarries(
    { minIntervalS: 3, maxIntervalS: 4, curHopLimit: 0, managed: false, otherConfig: false, defaultLifetime: 0, reachableTimeMs: 0, retransTimerMs: 0, linkMtu: 1280, prefixes: [{ prefix: LINK0, length: 64, onLink: false, autonomous: false, validLifetime: 0, preferredLifetime: 0 }] },
    { curHopLimit: 0, managed: false, other: false, routerLifetime: 0, preference: 0, reachableTime: 0, retransTimer: 0, mtu: 1280, prefixes: [{ prefix: LINK0, length: 64, onLink: false, autonomous: false, valid: 0, preferred: 0 }] },
    'the minimum values (hop limit 0, lifetimes 0, MTU 1280, L and A clear)',
  )),
  part('D', 'Sending Unsolicited RA (Max Values)', 30_000, firstRaCarries(
    { minIntervalS: 1350, maxIntervalS: 1800, curHopLimit: 255, managed: true, otherConfig: true, defaultLifetime: 9000, reachableTimeMs: 3_600_000, retransTimerMs: U32, linkMtu: 1500, prefixes: [{ prefix: LINK0, length: 64, validLifetime: U32, preferredLifetime: U32 }] },
    { curHopLimit: 255, managed: true, other: true, routerLifetime: 9000, preference: 0, reachableTime: 3_600_000, retransTimer: U32, mtu: 1500, prefixes: [{ prefix: LINK0, length: 64, onLink: true, autonomous: true, valid: U32, preferred: U32 }] },
    'the maximum values (hop limit 255, M and O, lifetime 9000 s, Reachable Time 1 h, infinite prefix lifetimes, MTU 1500)',
  )),
  part('E', 'Sending Unsolicited RA (Global Unicast Address - prefix end with zero-value fields)', 30_000, firstRaCarries(
    { prefixes: [{ prefix: '8000::', length: 64 }] },
    defaultRa(600, [rfcPrefix('8000::')]),
    'the prefix 8000::/64',
  )),
  part('F', 'Sending Unsolicited RA (Site-Local prefix)', 30_000, firstRaCarries(
    { prefixes: [{ prefix: 'fec0::', length: 64 }] },
    defaultRa(600, [rfcPrefix('fec0::')]),
    'the site-local prefix fec0::/64',
  )),
];
