// Address lifetimes judged on the wire at fixed times after the Router Advertisements that set them, as
// TAHI's addr.p2 scripts do ("2 [sec] after the expiration of VLT": seqCheckNUTAddrConfiguredGA). The case
// waits for the moment, asks whether the NUT still holds the address (address-probes.ts) and compares with
// RFC 4862 §5.5.3 e and §5.5.4. Time is bracketed: the NUT took an RA in no earlier than the tester sent it
// and no later than the first frame it sent after it (its DAD probe, its answer to the next check), so a
// check that expects the address held is timed from the earliest moment the NUT's clock can have started,
// one that expects it gone from the latest. A check meant to land before an expiry that the lab sends too
// late (a loaded machine) cannot judge: it throws, and the case is an ERROR saying so, never a FAIL; so does a
// check that finds the address held after its expiry while the NUT's own clock says it has lifetime left.
// Linux ages addresses in jiffies, which a starved VM counts late or early by a few percent (nut-clock.ts), so
// the NUT's tick clock is read on both sides of the RA too, and each check waits on both clocks: one that
// expects the address gone until both say the moment has passed, one that expects it held until either does.
import { fail, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { answerProblem, askForAddress, nutStillAnswers, unresponsiveNut } from './address-probes.js';
import { heldLifetimes } from './nut-address-lifetimes.js';
import { nutClockIfReadable, waitNutTime, waitTesterOrNutTime } from './nut-clock.js';
import { ANSWER_WINDOW_MS, sleep } from './timing.js';

/** When the NUT took an RA in: between these two wall-clock times (ms), and these two readings of its own clock. */
export interface TookIn {
  earliestMs: number;
  latestMs: number;
  /** nutClockMs before the RA was sent; undefined when the NUT's clock cannot be read. */
  nutEarliestMs?: number;
  /** nutClockMs after the first frame the NUT sent after it. */
  nutLatestMs?: number;
}

/** A moment on the NUT's own clock: `ms` after the reading `sinceNutMs`. */
export interface NutMoment {
  sinceNutMs: number;
  ms: number;
}

/** How close to an expiry the lab may send a check that expects the address still held: one second. */
export const HELD_DEADLINE_MARGIN_S = 1;

export interface Checkpoint {
  address: string;
  /** Wall-clock time (ms) to send the check at. */
  atMs: number;
  /** What RFC 4862 says the NUT holds then. */
  held: boolean;
  /** For `held`: the latest wall-clock time (ms) at which the check still judges fairly (the soonest expiry less a margin). */
  deadlineMs?: number;
  /** When, in words, for the log and the reason: "2 s before the valid lifetime (40 s) of the RA ends". */
  when: string;
  /** Not before the NUT's clock has also reached this (a check for after an expiry). */
  nutNotBefore?: NutMoment;
  /** No later than the NUT's clock reaches this, even before `atMs` (a check for before an expiry). */
  nutBy?: NutMoment;
  /** For `held` with `nutBy`: how far past `nutBy` the NUT's clock may be when the check goes out (`deadlineMs` on its clock). */
  nutLateMs?: number;
}

/** `s` seconds after the NUT surely had the RA (for checks expecting the address gone). */
export const surelyAfter = (t: TookIn, s: number): number => t.latestMs + s * 1000;
/** `s` seconds after the NUT at the soonest had the RA (for checks expecting the address held). */
export const soonestAfter = (t: TookIn, s: number): number => t.earliestMs + s * 1000;
/** surelyAfter on the NUT's clock. */
export const surelyAfterOnNut = (t: TookIn, s: number): NutMoment | undefined => (t.nutLatestMs === undefined ? undefined : { sinceNutMs: t.nutLatestMs, ms: s * 1000 });
/** soonestAfter on the NUT's clock. */
export const soonestAfterOnNut = (t: TookIn, s: number): NutMoment | undefined => (t.nutEarliestMs === undefined ? undefined : { sinceNutMs: t.nutEarliestMs, ms: s * 1000 });

/** Both of the NUT's readings about an RA sent at `earliestMs` and taken in before `latestMs` (see TookIn). */
export async function tookIn(ctx: CaseContext, earliestMs: number, latestMs: number, nutEarliestMs: number | undefined): Promise<TookIn> {
  const nutLatestMs = nutEarliestMs === undefined ? undefined : await nutClockIfReadable(ctx);
  return { earliestMs, latestMs, nutEarliestMs, nutLatestMs };
}

/** Waits for the checkpoint; returns how far past `nutBy` the NUT's clock was, when it got there first. */
async function waitUntilDue(ctx: CaseContext, cp: Checkpoint): Promise<number | undefined> {
  let nutPastMs: number | undefined;
  if (cp.nutBy) nutPastMs = await waitTesterOrNutTime(ctx, cp.atMs, cp.nutBy.sinceNutMs, cp.nutBy.ms);
  else if (cp.atMs > Date.now()) await sleep(cp.atMs - Date.now());
  if (cp.nutNotBefore) await waitNutTime(ctx, cp.nutNotBefore.sinceNutMs, cp.nutNotBefore.ms, `${cp.when}, by the NUT's clock`);
  return nutPastMs;
}

/**
 * Sends TN's solicitation at `cp.atMs` and judges the answer. Returns the FAIL, undefined when the NUT did
 * what the RFC says, and throws (ERROR) when it cannot judge. `answeredAt` receives the answer's arrival.
 */
export async function checkAddressAt(ctx: CaseContext, rfc: string, cp: Checkpoint, answeredAt?: (ms: number) => void): Promise<CaseVerdict | undefined> {
  const nutPastMs = await waitUntilDue(ctx, cp);
  const sentMs = Date.now();
  if (cp.held && cp.deadlineMs !== undefined && sentMs > cp.deadlineMs) {
    throw new Error(`the check ${cp.when} went out ${((sentMs - cp.atMs) / 1000).toFixed(1)} s late, past the moment the address may rightly be gone: the lab was too slow to judge`);
  }
  if (cp.held && cp.nutLateMs !== undefined && nutPastMs !== undefined && nutPastMs > cp.nutLateMs) {
    throw new Error(`the check ${cp.when} went out ${(nutPastMs / 1000).toFixed(1)} s late by the NUT's clock, past the moment the address may rightly be gone on it: the lab was too slow to judge`);
  }
  const na = await askForAddress(ctx, cp.address, `is ${cp.address} still valid ${cp.when}?`);
  if (na) answeredAt?.(na.atMs);
  // Timers run before sockets are read: a tester stalled past the answer window may have missed an answer it holds.
  const waited = Date.now() - sentMs;
  if (!na && waited > ANSWER_WINDOW_MS + 1000) throw new Error(`the tester waited ${(waited / 1000).toFixed(1)} s for an answer it gives ${ANSWER_WINDOW_MS / 1000} s: its own event loop stalled, so silence ${cp.when} cannot be judged`);
  if (cp.held) {
    if (na) {
      const problem = answerProblem(ctx, na, true);
      return problem ? fail('RFC 4861 §7.2.4', `a solicited Neighbor Advertisement for ${cp.address} ${cp.when}`, problem) : undefined;
    }
    if (!(await nutStillAnswers(ctx))) throw unresponsiveNut(`${cp.when}:`);
    return fail(rfc, `${cp.address} still valid ${cp.when} (a Neighbor Advertisement answering TN's solicitation)`, 'no answer: the NUT no longer holds the address');
  }
  if (na) {
    // Linux counts lifetimes in jiffies, which a VM starved of CPU loses: by its own clock the address may not
    // have expired yet. The lifetime it shows left says which (iproute2 prints what the kernel computes).
    const own = await heldLifetimes(ctx, cp.address).catch(() => undefined);
    if (own && own.validS !== 'forever' && own.validS > 0) {
      throw new Error(`the NUT still holds ${cp.address} ${cp.when} by the tester's clock, with valid_lft ${own.validS} s left by its own (ip -6 addr): its clock fell behind (a VM starved of CPU), so the lab cannot judge`);
    }
    return fail(rfc, `${cp.address} invalid ${cp.when} (no answer to TN's solicitation)`, 'a Neighbor Advertisement for it: the NUT still holds the address');
  }
  if (!(await nutStillAnswers(ctx))) throw unresponsiveNut(`${cp.when}:`);
  return undefined;
}

/** A check `marginS` before an RA's valid lifetime ends: the address must still be held. */
export function heldBefore(address: string, took: TookIn, validS: number, marginS: number, what: string): Checkpoint {
  return {
    address,
    atMs: soonestAfter(took, validS - marginS),
    held: true,
    deadlineMs: soonestAfter(took, validS - HELD_DEADLINE_MARGIN_S),
    nutBy: soonestAfterOnNut(took, validS - marginS),
    nutLateMs: (marginS - HELD_DEADLINE_MARGIN_S) * 1000,
    when: `${marginS} s before the valid lifetime (${validS} s) of ${what} ends`,
  };
}

/** A check `marginS` after an RA's valid lifetime ended: the address must be gone. */
export function goneAfter(address: string, took: TookIn, validS: number, marginS: number, what: string): Checkpoint {
  return { address, atMs: surelyAfter(took, validS + marginS), held: false, nutNotBefore: surelyAfterOnNut(took, validS + marginS), when: `${marginS} s after the valid lifetime (${validS} s) of ${what} ended` };
}
