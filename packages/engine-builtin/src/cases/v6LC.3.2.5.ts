// v6LC.3.2.5 Prefix-Information Option Processing, Lifetime (RFC 4862 §5.5.3 e): a second RA for a prefix the
// host already formed an address from sets, keeps or clamps the address's valid lifetime by the 2-hour rule.
// Lifetimes and check times are those of TAHI's RA_incVLT.seq (A), RA_gt2gt2.seq (B), v6LC_3_2_4_C.seq (C) and
// RA_gt2lt2.seq (D). A and C are judged on the wire (TN's solicitation for the address answered or not, A
// about 80 s, C about 40 s). B and D turn on a stored lifetime above 2 hours: the wire shows the outcome only
// when the address expires two hours later (TAHI waits that long), so the lifetime the NUT set is read from
// its management shell right after the second RA (where TAHI uses no remote call: the one deviation), and D's
// short-lifetime check stays on the wire.
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { checkAddressAt, goneAfter, heldBefore, soonestAfter, soonestAfterOnNut, surelyAfter, surelyAfterOnNut, tookIn, type Checkpoint, type TookIn } from '../vocabulary/lifetime-checkpoints.js';
import { nutClockIfReadable } from '../vocabulary/nut-clock.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { heldLifetimes } from '../vocabulary/nut-address-lifetimes.js';
import { ADDRCONF_WAIT_MS, advertisePrefix, autoconfigure, isFormed, type Formed, type PrefixLifetimes } from '../vocabulary/prefix-autoconf.js';
import { casePrefix } from '../vocabulary/ra-processing.js';
import { sleep } from '../vocabulary/timing.js';

const RFC = 'RFC 4862 §5.5.3 e';
const TWO_HOURS = 7200;

interface Updated {
  formed: Formed;
  /** When the NUT took the second RA in: after it was sent, before the NUT answered the check that followed it. */
  took2: TookIn;
}

/** The first RA forms the address (checked 5 s after its DAD probe); `delayS` after the probe the second RA follows, then a check. */
async function secondRa(ctx: CaseContext, prefix: string, first: PrefixLifetimes, second: PrefixLifetimes, delayS?: number): Promise<Updated | CaseVerdict> {
  const formed = await autoconfigure(ctx, prefix, first, '1st RA');
  if (!isFormed(formed)) return formed;
  const { address, took } = formed;
  const settled = { address, atMs: took.latestMs + ADDRCONF_WAIT_MS, held: true, deadlineMs: soonestAfter(took, first.valid - 1), when: `${ADDRCONF_WAIT_MS / 1000} s after its DAD probe` };
  const bad = await checkAddressAt(ctx, RFC, settled);
  if (bad) return bad;
  if (delayS !== undefined) await sleep(took.latestMs + delayS * 1000 - Date.now());
  const nutBefore = await nutClockIfReadable(ctx);
  const sent2 = await advertisePrefix(ctx, prefix, second, '2nd RA');
  let answered = Date.now();
  const after = await checkAddressAt(ctx, RFC, { address, atMs: Date.now(), held: true, when: 'right after the 2nd RA' }, (ms) => (answered = ms));
  if (after) return after;
  return { formed, took2: await tookIn(ctx, sent2, answered, nutBefore) };
}

async function runChecks(ctx: CaseContext, checks: Array<() => Checkpoint>): Promise<CaseVerdict | undefined> {
  for (const c of checks) {
    const bad = await checkAddressAt(ctx, RFC, c());
    if (bad) return bad;
  }
  return undefined;
}

/** The valid lifetime the NUT set on the second RA, read from its shell: `expectedS` less the time since that RA. */
async function validLifetimeSet(ctx: CaseContext, u: Updated, expectedS: number, rule: string): Promise<CaseVerdict | undefined> {
  const start = Date.now();
  const held = await heldLifetimes(ctx, u.formed.address);
  const end = Date.now();
  if (!held) return fail(RFC, `${u.formed.address} held with a valid lifetime of ${expectedS} s (${rule})`, 'the NUT no longer lists the address');
  // The kernel counts whole seconds since it took the RA in; allow one more for that rounding.
  const hi = expectedS - Math.floor((start - u.took2.latestMs) / 1000);
  const lo = expectedS - Math.ceil((end - u.took2.earliestMs) / 1000) - 1;
  if (held.validS !== 'forever' && held.validS >= lo && held.validS <= hi) return undefined;
  return fail(RFC, `the valid lifetime set to ${expectedS} s by the 2nd RA (${rule}): ${lo}..${hi} s left`, `${held.validS === 'forever' ? 'an infinite valid lifetime' : `${held.validS} s left`} (ip -6 addr on the NUT)`);
}

