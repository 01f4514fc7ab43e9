// TR2's entry in a host NUT's neighbor cache around a Redirect that names TR2 (RFC 4861 §8.3, TAHI's
// tr2_none_to_* and is_tr2_* in nd.p2 common.pm): bringing it into a state, and reading its state back from
// what the NUT does when TR2 pings it. TR2 is a bare node: it answers only when a step says so.
import { multicastMac, normalizeIpv6, type DecodedFrame, type FrameSpec } from '@testlab/packet';
import { fail, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { echoFrom, echoReplyTo } from './echo.js';
import { isNsFor } from './nd-messages.js';
import { firstHopName, repliesThrough, TR2, type RedirectHost } from './redirect-network.js';
import { ANSWER_WINDOW_MS } from './timing.js';

/** TAHI's RETRANS_TIMER * MAX_UNICAST_SOLICIT: the wait after a Redirect before TR2 pings. */
export const AFTER_REDIRECT_WAIT_MS = 3_000;
/** DELAY_FIRST_PROBE_TIME (5 s) plus what a busy VM adds: the probe of an entry used while STALE. */
export const PROBE_WINDOW_MS = 8_000;
/** TAHI's DELAY_FIRST_PROBE_TIME + TimeOut: how long a REACHABLE entry must go unprobed after use. */
export const REACHABLE_QUIET_MS = 7_000;

const nsForTr2 = isNsFor(TR2.address);
const isMulticastNsForTr2 = (f: DecodedFrame): boolean => nsForTr2(f) && f.ipv6 !== undefined && normalizeIpv6(f.ipv6.dst).startsWith('ff02::1:ff');
const isUnicastNsForTr2 = (mac: string) => (f: DecodedFrame): boolean => nsForTr2(f) && f.eth?.dst === mac && normalizeIpv6(f.ipv6!.dst) === TR2.address;

/** TR2's Neighbor Advertisement: a router, solicited (answering the NUT) or not, with a TLLA. */
export function naFromTr2(ctx: CaseContext, o: { solicited: boolean; override: boolean; tlla?: string }): FrameSpec {
  const nut = ctx.nutOn();
  return {
    eth: { src: TR2.mac, dst: nut.mac },
    ipv6: { src: TR2.address, dst: nut.linkLocal, hopLimit: 255 },
    icmpv6: { type: 'neighbor-advertisement', target: TR2.address, router: true, solicited: o.solicited, override: o.override, options: [{ type: 'target-lla', mac: o.tlla ?? TR2.mac }] },
  };
}

/** TR2 answers the NUT's solicitations for it (as a router) from now on, until the returned function is called. */
export function tr2Answers(ctx: CaseContext): () => void {
  return ctx.link().onReceive((r) => {
    if (nsForTr2(r.frame)) void ctx.link().answer(naFromTr2(ctx, { solicited: true, override: true }), 'TR2 answers the NUT');
  });
}

/** TR2 pings the NUT's link-local address (TAHI's tr2_ereq_common). */
export const tr2Pings = (ctx: CaseContext, seq: number, note: string): Promise<Uint8Array> => echoFrom(ctx, TR2, seq, note);

/** INCOMPLETE: TR2 pings; the NUT, with no entry for TR2, must solicit it (multicast). TR2 stays silent. */
export async function tr2Incomplete(ctx: CaseContext, seq: number): Promise<CaseVerdict | undefined> {
  await tr2Pings(ctx, seq, 'TR2 pings the NUT, which has no entry for it (TR2 will not answer)');
  if (!(await ctx.link().expect(isMulticastNsForTr2, ANSWER_WINDOW_MS))) return fail('RFC 4861 §7.2.2', 'a multicast Neighbor Solicitation for TR2 (setup: its entry INCOMPLETE)', ctx.link().seenSinceSend());
  return undefined;
}

/** REACHABLE: TR2 pings, the NUT solicits it, TR2 answers with a solicited NA, and the reply follows. */
export async function tr2Reachable(ctx: CaseContext, seq: number): Promise<CaseVerdict | undefined> {
  const failed = await tr2Incomplete(ctx, seq);
  if (failed) return failed;
  await ctx.link().send(naFromTr2(ctx, { solicited: true, override: true }), 'TR2 answers: its entry is REACHABLE');
  if (!(await ctx.link().expect(echoReplyTo(TR2, seq), ANSWER_WINDOW_MS))) return fail('RFC 4861 §7.2.5', 'the queued Echo Reply to TR2 once it answered (setup)', ctx.link().seenSinceSend());
  return undefined;
}

/**
 * STALE: TR2 sends a Router Advertisement (router lifetime 0) with its link-layer address; the NUT makes
 * an entry for it in state STALE and sends it nothing (RFC 4861 §6.3.4).
 */
export async function tr2Stale(ctx: CaseContext): Promise<void> {
  await ctx.link().send(
    {
      eth: { src: TR2.mac, dst: multicastMac('ff02::1') },
      ipv6: { src: TR2.address, dst: 'ff02::1', hopLimit: 255 },
      icmpv6: { type: 'router-advertisement', routerLifetime: 0, options: [{ type: 'source-lla', mac: TR2.mac }] },
    },
    'TR2 advertises itself (router lifetime 0) with its SLLA: its entry is STALE',
  );
}

/** PROBE, from STALE: TR2 pings; the NUT answers (DELAY) and probes TR2 by unicast 5 s later (RFC 4861 §7.3.3). */
export async function tr2ProbedFromStale(ctx: CaseContext, seq: number): Promise<CaseVerdict | undefined> {
  await tr2Pings(ctx, seq, 'TR2 pings: the NUT answers from the STALE entry and starts DELAY');
  if (!(await ctx.link().expect(echoReplyTo(TR2, seq), ANSWER_WINDOW_MS))) return fail('RFC 4861 §7.3.3', 'an Echo Reply to TR2 from its STALE entry (setup)', ctx.link().seenSinceSend());
  if (!(await ctx.link().expect(isUnicastNsForTr2(TR2.mac), PROBE_WINDOW_MS))) {
    return fail('RFC 4861 §7.3.3', 'a unicast Neighbor Solicitation probing TR2 DELAY_FIRST_PROBE_TIME (5 s) after its entry was used (setup: PROBE)', ctx.link().seenSinceSend());
  }
  return undefined;
}

const RFC = 'RFC 4861 §8.3';

/** TAHI's is_tr2_incomplete, after TR2 pinged: the NUT (still) has no address for TR2 and solicits it by multicast. */
export async function tr2StillUnresolved(ctx: CaseContext, host: RedirectHost, after: string, rfc = RFC): Promise<CaseVerdict | undefined> {
  const replyToTr2 = (f: DecodedFrame) => f.icmpv6?.type === 'echo-reply' && normalizeIpv6(f.ipv6!.dst) === TR2.address;
  const ns = await ctx.link().expect((f) => isMulticastNsForTr2(f) || replyToTr2(f), ANSWER_WINDOW_MS);
  if (!ns) return fail(rfc, `a multicast Neighbor Solicitation for TR2 (no address known for it after ${after})`, ctx.link().seenSinceSend());
  if (ns.frame.icmpv6?.type === 'echo-reply') return fail(rfc, `a multicast Neighbor Solicitation for TR2 (no address known for it after ${after})`, `the Echo Reply sent to ${firstHopName(ns.frame.eth?.dst, host)} without resolving TR2`);
  return undefined;
}

/**
 * TAHI's is_tr2_stale(_diff), after TR2 pinged: the NUT answers at once to `mac` (the entry is STALE with
 * that address) and probes `mac` DELAY_FIRST_PROBE_TIME later.
 */
export async function tr2StaleAt(ctx: CaseContext, host: RedirectHost, seq: number, mac: string, after: string): Promise<CaseVerdict | undefined> {
  const expected = `the Echo Reply to TR2 sent at once to ${firstHopName(mac, host)} (its entry STALE with that address after ${after})`;
  const reply = await ctx.link().expect((f) => echoReplyTo(TR2, seq)(f) || isMulticastNsForTr2(f), ANSWER_WINDOW_MS);
  if (!reply) return fail(RFC, expected, ctx.link().seenSinceSend());
  if (reply.frame.icmpv6?.type === 'neighbor-solicitation') return fail(RFC, expected, 'a multicast Neighbor Solicitation for TR2: the NUT had no address for it');
  if (reply.frame.eth?.dst !== mac) return fail(RFC, expected, `it went to ${firstHopName(reply.frame.eth?.dst, host)}`);
  if (!(await ctx.link().expect(isUnicastNsForTr2(mac), PROBE_WINDOW_MS))) {
    return fail('RFC 4861 §7.3.3', `a unicast Neighbor Solicitation probing TR2 at ${mac} DELAY_FIRST_PROBE_TIME after that reply (the entry was STALE)`, ctx.link().seenSinceSend(nsForTr2));
  }
  return undefined;
}

/** TAHI's v6LC_2_3_12_A_B check, after TR2 pinged: the reply goes to TR2 and no solicitation for TR2 follows (still REACHABLE). */
export async function tr2StillReachable(ctx: CaseContext, host: RedirectHost, seq: number, after: string): Promise<CaseVerdict | undefined> {
  const reply = await ctx.link().expect(echoReplyTo(TR2, seq), ANSWER_WINDOW_MS);
  if (!reply) return fail(RFC, `an Echo Reply to TR2 from its REACHABLE entry after ${after}`, ctx.link().seenSinceSend());
  if (reply.frame.eth?.dst !== TR2.mac) return fail(RFC, `the Echo Reply to TR2 sent to ${TR2.mac} after ${after}`, `it went to ${firstHopName(reply.frame.eth?.dst, host)}`);
  const ns = await ctx.link().expectNothing(nsForTr2, REACHABLE_QUIET_MS);
  if (ns) return fail(RFC, `TR2's entry left REACHABLE by ${after}: no Neighbor Solicitation for TR2 within ${REACHABLE_QUIET_MS} ms`, `a ${ns.frame.eth?.dst === TR2.mac ? 'unicast' : 'multicast'} Neighbor Solicitation for TR2: the entry was no longer REACHABLE`);
  return undefined;
}

/** TAHI's v6LC_2_3_14_A_B check: the NUT goes on probing TR2 at its old address (the entry stays in PROBE). */
export async function tr2StillProbed(ctx: CaseContext, after: string): Promise<CaseVerdict | undefined> {
  if (!(await ctx.link().expect(isUnicastNsForTr2(TR2.mac), ANSWER_WINDOW_MS))) {
    return fail(RFC, `another unicast Neighbor Solicitation probing TR2 at ${TR2.mac} (the entry left in PROBE by ${after})`, ctx.link().seenSinceSend(nsForTr2));
  }
  return undefined;
}

/**
 * For the parts whose neighbor entry must stay as it was (a NUT that ignored the Redirect would look the
 * same): TN1's next Echo Reply must go through TR2, the Redirect's target, with TR2 answering from now on.
 */
export async function redirectedToTr2(ctx: CaseContext, host: RedirectHost, seq: number, after: string): Promise<CaseVerdict | undefined> {
  const stop = tr2Answers(ctx);
  try {
    return await repliesThrough(ctx, host, seq, TR2.mac, { rfc: RFC, what: after });
  } finally {
    stop();
  }
}
