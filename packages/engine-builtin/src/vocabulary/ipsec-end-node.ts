// How the end-node tests (5.x) talk to the NUT: the tester plays TAHI's Router on NET0 and every host
// behind it, sends a request in ESP (or in the clear) and waits for the NUT's answer, judging the SA it
// came on (ipsecPing2NUT); or makes sure nothing answers.
import type { DecodedFrame } from '@testlab/packet';
import { type EspFaults, type InboundSa, type InboundVerdict, type SecurityAssociation } from '@testlab/ipsec';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { END, END_NODE_NEIGHBORS, END_NODE_ROUTER, endNodeAddress, netPrefix } from './ipsec-topology.js';
import { anyAnswer, carries, named, request, type Talk } from './ipsec-traffic.js';
import { between, describeForReason, espProblem, fromNut, isEsp, isNd, outgoingBytes, seenFromNut, sendToNut } from './ipsec-wire.js';
import { saPair, type PairPlan, type SaPair } from './ipsec-pairs.js';

/** TAHI waits 3 s for the NUT's answer (ipsecPing2NUT). */
export const ANSWER_MS = 3_000;

/** The NUT's NET0 address (its SLAAC address in TAHI's prefix, set by the ipsec-end-node mode). */
export const nutNet0 = (ctx: CaseContext): string => endNodeAddress(ctx.nutOn('Link0').mac);

/** The tester's Router answers the NUT's address resolution for its link-local and global address. */
export function routerOnLink(ctx: CaseContext): void {
  for (const n of END_NODE_NEIGHBORS) for (const address of n.addresses) ctx.node({ name: n.name, mac: n.mac, address }, n.link);
}

/** TAHI's first pair: HOST (NET1) and the NUT in transport mode, SPI 0x1000 in and 0x2000 out. */
export function hostTransport(ctx: CaseContext, over: Partial<PairPlan> = {}): SaPair {
  const host = over.peer ?? END.host1Net1;
  return saPair({ mode: 'transport', nut: nutNet0(ctx), peer: host, nutSelector: nutNet0(ctx), peerSelector: host, spiIn: 0x1000, spiOut: 0x2000, reqid: 100, ...over });
}

/** A tunnel between the NUT and SGW1 (NET1) for NET2 behind it, SPI 0x1000 in and 0x2000 out. */
export function sgwTunnel(ctx: CaseContext, over: Partial<PairPlan> = {}): SaPair {
  return saPair({ mode: 'tunnel', nut: nutNet0(ctx), peer: END.sgw1Net1, nutSelector: nutNet0(ctx), peerSelector: netPrefix(2), spiIn: 0x1000, spiOut: 0x2000, reqid: 100, ...over });
}

export interface EchoExchange {
  talk: Talk;
  /** The request's (inner) source: HOST1_NET1, HOST1_NET2 behind SGW1, ... */
  host: string;
  /** In ESP on this SA (transport or tunnel, as the SA says), or in the clear. */
  send?: SecurityAssociation;
  esp?: EspFaults;
  /** Bytes after the inner packet in tunnel mode (TFC padding). */
  innerTrailer?: Uint8Array;
  /** Upper layer to send instead of the talk's request (TFC padding after a UDP datagram). */
  upper?: ReturnType<typeof request>;
  note: string;
}

export type EchoResult = { ok: true; frame: ReceivedFrame; verdict?: InboundVerdict } | { ok: false; seen: string; inClear?: boolean };

/** Sends the request from the Router's MAC on Link0. */
export async function sendRequest(ctx: CaseContext, e: EchoExchange): Promise<void> {
  const bytes = outgoingBytes({ src: e.host, dst: nutNet0(ctx), upper: e.upper ?? request(e.talk), sa: e.send, esp: e.esp, innerTrailer: e.innerTrailer });
  await sendToNut(ctx, 'Link0', END_NODE_ROUTER.mac, bytes, e.note);
}

/**
 * Sends the request and waits for the NUT's answer: in ESP on `answer` (outer addresses of its SA, judged
 * by it: SPI, ICV, replay, what it carries), or in the clear when `answer` is undefined. An answer in the
 * clear where ESP is due ends the wait at once: that is the failure.
 */
export async function echoNut(ctx: CaseContext, e: EchoExchange, answer: InboundSa | undefined, known: readonly SecurityAssociation[]): Promise<EchoResult> {
  routerOnLink(ctx);
  const nut = nutNet0(ctx);
  await sendRequest(ctx, e);
  const mine = fromNut(ctx, 'Link0');
  const match = (f: DecodedFrame) => mine(f) && !isNd(f) && (isEsp(f) ? answer !== undefined && between(f, answer.sa.src, answer.sa.dst) : anyAnswer(f, e.talk, e.host));
  const r = await ctx.link('Link0').expect(match, ANSWER_MS);
  if (!r) return { ok: false, seen: seenFromNut(ctx, 'Link0', known) };
  if (!isEsp(r.frame)) {
    if (answer) return { ok: false, inClear: true, seen: `${named(e.talk, 'reply')} in the clear (${describeForReason(r.frame, known)})` };
    return carries(r.frame, e.talk, 'reply', nut, e.host) ? { ok: true, frame: r } : { ok: false, seen: describeForReason(r.frame, known) };
  }
  const verdict = answer!.receiveFrame(r.bytes);
  const problem = espProblem(verdict, answer!.sa, (inner) => carries(inner, e.talk, 'reply', nut, e.host), named(e.talk, 'reply'));
  return problem ? { ok: false, seen: problem } : { ok: true, frame: r, verdict };
}

/** Sends the request; returns what answered it (in the clear or in ESP toward `peers`), or undefined after 3 s of silence. */
export async function echoUnanswered(ctx: CaseContext, e: EchoExchange, peers: readonly string[], known: readonly SecurityAssociation[]): Promise<string | undefined> {
  routerOnLink(ctx);
  await sendRequest(ctx, e);
  const mine = fromNut(ctx, 'Link0');
  const toPeer = (f: DecodedFrame) => f.ipv6 !== undefined && peers.some((p) => between(f, nutNet0(ctx), p));
  const answer = await ctx.link('Link0').expectNothing((f) => mine(f) && !isNd(f) && (isEsp(f) ? toPeer(f) : anyAnswer(f, e.talk, e.host)), ANSWER_MS);
  return answer ? describeForReason(answer.frame, known) : undefined;
}
