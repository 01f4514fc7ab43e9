// How the security-gateway tests (6.x) talk through the NUT: the tester plays HOST1 on NET0 (Link0) and,
// on NET1 (Link1), the Router with every gateway and host behind it. A packet sent in on one side must
// come out of the other: decapsulated toward HOST1, or in the right tunnel toward the far gateway
// (TAHI's ipsecForwardOneWay and ipsecForwardBidir, which wait 5 s).
import { buildIpv6Packet, type DecodedFrame } from '@testlab/packet';
import type { EspFaults, InboundSa, InboundVerdict, ProtectedUpper, SecurityAssociation } from '@testlab/ipsec';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { saPair, type PairPlan, type SaPair } from './ipsec-pairs.js';
import { SGW, SGW_NEIGHBORS, SGW_ROUTER, netPrefix } from './ipsec-topology.js';
import { carries, named, packet, reply, request, type Talk } from './ipsec-traffic.js';
import { between, describeForReason, espProblem, fromNut, isEsp, isNd, outgoingBytes, seenFromNut, sendToNut } from './ipsec-wire.js';

export const FORWARD_MS = 5_000;

/** HOST1 on Link0 and the Router on Link1 answer the NUT's address resolution. */
export function sgwNeighbors(ctx: CaseContext): void {
  for (const n of SGW_NEIGHBORS) for (const address of n.addresses) ctx.node({ name: n.name, mac: n.mac, address }, n.link);
}

/** TAHI's tunnel: NUT_NET1 to SGW1_NET2 for NET3 behind SGW1 and NET0 behind the NUT, SPI 0x1000 in, 0x2000 out. */
export function gatewayTunnel(over: Partial<PairPlan> = {}): SaPair {
  return saPair({ mode: 'tunnel', nut: SGW.nutNet1, peer: SGW.sgw1Net2, nutSelector: netPrefix(0), peerSelector: netPrefix(3), spiIn: 0x1000, spiOut: 0x2000, reqid: 100, ...over });
}

/** A packet that comes in on Link1 (from the far side, in a tunnel or in the clear) and must leave on Link0 to HOST1. */
export interface Inbound {
  talk: Talk;
  kind: 'request' | 'reply';
  /** The inner source: HOST2_NET3, HOST4_NET4, ... */
  from: string;
  send?: SecurityAssociation;
  esp?: EspFaults;
  innerTrailer?: Uint8Array;
  note: string;
}

/** A packet HOST1 sends in the clear on Link0 that must leave on Link1, in ESP on `answer` (or in the clear). */
export interface Outbound {
  talk: Talk;
  kind: 'request' | 'reply';
  to: string;
  /** Overrides the talk's upper layer (a big request cut by the caller, ...). */
  upper?: ProtectedUpper;
  note: string;
}

export type ForwardResult = { ok: true; frame: ReceivedFrame; verdict?: InboundVerdict } | { ok: false; seen: string; inClear?: boolean };

const upperOf = (t: Talk, kind: 'request' | 'reply'): ProtectedUpper => (kind === 'request' ? request(t) : reply(t));

/** Both links watched from now on: what the NUT sent before this exchange is not its answer (TAHI's vClear). */
function clearBoth(ctx: CaseContext): void {
  ctx.link('Link0').markNow();
  ctx.link('Link1').markNow();
}

export async function sendIn(ctx: CaseContext, e: Inbound): Promise<void> {
  sgwNeighbors(ctx);
  clearBoth(ctx);
  const bytes = outgoingBytes({ src: e.from, dst: SGW.host1Net0, upper: upperOf(e.talk, e.kind), sa: e.send, esp: e.esp, innerTrailer: e.innerTrailer });
  await sendToNut(ctx, 'Link1', SGW_ROUTER.mac, bytes, e.note);
}

