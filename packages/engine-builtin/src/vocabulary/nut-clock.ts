// The NUT's own clock (its /proc/uptime): a software-emulated NUT on a loaded host runs its timers late
// against the tester's clock, so a timer the NUT must honour is judged on the NUT's time, and a wait the
// NUT's clock has not yet served is the lab's slowness (ERROR), never the NUT's fault.
import type { DecodedFrame } from '@testlab/packet';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { sleep } from './timing.js';

/** How much longer than its window a judgement waits for a lagging NUT clock before it is an ERROR. */
export const NUT_CLOCK_CAP_MS = 30_000;

/** The NUT's monotonic time in ms. */
export async function nutUptimeMs(ctx: CaseContext): Promise<number> {
  const text = (await ctx.nutCommand(['cat', '/proc/uptime'])).trim();
  const seconds = /^[0-9]+(\.[0-9]+)?\s/.test(`${text} `) ? Number(text.split(/\s/)[0]) : NaN;
  if (!Number.isFinite(seconds)) throw new Error(`cannot read the NUT's /proc/uptime: ${JSON.stringify(text.slice(0, 40))}`);
  return Math.round(seconds * 1000);
}

/**
 * Waits until at least `ms` of the NUT's time has passed since `sinceNutMs` (a reading of nutUptimeMs),
 * polling its clock; throws (ERROR) when the NUT's clock has not got that far within `capMs` of tester time.
 * Returns the NUT's time at the end.
 */
export async function waitNutTime(ctx: CaseContext, sinceNutMs: number, ms: number, why: string, capMs = NUT_CLOCK_CAP_MS): Promise<number> {
  const started = Date.now();
  for (;;) {
    const now = await nutUptimeMs(ctx);
    const left = sinceNutMs + ms - now;
    if (left <= 0) return now;
    if (Date.now() - started > capMs) {
      throw new Error(`the NUT's clock advanced only ${now - sinceNutMs} ms of the ${ms} ms ${why} in ${Math.round(Date.now() - started)} ms more of the tester's time: the lab was too slow to judge`);
    }
    ctx.log(`the NUT's clock is ${left} ms short of ${why}: waiting`);
    await sleep(Math.min(left, 2_000));
  }
}

/**
 * The first frame since the last send that matches, looked for `ms` of the tester's time and, when none came,
 * until the NUT's clock has served `ms` since `sinceNutMs` too: undefined only then. Throws (ERROR) when the
 * NUT's clock has not got that far within `capMs` more of the tester's time.
 */
export async function expectOnNutTime(ctx: CaseContext, match: (f: DecodedFrame) => boolean, ms: number, sinceNutMs: number, why: string, link = 'Link0', capMs = NUT_CLOCK_CAP_MS): Promise<ReceivedFrame | undefined> {
  let found = await ctx.link(link).expect(match, ms);
  const started = Date.now();
  while (!found) {
    const served = (await nutUptimeMs(ctx)) - sinceNutMs;
    if (served >= ms) return undefined;
    if (Date.now() - started > capMs) throw new Error(`the NUT's clock served only ${served} ms of the ${ms} ms ${why} in ${Math.round(Date.now() - started + ms)} ms of the tester's time: the lab was too slow to judge`);
    ctx.log(`nothing yet, but the NUT's clock served only ${served} ms of the ${ms} ms ${why}: waiting on`);
    found = await ctx.link(link).expect(match, Math.min(ms - served, 2_000));
  }
  return found;
}

/** No matching frame since the last send for `ms` of the tester's time and of the NUT's (from `sinceNutMs`); the first one seen otherwise. */
export async function expectNothingOnNutTime(ctx: CaseContext, match: (f: DecodedFrame) => boolean, ms: number, sinceNutMs: number, why: string, link = 'Link0', capMs = NUT_CLOCK_CAP_MS): Promise<ReceivedFrame | undefined> {
  const started = Date.now();
  let wait = ms;
  for (;;) {
    const seen = await ctx.link(link).expectNothing(match, wait);
    if (seen) return seen;
    const served = (await nutUptimeMs(ctx)) - sinceNutMs;
    if (served >= ms) return undefined;
    if (Date.now() - started > ms + capMs) throw new Error(`the NUT's clock served only ${served} ms of the ${ms} ms ${why} in ${Math.round(Date.now() - started)} ms of the tester's time: the lab was too slow to judge`);
    ctx.log(`the NUT's clock served only ${served} ms of the ${ms} ms ${why}: watching on`);
    wait = Math.min(ms - served, 2_000);
  }
}
