// Fragmentation on the tester side (RFC 8200 §4.5): cutting a packet the tester builds into fragments
// of any shape (overlapping, missing, out of order), and putting the NUT's own fragments back together
// to check their sizes against a path MTU.
import { buildFrame, decodeIpv6Packet, normalizeIpv6, type DecodedFrame, type DecodedPacket, type FrameSpec } from '@testlab/packet';
import type { ReceivedFrame, TesterLink } from '../runner/tester-link.js';
import { isEchoReply } from './echo.js';

/** One fragment to cut: bytes [start, end) of the fragmentable part; `more` defaults to "not the last". */
export interface Piece {
  start: number;
  end: number;
  more?: boolean;
}

/**
 * The fragments of the packet `spec` describes. Everything after the IPv6 header is fragmentable (the
 * tester puts no Hop-by-Hop or Routing header before the Fragment header unless a case asks for one in
 * `unfragmentable`). Each fragment's Next Header is the first header of the fragmentable part.
 */
export function cutFragments(spec: FrameSpec, id: number, pieces: readonly Piece[], unfragmentable: FrameSpec['extensionHeaders'] = []): FrameSpec[] {
  const whole = buildFrame({ ...spec, trailer: undefined });
  const firstHeader = whole[14 + 6] as number;
  const fragmentable = whole.subarray(14 + 40);
  const last = Math.max(...pieces.map((p) => p.end));
  return pieces.map((p) => {
    if (p.start % 8 !== 0) throw new Error(`fragment offset ${p.start} is not a multiple of 8`);
    const { icmpv6: _i, udp: _u, payload: _p, extensionHeaders: _e, ...outer } = spec;
    const ipv6 = { ...spec.ipv6!, nextHeader: undefined, payloadLength: undefined };
    return {
      ...outer,
      ipv6,
      extensionHeaders: [...(unfragmentable ?? []), { type: 'fragment', id, fragmentOffset: p.start / 8, more: p.more ?? p.end < last, nextHeader: firstHeader }],
      payload: { nextHeader: firstHeader, bytes: fragmentable.slice(p.start, p.end) },
    };
  });
}

/** Length of the fragmentable part of `spec` (what `cutFragments` cuts). */
export function fragmentableLength(spec: FrameSpec): number {
  return buildFrame({ ...spec, trailer: undefined }).length - 14 - 40;
}

/** Pieces of at most `size` bytes (a multiple of 8) covering `length` bytes. */
export function evenPieces(length: number, size: number): Piece[] {
  const out: Piece[] = [];
  for (let start = 0; start < length; start += size) out.push({ start, end: Math.min(length, start + size) });
  return out;
}

export interface Reassembled {
  packet: DecodedPacket;
  /** Size of each IPv6 packet the NUT sent (header included), in order of offset. */
  packetSizes: number[];
  fragmented: boolean;
}

/**
 * Puts the NUT's fragments of one datagram (same Fragment Identification) back together. Undefined when
 * they do not make a whole datagram (a gap, no last fragment). A single unfragmented packet is returned
 * as it is.
 */
export function reassembleFromNut(frames: readonly ReceivedFrame[], id?: number): Reassembled | undefined {
  const withFragment = frames
    .map((r) => ({ r, fh: r.frame.extensionHeaders.find((h) => h.type === 'fragment') }))
    .filter((x) => x.fh !== undefined && (id === undefined || (x.fh.type === 'fragment' && x.fh.id === id)));
  if (withFragment.length === 0) {
    const single = frames[0];
    return single ? { packet: single.frame, packetSizes: [single.bytes.length - 14], fragmented: false } : undefined;
  }
  const firstId = withFragment[0]!.fh!.type === 'fragment' ? (withFragment[0]!.fh as { id: number }).id : 0;
  const parts = withFragment
    .map(({ r, fh }) => {
      if (fh?.type !== 'fragment') throw new Error('unreachable');
      const packet = r.bytes.subarray(14, 14 + 40 + (r.frame.ipv6?.payloadLength ?? 0));
      return { id: fh.id, offset: fh.fragmentOffset * 8, more: fh.more, headerEnd: fh.offset, nextHeader: fh.nextHeader, data: packet.subarray(fh.offset + 8), packet };
    })
    .filter((p) => p.id === firstId)
    .sort((a, b) => a.offset - b.offset);
  let covered = 0;
  for (const p of parts) {
    if (p.offset !== covered) return undefined;
    covered += p.data.length;
  }
  const first = parts[0]!;
  const lastPart = parts[parts.length - 1]!;
  if (first.offset !== 0 || lastPart.more) return undefined;
  // The unfragmentable part is the IPv6 header (Linux puts nothing before the Fragment header in replies).
  const header = first.packet.slice(0, first.headerEnd);
  const out = new Uint8Array(header.length + covered);
  out.set(header);
  out[6] = first.nextHeader;
  new DataView(out.buffer).setUint16(4, out.length - 40);
  let at = header.length;
  for (const p of parts) {
    out.set(p.data, at);
    at += p.data.length;
  }
  return { packet: decodeIpv6Packet(out), packetSizes: parts.map((p) => p.packet.length), fragmented: true };
}

const isFragment = (f: DecodedFrame): boolean => f.extensionHeaders.some((h) => h.type === 'fragment');
const lastFragmentId = (f: DecodedFrame): number | undefined => {
  const h = f.extensionHeaders.find((x) => x.type === 'fragment');
  return h?.type === 'fragment' && !h.more && h.fragmentOffset > 0 ? h.id : undefined;
};

/**
 * Waits for the NUT's Echo Reply (id, seq) to `to`, whole or in fragments, and returns it reassembled with
 * the size of every packet it came in; undefined if no complete reply came within `withinMs`.
 */
export async function awaitEchoReply(link: TesterLink, to: string, id: number, seq: number, withinMs: number): Promise<Reassembled | undefined> {
  const mine = (f: DecodedFrame) => f.ipv6 !== undefined && normalizeIpv6(f.ipv6.dst) === normalizeIpv6(to);
  const done = await link.expect((f) => mine(f) && (isEchoReply(f, to, id, seq) || lastFragmentId(f) !== undefined), withinMs);
  if (!done) return undefined;
  if (!isFragment(done.frame)) return { packet: done.frame, packetSizes: [done.bytes.length - 14], fragmented: false };
  // Fragments of one datagram leave the NUT back to back; a short grace period catches a reordered one.
  const frames = await link.collect((f) => mine(f) && isFragment(f), 100);
  const whole = reassembleFromNut(frames, lastFragmentId(done.frame));
  const m = whole?.packet.icmpv6;
  return m?.type === 'echo-reply' && m.id === id && m.seq === seq ? whole : undefined;
}