const T = 'Prefix-Information Option Processing, Lifetime(Host Only)';
const part = (letter: string, title: string, timeoutMs: number, run: (ctx: CaseContext) => Promise<CaseVerdict>): CaseDefinition => ({
  id: `v6LC.3.2.5-${letter}`,
  title: `${T}: Part ${letter}: ${title}`,
  rfc: RFC,
  appliesTo: HOST_MODES,
  timeoutMs,
  timerBound: true,
  run,
});

export const cases: CaseDefinition[] = [
  // RA_GA0_VP30 then, 15 s later, RA_GA0_VLT60 (valid 60 s, preferred 30 s): the address lives 60 s from the 2nd RA.
  part('A', 'Prefix Lifetime greater than Stored Lifetime', 100_000, async (ctx) => {
    const u = await secondRa(ctx, casePrefix(0x325a), { valid: 30, preferred: 30 }, { valid: 60, preferred: 30 }, 15);
    if (!('took2' in u)) return u;
    const { address, took } = u.formed;
    const untilSecondEnds = soonestAfter(u.took2, 59);
    const bad = await runChecks(ctx, [
      () => ({ address, atMs: soonestAfter(took, 28), nutBy: soonestAfterOnNut(took, 28), held: true, deadlineMs: untilSecondEnds, when: "2 s before the 1st RA's valid lifetime (30 s) would end" }),
      () => ({ address, atMs: surelyAfter(took, 32), nutNotBefore: surelyAfterOnNut(took, 32), held: true, deadlineMs: untilSecondEnds, when: "2 s after the 1st RA's valid lifetime (30 s) would have ended, the 2nd RA having advertised 60 s" }),
      () => heldBefore(address, u.took2, 60, 2, 'the 2nd RA'),
      () => goneAfter(address, u.took2, 60, 2, 'the 2nd RA'),
    ]);
    return bad ?? pass(`${address}'s valid lifetime went from 30 s to the 2nd RA's 60 s, and it expired then`);
  }),
  // RA_GA0_VP10800 then RA_GA0_VP7230: both above 2 hours, so the advertised 7230 s replaces what is left of 10800 s.
  part('B', 'Prefix Lifetime greater than 2 hours', 25_000, async (ctx) => {
    const u = await secondRa(ctx, casePrefix(0x325b), { valid: 10_800, preferred: 10_800 }, { valid: 7230, preferred: 7230 });
    if (!('took2' in u)) return u;
    const bad = await validLifetimeSet(ctx, u, 7230, 'an advertised valid lifetime above 2 hours is taken as it is');
    return bad ?? pass(`${u.formed.address}: valid lifetime 10800 s replaced by the advertised 7230 s`);
  }),
  // RA_GA0_VP60 then RA_GA0_VP30: less than what is left, and what is left is under 2 hours, so it is ignored.
  part('C', 'Prefix Lifetime less than the Stored Lifetime and the Stored Lifetime is less than 2 hours', 60_000, async (ctx) => {
    const u = await secondRa(ctx, casePrefix(0x325c), { valid: 60, preferred: 60 }, { valid: 30, preferred: 30 });
    if (!('took2' in u)) return u;
    const { address, took } = u.formed;
    const untilFirstEnds = soonestAfter(took, 59);
    const bad = await runChecks(ctx, [
      () => ({ address, atMs: soonestAfter(u.took2, 28), nutBy: soonestAfterOnNut(u.took2, 28), held: true, deadlineMs: untilFirstEnds, when: "2 s before the 2nd RA's valid lifetime (30 s) would end" }),
      () => ({ address, atMs: surelyAfter(u.took2, 32), nutNotBefore: surelyAfterOnNut(u.took2, 32), held: true, deadlineMs: untilFirstEnds, when: "2 s after the 2nd RA's valid lifetime (30 s) would have ended, the 1st RA's 60 s still running" }),
    ]);
    return bad ?? pass(`${address} kept the 1st RA's valid lifetime (60 s) over the 2nd RA's shorter 30 s`);
  }),
  // RA_GA0_VP7230 then RA_GA0_VP10: the 10 s is not taken; what is left (over 2 hours) is cut to 2 hours.
  part('D', 'Prefix Lifetime less than 2 hours and the Stored Lifetime is greater than 2 hours', 35_000, async (ctx) => {
    const u = await secondRa(ctx, casePrefix(0x325d), { valid: 7230, preferred: 7230 }, { valid: 10, preferred: 10 });
    if (!('took2' in u)) return u;
    const { address } = u.formed;
    const bad =
      (await validLifetimeSet(ctx, u, TWO_HOURS, 'what is left above 2 hours is reset to 2 hours')) ??
      (await checkAddressAt(ctx, RFC, { address, atMs: surelyAfter(u.took2, 12), nutNotBefore: surelyAfterOnNut(u.took2, 12), held: true, deadlineMs: soonestAfter(u.took2, TWO_HOURS - 1), when: "2 s after the 2nd RA's valid lifetime (10 s) would have ended" }));
    return bad ?? pass(`${address}: the advertised 10 s ignored, the valid lifetime reset to 2 hours`);
  }),
];
