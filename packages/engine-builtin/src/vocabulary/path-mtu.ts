// Path MTU discovery (RFC 8201) as the Section 4 cases see it, the way TAHI's pmtu.p2 scripts do: a tester
// node's 1500-octet Echo Request is answered whole on an Ethernet link; a Packet Too Big quoting (the first
// 1232 octets of) the packet the NUT really sent lowers the path MTU, after which the answer comes in the
// fewest fragments that fit it: none larger than the path MTU, and no more of them than it needs (TAHI's
// writefragdef accepts exactly two for its sizes). Every case talks from tester MACs of its own: the NUT keeps
// a learnt path MTU for ten minutes, and it must not carry over into the next case.
import { buildFrame, type FrameSpec } from '@testlab/packet';
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { SimulatedNode } from '../runner/simulated-node.js';
import { awaitEchoReply, cutFragments, evenPieces, fragmentableLength, type Reassembled } from './fragments.js';
import { ALL_MODES } from './nut-modes.js';
import { pattern } from './payload.js';
import { toTester } from './probe-outcomes.js';
import { globalOf, nutGlobalOnLink0 } from './global-address.js';
import { ETHERNET_MTU, MIN_MTU, OFF_LINK_PREFIX } from './tahi-network.js';
import { tnWithMac, TR1 } from './tester-nodes.js';
import { ANSWER_WINDOW_MS, sleep } from './timing.js';

export const ECHO_ID = 0x4100;
const RFC = 'RFC 8201 §4';
/** What a Packet Too Big quotes of the packet it is about: as much as fits a 1280-octet ICMPv6 error. */
export const QUOTE_OCTETS = MIN_MTU - 48;

/** Who talks to the NUT: the node (its address and the MAC frames come from) and the NUT's address. */
export interface Path {
  from: SimulatedNode;
  /** The MAC the tester's frames come from: the node's, or TR1's for an off-link node. */
  viaMac: string;
  nut: string;
}

export function onLinkPath(ctx: CaseContext, n: number): Path {
  const from = ctx.node(tnWithMac('TN1', 0x4100 + n));
  return { from, viaMac: from.mac, nut: ctx.nutOn().linkLocal };
}

/** The NUT's answer to an Echo Request: reassembled, with the bytes of its largest packet (what a Packet Too Big quotes). */
export interface Answer extends Reassembled {
  largest: Uint8Array;
}

export function echoRequestOn(ctx: CaseContext, p: Path, seq: number, size: number, id = ECHO_ID): FrameSpec {
  return { eth: { src: p.viaMac, dst: ctx.nutOn().mac }, ipv6: { src: p.from.address, dst: p.nut }, icmpv6: { type: 'echo-request', id, seq, data: pattern(size - 48) } };
}

/**
 * Sends an Echo Request of `size` octets (IPv6 header included), whole or, as TAHI does once the path MTU
 * is lower, in fragments of at most `fragmentTo` octets; returns the reply, reassembled.
 */
export async function echo(ctx: CaseContext, p: Path, seq: number, size: number, fragmentTo?: number): Promise<Answer | undefined> {
  const request = echoRequestOn(ctx, p, seq, size);
  if (fragmentTo === undefined || size <= fragmentTo) await ctx.link().send(request, `a ${size}-octet Echo Request`);
  else {
    const frames = cutFragments(request, 0x41000000 + seq, evenPieces(fragmentableLength(request), Math.floor((fragmentTo - 48) / 8) * 8));
    for (const [i, f] of frames.entries()) await ctx.link().send(f, `a ${size}-octet Echo Request, fragment ${i + 1} of ${frames.length}`);
  }
  const reply = await awaitEchoReply(ctx.link(), p.from.address, ECHO_ID, seq, ANSWER_WINDOW_MS);
  return reply && { ...reply, largest: largestPacket(ctx, p, reply) };
}

