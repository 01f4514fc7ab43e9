// The network of the host Redirect tests (TAHI nd.p2 redirect.def, Common Test Setup 1.1): TR1 is the host
// NUT's default router, TR2 and TR3 are other routers on Link0, and TN1 sits off-link behind TR1. TR1
// forwards TN1's Echo Requests to the NUT; where the NUT sends its Echo Reply (to which link-layer address)
// shows which first hop it uses for TN1, and so whether it followed a Redirect.
import { normalizeIpv6, type DecodedFrame, type FrameSpec } from '@testlab/packet';
import { fail, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { SimulatedNode } from '../runner/simulated-node.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { isEchoReply } from './echo.js';
import { globalOf, nutGlobalOnLink0 } from './global-address.js';
import { pattern } from './payload.js';
import { OFF_LINK_PREFIX } from './tahi-network.js';
import { bareNode, TN1, TR1 } from './tester-nodes.js';
import { ANSWER_WINDOW_MS } from './timing.js';

/** TAHI's TR2 and TR3 (A1N, A2N): routers on Link0 a Redirect may name as the better first hop. */
export const TR2 = bareNode('TR2', '00:00:00:00:a1:a1');
export const TR3 = bareNode('TR3', '00:00:00:00:a2:a2');
/** TAHI's TRY: the other link-layer address a Redirect's TLLA gives TR2 in the "Link-layer Address Updated" parts. */
export const TR2_OTHER_MAC = '00:00:00:00:c0:c0';

/**
 * TN1 off-link (TAHI's tn2v6(LINKX_PREFIX)): an address behind TR1, with TN1's MAC, which a Redirect can
 * show to be on Link0 after all. Every host Redirect in these tests is about it.
 */
export const OFF_LINK_TN1 = bareNode('TN1', TN1.mac, globalOf(TN1.mac, OFF_LINK_PREFIX));

export interface RedirectHost {
  /** The NUT's global address on Link0 (what TR1's Redirects are sent to). */
  nut: string;
  tr1: SimulatedNode;
}

/**
 * Common Test Setup 1.1: TR1 advertises the Link0 prefix and itself as the default router; the NUT
 * configures its global address and answers TR1 there. TR1 answers the NUT's solicitations as a router
 * (an NA without the Router flag would make the NUT drop its default route, RFC 4861 §7.2.5).
 */
export async function hostBehindTr1(ctx: CaseContext): Promise<RedirectHost> {
  const tr1 = ctx.node(TR1);
  const tr1Global = ctx.node({ ...TR1, address: globalOf(TR1.mac) });
  const { nut } = await nutGlobalOnLink0(ctx, tr1Global, { defaultRouter: true });
  // A Redirect leaves a route for TN1 behind (Linux: an exception route); the next case must not inherit it.
  ctx.onCleanup('forget the routes Redirects made', async () => {
    await ctx.nutCommand(['/usr/sbin/ip', '-6', 'route', 'flush', 'cache']).catch((e: unknown) => ctx.log(String(e)));
  });
  return { nut, tr1 };
}

const ECHO_ID = 0x2303;

/** TR1 forwards an Echo Request from off-link TN1 to the NUT's global address (TAHI's tn1_ereq_offlink_via_tr1). */
export function echoViaTr1(ctx: CaseContext, host: RedirectHost, seq: number): FrameSpec {
  return {
    eth: { src: host.tr1.mac, dst: ctx.nutOn().mac },
    ipv6: { src: OFF_LINK_TN1.address, dst: host.nut, hopLimit: 63 },
    icmpv6: { type: 'echo-request', id: ECHO_ID, seq, data: pattern(8) },
  };
}

export const isReplyToTn1 = (seq: number) => (f: DecodedFrame): boolean => isEchoReply(f, OFF_LINK_TN1.address, ECHO_ID, seq);

/** TR1 forwards TN1's Echo Request; the NUT's Echo Reply to TN1, or undefined after the answer window. */
export async function pingFromTn1(ctx: CaseContext, host: RedirectHost, seq: number, note: string): Promise<ReceivedFrame | undefined> {
  await ctx.link().send(echoViaTr1(ctx, host, seq), note);
  return ctx.link().expect(isReplyToTn1(seq), ANSWER_WINDOW_MS);
}

/** The first hops the tests know by name, for reasons a lab engineer can read. */
export function firstHopName(mac: string | undefined, host: RedirectHost): string {
  const names: Record<string, string> = { [host.tr1.mac]: 'TR1', [TR2.mac]: 'TR2', [TR3.mac]: 'TR3', [TN1.mac]: 'TN1 itself', [TR2_OTHER_MAC]: "TR2's new address" };
  return mac === undefined ? 'nowhere' : `${names[mac] ?? 'an unknown node'} (${mac})`;
}

const isTn1Traffic = (f: DecodedFrame): boolean =>
  f.ipv6 !== undefined && (normalizeIpv6(f.ipv6.dst) === OFF_LINK_TN1.address || (f.icmpv6?.type === 'neighbor-solicitation' && normalizeIpv6(f.icmpv6.target) === OFF_LINK_TN1.address));

/**
 * Step 1-2 of every host test: the NUT answers off-link TN1 through TR1, its default router (RFC 4861
 * §5.2). Returns that Echo Reply (the Redirects quote it), or the FAIL.
 */
export async function repliesThroughTr1(ctx: CaseContext, host: RedirectHost, seq: number): Promise<ReceivedFrame | CaseVerdict> {
  const reply = await pingFromTn1(ctx, host, seq, 'TR1 forwards an Echo Request from off-link TN1');
  if (!reply) return fail('RFC 4861 §5.2', 'an Echo Reply to off-link TN1 through the default router TR1 (before any Redirect)', ctx.link().seenSinceSend(isTn1Traffic));
  if (reply.frame.eth?.dst !== host.tr1.mac) {
    return fail('RFC 4861 §5.2', 'the Echo Reply to off-link TN1 sent through the default router TR1 (before any Redirect)', `it went to ${firstHopName(reply.frame.eth?.dst, host)}`);
  }
  return reply;
}

/**
 * After a Redirect: TR1 forwards TN1's next Echo Request and the NUT's reply must go to `expected` (TN1
 * itself, or the router the Redirect named). Undefined when it does; otherwise the FAIL, saying when the
 * NUT still used TR1 that it ignored the Redirect.
 */
export async function repliesThrough(ctx: CaseContext, host: RedirectHost, seq: number, expected: string, o: { rfc: string; what: string }): Promise<CaseVerdict | undefined> {
  const reply = await pingFromTn1(ctx, host, seq, `TR1 forwards TN1's next Echo Request: after ${o.what} the reply should go to ${firstHopName(expected, host)}`);
  const wanted = `the Echo Reply to TN1 sent to ${firstHopName(expected, host)} after ${o.what}`;
  if (!reply) return fail(o.rfc, wanted, ctx.link().seenSinceSend(isTn1Traffic));
  const got = reply.frame.eth?.dst;
  if (got === expected) return undefined;
  if (got === host.tr1.mac) return fail(o.rfc, wanted, `it still went through TR1 (${got}): ${o.what} was ignored`);
  return fail(o.rfc, wanted, `it went to ${firstHopName(got, host)}`);
}

/** Steps 3-5 when the NUT must not follow the Redirect: TN1's next reply still goes through TR1. */
export async function stillThroughTr1(ctx: CaseContext, host: RedirectHost, seq: number, o: { rfc: string; what: string }): Promise<CaseVerdict | undefined> {
  const reply = await pingFromTn1(ctx, host, seq, `TR1 forwards TN1's next Echo Request: after ${o.what} the reply should still go through TR1`);
  if (!reply) return fail(o.rfc, `the Echo Reply to TN1 still sent through TR1 after ${o.what}`, ctx.link().seenSinceSend(isTn1Traffic));
  const got = reply.frame.eth?.dst;
  if (got !== host.tr1.mac) return fail(o.rfc, `${o.what} ignored: the Echo Reply to TN1 still sent through TR1`, `it went to ${firstHopName(got, host)}: the NUT followed the Redirect`);
  return undefined;
}
