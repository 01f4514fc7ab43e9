// The NUT's own clock: a software-emulated NUT on a loaded host runs its timers late against the tester's
// clock, so a timer the NUT must honour is judged on the NUT's time, and a wait the NUT's clock has not yet
// served is the lab's slowness (ERROR), never the NUT's fault. The clock read is the one Linux's timers count:
// jiffies, seen from userspace as /proc/stat's tick-counted CPU time (nut-reassembly-counters.ts). Since QEMU
// NUTs keep the TSC (nut-drivers guest-clock.ts) /proc/uptime runs true while a starved VM's jiffies, one a
// tick interrupt, fall behind or catch up (docs/measurements.md, "phase2-host, three runs under load"); a NUT
// without /proc/stat is read by its /proc/uptime.
import type { DecodedFrame } from '@testlab/packet';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { tickClockMs } from './nut-reassembly-counters.js';
import { sleep } from './timing.js';

/** How much longer than its window a judgement waits for a lagging NUT clock before it is an ERROR. */
export const NUT_CLOCK_CAP_MS = 30_000;

/** The NUT's timer clock in ms from `cat /proc/uptime /proc/stat`: the tick clock where /proc/stat has it, else the uptime. */
export function parseNutClock(text: string): number {
  const ticks = tickClockMs(text);
  if (ticks !== undefined) return ticks;
  const first = text.trim();
  const seconds = /^[0-9]+(\.[0-9]+)?\s/.test(`${first} `) ? Number(first.split(/\s/)[0]) : NaN;
  if (!Number.isFinite(seconds)) throw new Error(`cannot read the NUT's /proc/uptime: ${JSON.stringify(first.slice(0, 40))}`);
  return Math.round(seconds * 1000);
}

/** The NUT's timer clock in ms (parseNutClock). */
export async function nutClockMs(ctx: CaseContext): Promise<number> {
  return parseNutClock(await ctx.nutCommand(['cat', '/proc/uptime', '/proc/stat']));
}

/** nutClockMs, or undefined (logged) when the NUT's clock cannot be read: the caller then times by the tester's clock alone. */
export async function nutClockIfReadable(ctx: CaseContext): Promise<number | undefined> {
  try {
    return await nutClockMs(ctx);
  } catch (e) {
    ctx.log(`the NUT's clock cannot be read (${e instanceof Error ? e.message : String(e)}): timing by the tester's clock alone`);
    return undefined;
  }
}

/**
 * Waits until `atMs` of the tester's time or until `ms` of the NUT's time since `sinceNutMs`, whichever comes
 * first: for a moment that must not come later than the NUT's own clock says (a check while an address is still
 * valid, on a NUT whose jiffies run fast). The NUT's clock runs within a few percent of real time, so most of
 * what is left is slept before it is read again. Returns how many ms past the moment the NUT's clock was when it
 * got there first, undefined when the tester's clock did.
 */
export async function waitTesterOrNutTime(ctx: CaseContext, atMs: number, sinceNutMs: number, ms: number): Promise<number | undefined> {
  for (;;) {
    const wallLeft = atMs - Date.now();
    if (wallLeft <= 0) return undefined;
    const nutLeft = sinceNutMs + ms - (await nutClockMs(ctx));
    if (nutLeft <= 0) {
      // How far past the moment the NUT already was: a sleep that overran (a starved tester, a NUT clock running
      // fast) can wake the tester after the moment it waited for has gone by on the NUT.
      ctx.log(`the NUT's clock got there ${wallLeft} ms before the tester's (and is ${-nutLeft} ms past it)`);
      return -nutLeft;
    }
    await sleep(Math.min(wallLeft, nutLeft < 1_000 ? nutLeft : nutLeft * 0.9));
  }
}

/**
 * Waits until at least `ms` of the NUT's time has passed since `sinceNutMs` (a reading of nutClockMs),
 * polling its clock; throws (ERROR) when the NUT's clock has not got that far within `capMs` of tester time.
 * Returns the NUT's time at the end.
 */
export async function waitNutTime(ctx: CaseContext, sinceNutMs: number, ms: number, why: string, capMs = NUT_CLOCK_CAP_MS): Promise<number> {
  const started = Date.now();
  for (;;) {
    const now = await nutClockMs(ctx);
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
    const served = (await nutClockMs(ctx)) - sinceNutMs;
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
    const served = (await nutClockMs(ctx)) - sinceNutMs;
    if (served >= ms) return undefined;
    if (Date.now() - started > ms + capMs) throw new Error(`the NUT's clock served only ${served} ms of the ${ms} ms ${why} in ${Math.round(Date.now() - started)} ms of the tester's time: the lab was too slow to judge`);
    ctx.log(`the NUT's clock served only ${served} ms of the ${ms} ms ${why}: watching on`);
    wait = Math.min(ms - served, 2_000);
  }
}