function largestPacket(ctx: CaseContext, p: Path, reply: Reassembled): Uint8Array {
  const size = Math.max(...reply.packetSizes);
  const mine = ctx.link().framesSinceSend(toTester(p.from.address)).filter((r) => r.bytes.length - 14 === size);
  return (mine[mine.length - 1]?.bytes ?? new Uint8Array(14)).subarray(14);
}

/** A Packet Too Big from `sender` reporting `mtu` and quoting `quoted` (an IPv6 packet) up to 1232 octets. */
export async function packetTooBig(ctx: CaseContext, p: Path, sender: { mac: string; address: string }, mtu: number, quoted: Uint8Array, code = 0, what = 'the packet it sent'): Promise<void> {
  await ctx.link().send(
    { eth: { src: sender.mac, dst: ctx.nutOn().mac }, ipv6: { src: sender.address, dst: p.nut }, icmpv6: { type: 'packet-too-big', code, mtu, invoking: quoted.slice(0, QUOTE_OCTETS) } },
    `Packet Too Big, MTU ${mtu}${code ? `, code ${code}` : ''}, quoting ${what}`,
  );
  await sleep(200); // let the NUT take it in before the next request
}

/** The Echo Reply the NUT would send to `p`'s node, built by the tester: what a forged Packet Too Big quotes. */
export function replyTheNutNeverSent(ctx: CaseContext, p: Path, size: number, id: number): Uint8Array {
  return buildFrame({ eth: { src: ctx.nutOn().mac, dst: p.viaMac }, ipv6: { src: p.nut, dst: p.from.address }, icmpv6: { type: 'echo-reply', id, seq: 1, data: pattern(size - 48) } }).subarray(14);
}

/** The fewest fragments a datagram of `size` octets (IPv6 header included, no other header) needs under `mtu`. */
export function fewestFragments(size: number, mtu: number): number {
  if (size <= mtu) return 1;
  return Math.ceil((size - 40) / (Math.floor((mtu - 48) / 8) * 8));
}

/** Judges the shape of a reply against the path MTU both ways: no packet larger than it, no more packets than it needs. */
export function fitsPathMtu(reply: Reassembled, size: number, mtu: number, rfc: string, why: string): CaseVerdict | undefined {
  const shape = `${reply.fragmented ? `fragments of ${reply.packetSizes.join(' + ')}` : `one packet of ${reply.packetSizes[0]}`} octets`;
  const largest = Math.max(...reply.packetSizes);
  if (largest > mtu) return fail(rfc, `the ${size}-octet Echo Reply in packets of at most ${mtu} octets ${why}`, shape);
  const needed = fewestFragments(size, mtu);
  if (reply.packetSizes.length > needed) return fail('RFC 8200 §5, RFC 8201 §4', `the ${size}-octet Echo Reply in ${needed} packet(s) of at most ${mtu} octets ${why} (the path MTU, not less)`, shape);
  return undefined;
}

/** The Echo Request of `size` octets (fragmented to `mtu`, as TAHI sends it) answered in the shape the path MTU `mtu` asks for; returns the answer. */
export async function answerWithin(ctx: CaseContext, p: Path, seq: number, mtu: number, rfc: string, why: string, size = ETHERNET_MTU): Promise<Answer | CaseVerdict> {
  const reply = await echo(ctx, p, seq, size, mtu);
  if (!reply) return fail(rfc, `an Echo Reply to the ${size}-octet Echo Request ${why}`, ctx.link().seenSinceSend(toTester(p.from.address)));
  const bad = fitsPathMtu(reply, size, mtu, rfc, why);
  if (bad) return bad;
  ctx.log(`reply ${why}: ${reply.packetSizes.join(' + ')} octets`);
  return reply;
}

export async function answeredWithin(ctx: CaseContext, p: Path, seq: number, mtu: number, rfc: string, why: string, size = ETHERNET_MTU): Promise<CaseVerdict | undefined> {
  const r = await answerWithin(ctx, p, seq, mtu, rfc, why, size);
  return isVerdict(r) ? r : undefined;
}