/** In on Link1, out on Link0: the forwarded packet must be exactly the inner one (no TFC padding, no ESP left). */
export async function forwardIn(ctx: CaseContext, e: Inbound, known: readonly SecurityAssociation[]): Promise<ForwardResult> {
  await sendIn(ctx, e);
  const innerLength = buildIpv6Packet(packet(e.from, SGW.host1Net0, upperOf(e.talk, e.kind))).length - 40;
  const mine = fromNut(ctx, 'Link0');
  const r = await ctx.link('Link0').expect((f) => mine(f) && !isNd(f) && f.ipv6 !== undefined && between(f, e.from, SGW.host1Net0), FORWARD_MS);
  if (!r) return { ok: false, seen: `${seenFromNut(ctx, 'Link0', known)}; ${seenFromNut(ctx, 'Link1', known)}` };
  if (!carries(r.frame, e.talk, e.kind, e.from, SGW.host1Net0) || r.frame.ipv6!.payloadLength !== innerLength) {
    return { ok: false, seen: `${describeForReason(r.frame, known)} (payload length ${r.frame.ipv6!.payloadLength}, sent ${innerLength})` };
  }
  return { ok: true, frame: r };
}

/** In on Link1: nothing may come out toward HOST1 within 5 s; returns what did. */
export async function notForwardedIn(ctx: CaseContext, e: Inbound, known: readonly SecurityAssociation[]): Promise<string | undefined> {
  await sendIn(ctx, e);
  const mine = fromNut(ctx, 'Link0');
  const got = await ctx.link('Link0').expectNothing((f) => mine(f) && !isNd(f) && f.ipv6 !== undefined && between(f, e.from, SGW.host1Net0), FORWARD_MS);
  return got ? describeForReason(got.frame, known) : undefined;
}

export async function sendOut(ctx: CaseContext, o: Outbound): Promise<void> {
  sgwNeighbors(ctx);
  clearBoth(ctx);
  const bytes = buildIpv6Packet(packet(SGW.host1Net0, o.to, o.upper ?? upperOf(o.talk, o.kind)));
  await sendToNut(ctx, 'Link0', SGW.host1Mac, bytes, o.note);
}

/** In on Link0 from HOST1, out on Link1: in ESP on `answer` (its tunnel endpoints, judged by it) or in the clear. */
export async function forwardOut(ctx: CaseContext, o: Outbound, answer: InboundSa | undefined, known: readonly SecurityAssociation[]): Promise<ForwardResult> {
  await sendOut(ctx, o);
  const mine = fromNut(ctx, 'Link1');
  const toFar = (f: DecodedFrame) => f.ipv6 !== undefined && between(f, SGW.host1Net0, o.to);
  const r = await ctx.link('Link1').expect((f) => mine(f) && !isNd(f) && (isEsp(f) ? answer !== undefined && between(f, answer.sa.src, answer.sa.dst) : toFar(f)), FORWARD_MS);
  if (!r) return { ok: false, seen: `${seenFromNut(ctx, 'Link1', known)}; ${seenFromNut(ctx, 'Link0', known)}` };
  const wanted = (p: Parameters<typeof carries>[0]) => carries(p, o.talk, o.kind, SGW.host1Net0, o.to);
  if (!isEsp(r.frame)) {
    if (answer) return { ok: false, inClear: true, seen: `${named(o.talk, o.kind)} forwarded in the clear (${describeForReason(r.frame, known)})` };
    return wanted(r.frame) ? { ok: true, frame: r } : { ok: false, seen: describeForReason(r.frame, known) };
  }
  const verdict = answer!.receiveFrame(r.bytes);
  const problem = espProblem(verdict, answer!.sa, wanted, named(o.talk, o.kind));
  return problem ? { ok: false, seen: problem } : { ok: true, frame: r, verdict };
}

/** TAHI's ipsecForwardBidir from the far side: the request in through the tunnel, HOST1's answer out through it. */
export async function forwardBidir(ctx: CaseContext, t: Talk, from: string, pair: SaPair, known: readonly SecurityAssociation[], extra: Partial<Inbound> = {}): Promise<{ step: 'in' | 'out'; r: ForwardResult }> {
  const inward = await forwardIn(ctx, { talk: t, kind: 'request', from, send: pair.toNut, note: `${named(t, 'request')} from ${from} in the tunnel`, ...extra }, known);
  if (!inward.ok) return { step: 'in', r: inward };
  const outward = await forwardOut(ctx, { talk: t, kind: 'reply', to: from, note: `HOST1 answers ${from}` }, pair.fromNut, known);
  return { step: 'out', r: outward };
}
