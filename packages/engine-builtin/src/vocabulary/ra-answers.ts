// Whether a router NUT answers a Router Solicitation (RFC 4861 §6.2.6), on a link whose advertising the
// case started itself (advertising-router.ts): radvd sends its first RA at once and the next one
// MAX_INITIAL_RTR_ADVERT_INTERVAL (16 s) later, so an RA in between answers a solicitation. Solicitations go
// out MIN_DELAY_BETWEEN_RAS after the last RA, so the rate limit never holds an answer back -- counted on the
// NUT's own clock, which runs late when the host is loaded (seen: radvd holding an answer back for an RS
// sent 3.3 s of tester time after its RA), and an answer missing before the NUT's clock served
// MAX_RA_DELAY_TIME is the lab's ERROR, not the NUT's FAIL.
import type { FrameSpec } from '@testlab/packet';
import { fail, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { advertise, type Advertising } from './advertising-router.js';
import { routerAddress } from '../modes/router.js';
import { isRaFromNut, LAB_SLACK_MS, MAX_RA_DELAY_MS, MIN_DELAY_BETWEEN_RAS_MS } from './router-solicitations.js';
import { expectOnNutTime, nutClockMs, waitNutTime } from './nut-clock.js';
import { sleep } from './timing.js';

/** How long after an RS its answer may come: MAX_RA_DELAY_TIME and the lab's own delay (TAHI waits 1.5 s). */
export const ANSWER_MS = MAX_RA_DELAY_MS + LAB_SLACK_MS;

/** Keeps the time of the last RA the NUT sent on a link during the case, on the tester's and on the NUT's clock. */
export class RaClock {
  last = 0;
  /** The NUT's time read as the last RA arrived (a little after it left: a wait counted from it is long enough). */
  private lastNut: Promise<number | undefined> = Promise.resolve(undefined);
  /** The NUT's time when quiet() returned. */
  nutNow?: number;
  constructor(private readonly ctx: CaseContext, link = 'Link0') {
    ctx.link(link).onReceive((r) => {
      if (!isRaFromNut(ctx, link)(r.frame)) return;
      this.last = Math.max(this.last, r.atMs);
      this.lastNut = nutClockMs(ctx).catch(() => undefined);
    });
  }

  /** Waits until MIN_DELAY_BETWEEN_RAS (and a little) has passed since the last RA, on both clocks. */
  async quiet(): Promise<void> {
    const wait = this.last + MIN_DELAY_BETWEEN_RAS_MS + 300 - Date.now();
    if (wait > 0) await sleep(wait);
    const at = await this.lastNut;
    this.nutNow = at === undefined ? await nutClockMs(this.ctx) : await waitNutTime(this.ctx, at, MIN_DELAY_BETWEEN_RAS_MS + 300, 'MIN_DELAY_BETWEEN_RAS since the last RA');
  }
}

/** The set's own advertising on Link0 (TAHI's startToRtAdv): Link0's prefix, 200/600 s intervals. */
export async function advertiseAsSet(ctx: CaseContext, extra: Omit<Parameters<typeof advertise>[1][number], 'link' | 'prefixes'> = {}): Promise<{ adv: Advertising; clock: RaClock }> {
  const clock = new RaClock(ctx);
  const adv = await advertise(ctx, [{ link: 'Link0', minIntervalS: 200, maxIntervalS: 600, prefixes: [{ prefix: routerAddress(0).prefix, length: 64 }], ...extra }]);
  if (adv.initial.get('Link0')) clock.last = adv.initial.get('Link0')!.atMs;
  return { adv, clock };
}

/** Sends `rs` once the link is quiet; resolves to the RA that answered it (or undefined) and when the RS left. */
export async function solicit(ctx: CaseContext, clock: RaClock, rs: FrameSpec | FrameSpec[], note: string, link = 'Link0'): Promise<{ ra?: ReceivedFrame; sentAt: number }> {
  await clock.quiet();
  const nutBefore = clock.nutNow!;
  const sentAt = Date.now();
  // Fragments of one RS go out back to back; the answer is looked for after the last.
  for (const f of Array.isArray(rs) ? rs : [rs]) await ctx.link(link).send(f, note);
  const isRa = isRaFromNut(ctx, link);
  // No answer yet: only once the NUT's own clock has served the window too is there none.
  const ra = await expectOnNutTime(ctx, isRaFromNut(ctx, link), ANSWER_MS, nutBefore, 'MAX_RA_DELAY_TIME and the lab\'s delay after the RS', link);
  return { ra, sentAt };
}

/**
 * The invalid `rs` must go unanswered. An RA right after it is counted as an answer only when it happens
 * again for a second solicitation: a periodic RA cannot follow both. Then the valid `control` must be
 * answered: a router that answers nothing proves nothing.
 */
export async function rsIgnored(ctx: CaseContext, clock: RaClock, rs: FrameSpec | FrameSpec[], what: string, control: FrameSpec, rfc: string): Promise<CaseVerdict | undefined> {
  const answers: ReceivedFrame[] = [];
  for (let attempt = 1; attempt <= 2; attempt++) {
    const { ra, sentAt } = await solicit(ctx, clock, rs, `invalid: ${what}${attempt > 1 ? ' (again: was that RA an answer?)' : ''}`);
    if (!ra) break;
    ctx.log(`an RA ${Math.round(ra.atMs - sentAt)} ms after the invalid RS`);
    answers.push(ra);
  }
  if (answers.length === 2) return fail(rfc, `an RS with ${what} discarded (no Router Advertisement within ${ANSWER_MS} ms)`, `a Router Advertisement to ${answers[1]!.frame.ipv6?.dst} after each of two such solicitations`);
  const { ra } = await solicit(ctx, clock, control, 'control: a valid RS');
  if (!ra) return fail('RFC 4861 §6.2.6', `a Router Advertisement within ${ANSWER_MS} ms answering a valid RS (control)`, ctx.link().seenSinceSend());
  return undefined;
}