/**
 * TAHI's off-link node TN2 behind TR1 (3ffe:501:ffff:109::/64), talking to the NUT's global address: a host
 * is given TR1 as its default router, a router a route through TR1. Frames from TN2 come from TR1's MAC.
 */
export async function offLinkPath(ctx: CaseContext, n: number): Promise<{ p: Path; tr1: SimulatedNode }> {
  const nutLink = ctx.nutOn();
  const spec = tnWithMac('TN1', 0x4100 + n);
  const onLink = ctx.node({ ...spec, address: globalOf(spec.mac) });
  const global = await nutGlobalOnLink0(ctx, onLink, { defaultRouter: true });
  const tr1 = global.tr1 ?? ctx.node(TR1);
  if (ctx.mode === 'router') {
    await ctx.nutCommand(['ip', '-6', 'route', 'add', `${OFF_LINK_PREFIX}/64`, 'via', tr1.address, 'dev', nutLink.ifname]);
    ctx.onCleanup(`remove the route to ${OFF_LINK_PREFIX}/64`, async () => void (await ctx.nutCommand(['ip', '-6', 'route', 'del', `${OFF_LINK_PREFIX}/64`, 'via', tr1.address, 'dev', nutLink.ifname])));
  }
  const tn2 = { name: 'TN2', address: globalOf(tnWithMac('TN2', 0x4100 + n).mac, OFF_LINK_PREFIX) };
  return { p: { from: { ...tn2, mac: tr1.mac } as SimulatedNode, viaMac: tr1.mac, nut: global.nut }, tr1 };
}

/** Before any Packet Too Big: the request is answered whole (else the case proves nothing); returns the reply to quote. */
export async function wholeAtFirst(ctx: CaseContext, p: Path, size = ETHERNET_MTU): Promise<Answer | CaseVerdict> {
  const reply = await echo(ctx, p, 1, size);
  if (!reply) return fail('RFC 4443 §4.2', `an Echo Reply to a ${size}-octet Echo Request before any Packet Too Big`, ctx.link().seenSinceSend(toTester(p.from.address)));
  if (reply.fragmented) return fail(RFC, `a whole ${size}-octet Echo Reply on a ${ETHERNET_MTU}-octet link before any Packet Too Big`, `fragments of ${reply.packetSizes.join(' + ')} octets`);
  return reply;
}

export const isVerdict = (x: Answer | CaseVerdict): x is CaseVerdict => 'verdict' in x;

/**
 * TAHI's reducePMTUonlink and its kin: the request answered whole, a Packet Too Big with `mtu` (and `code`)
 * quoting that answer from the tester node, then the request (fragmented to `mtu`) answered in fragments
 * that fit `expected`.
 */
export function reduced(o: { id: string; title: string; n: number; mtu: number; expected: number; code?: number; rfc?: string; then?: (ctx: CaseContext, p: Path, last: Answer) => Promise<CaseVerdict | undefined> }): CaseDefinition {
  const rfc = o.rfc ?? RFC;
  return {
    id: o.id,
    title: o.title,
    rfc,
    appliesTo: ALL_MODES,
    async run(ctx) {
      const p = onLinkPath(ctx, o.n);
      const first = await wholeAtFirst(ctx, p);
      if (isVerdict(first)) return first;
      await packetTooBig(ctx, p, p.from, o.mtu, first.largest, o.code ?? 0, 'the Echo Reply it sent');
      const after = await answerWithin(ctx, p, 2, o.expected, rfc, `after a Packet Too Big with MTU ${o.mtu}${o.code ? ` and code ${o.code}` : ''}`);
      if (isVerdict(after)) return after;
      const more = await o.then?.(ctx, p, after);
      return more ?? pass(`replies fit ${o.expected} octets, in as few fragments as that allows, after a Packet Too Big with MTU ${o.mtu}`);
    },
  };
}
