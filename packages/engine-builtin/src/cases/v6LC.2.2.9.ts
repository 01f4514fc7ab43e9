// v6LC.2.2.9 Processing Router Solicitations (RFC 4861 §6.2.6): an answer to an RS comes within
// MAX_RA_DELAY_TIME (0.5 s) (Part A), and multicast RAs are never closer than MIN_DELAY_BETWEEN_RAS (3 s),
// however often routers are solicited (Part B, MinRtrAdvInterval 30 s as TAHI has it). Delays are
// measured at the tester, less the round trip of an Echo Request right after (the lab's own share);
// when that share is what decides, the verdict is ERROR. radvd times the answers (process.c process_rs).
import { normalizeIpv6 } from '@testlab/packet';
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { routerAddress } from '../modes/router.js';
import { advertise } from '../vocabulary/advertising-router.js';
import { isEchoReply } from '../vocabulary/echo.js';
import { advertiseAsSet, ANSWER_MS, RaClock, solicit } from '../vocabulary/ra-answers.js';
import { isRaFromNut, LAB_SLACK_MS, MAX_RA_DELAY_MS, MIN_DELAY_BETWEEN_RAS_MS, validRs } from '../vocabulary/router-solicitations.js';
import { TN1 } from '../vocabulary/tester-nodes.js';
import { ANSWER_WINDOW_MS, sleep } from '../vocabulary/timing.js';

const RFC = 'RFC 4861 §6.2.6';
const TEST = 'Processing Router Solicitations (Routers Only)';
/** A round trip longer than this means the lab, not the NUT, may have made an answer late. */
const SLOW_LAB_RTT_MS = 250;
/** Timestamps of two frames can be this much closer at the tester than when the NUT sent them. */
const JITTER_MS = 100;

async function echoRtt(ctx: CaseContext, seq: number): Promise<number | undefined> {
  const tn1 = ctx.node(TN1);
  const nut = ctx.nutOn();
  const sent = Date.now();
  await ctx.link().send({ eth: { src: tn1.mac, dst: nut.mac }, ipv6: { src: tn1.address, dst: nut.linkLocal }, icmpv6: { type: 'echo-request', id: 0x2290, seq, data: new Uint8Array(8) } }, 'how long does a round trip take now?');
  const r = await ctx.link().expect((f) => isEchoReply(f, tn1.address, 0x2290, seq), ANSWER_WINDOW_MS);
  return r ? r.atMs - sent : undefined;
}

const partA: CaseDefinition = {
  id: 'v6LC.2.2.9-A',
  title: `${TEST}: Part A: MAX_RA_DELAY_TIME`,
  rfc: RFC,
  appliesTo: ['router', 'security-gateway'],
  timeoutMs: 45_000,
  async run(ctx) {
    const { clock } = await advertiseAsSet(ctx);
    const delays: string[] = [];
    for (let n = 1; n <= 2; n++) {
      const { ra, sentAt } = await solicit(ctx, clock, validRs(), `RS ${n} of 2, MIN_DELAY_BETWEEN_RAS + 1 s apart`);
      if (!ra) return fail(RFC, `a Router Advertisement within ${ANSWER_MS} ms of RS ${n}`, ctx.link().seenSinceSend());
      const delay = ra.atMs - sentAt;
      const rtt = await echoRtt(ctx, n);
      if (rtt === undefined) throw new Error('the router did not answer the Echo Request that measures the lab\'s round trip');
      if (delay - rtt > MAX_RA_DELAY_MS) {
        if (rtt > SLOW_LAB_RTT_MS) throw new Error(`the RA came ${Math.round(delay)} ms after RS ${n} while a round trip took ${Math.round(rtt)} ms: the lab was too slow to judge MAX_RA_DELAY_TIME`);
        return fail(RFC, `the RA within MAX_RA_DELAY_TIME (${MAX_RA_DELAY_MS} ms) of RS ${n}`, `${Math.round(delay)} ms (a round trip took ${Math.round(rtt)} ms)`);
      }
      delays.push(`${Math.round(delay)} ms`);
      await sleep(1_000);
    }
    return pass(`RAs ${delays.join(' and ')} after the solicitations`);
  },
};

const partB: CaseDefinition = {
  id: 'v6LC.2.2.9-B',
  title: `${TEST}: Part B: MIN_DELAY_BETWEEN_RAS`,
  rfc: RFC,
  appliesTo: ['router', 'security-gateway'],
  timeoutMs: 45_000,
  async run(ctx) {
    const clock = new RaClock(ctx);
    const first = (await advertise(ctx, [{ link: 'Link0', minIntervalS: 30, maxIntervalS: 40, prefixes: [{ prefix: routerAddress(0).prefix, length: 64 }] }])).initial.get('Link0');
    if (first) clock.last = first.atMs;
    await clock.quiet();
    // Radvd's next periodic RA is 16 s after its first: RSs 1.7 s apart until then, each wanting an answer.
    const ras: ReceivedFrame[] = [];
    ctx.link().onReceive((r) => {
      if (isRaFromNut(ctx)(r.frame) && normalizeIpv6(r.frame.ipv6!.dst) === 'ff02::1') ras.push(r);
    });
    let answeredFirst = false;
    for (let n = 1; n <= 6; n++) {
      const sentAt = Date.now();
      await ctx.link().send(validRs(), `RS ${n}, 1.7 s after the previous`);
      const ra = await ctx.link().expect((f) => isRaFromNut(ctx)(f), 1_700);
      if (n === 1) answeredFirst = ra !== undefined && ra.atMs >= sentAt;
      const left = sentAt + 1_700 - Date.now();
      if (left > 0) await sleep(left);
    }
    await sleep(ANSWER_MS);
    if (!answeredFirst) return fail(RFC, `an RA answering the first RS, sent ${MIN_DELAY_BETWEEN_RAS_MS} ms after the last RA`, ctx.link().seenSinceSend());
    if (ras.length < 2) return fail(RFC, 'multicast RAs answering a train of solicitations over 10 s, rate-limited', `${ras.length} RA`);
    for (let i = 1; i < ras.length; i++) {
      const gap = ras[i]!.atMs - ras[i - 1]!.atMs;
      if (gap >= MIN_DELAY_BETWEEN_RAS_MS - JITTER_MS) continue;
      // The tester stamps a frame when its event loop reads it: on a loaded host one RA stamped late makes the next gap look short.
      if (gap >= MIN_DELAY_BETWEEN_RAS_MS - LAB_SLACK_MS) throw new Error(`RA ${i + 1} came ${Math.round(gap)} ms after RA ${i}, short of MIN_DELAY_BETWEEN_RAS by less than the lab's own delay (${LAB_SLACK_MS} ms): could not judge`);
      return fail(RFC, `multicast RAs at least MIN_DELAY_BETWEEN_RAS (${MIN_DELAY_BETWEEN_RAS_MS} ms) apart`, `RA ${i + 1} ${Math.round(gap)} ms after RA ${i}`);
    }
    return pass(`${ras.length} RAs for 6 solicitations 1.7 s apart, intervals ${ras.slice(1).map((r, i) => `${Math.round(r.atMs - ras[i]!.atMs)} ms`).join(', ')}`);
  },
};

export const cases: CaseDefinition[] = [partA, partB];
