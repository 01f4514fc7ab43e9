// The NUT's ESP packets cut into IPv6 fragments after a Packet Too Big (5.1.4, 5.3.6, 6.1.x): waiting for
// all pieces of one datagram and putting its bytes back together, so the ESP inside can be opened with
// the SA and judged like any other (TAHI's ipsecPingFrag2NUT and ipsecSendDummy).
import type { DecodedFrame } from '@testlab/packet';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { between, fromNut, type LinkName } from './ipsec-wire.js';

export interface Piece {
  /** Fragment Offset in octets, the M flag, the Next Header of the fragment header, the packet's size. */
  offset: number;
  more: boolean;
  nextHeader: number;
  packetSize: number;
}

export interface Reassembled {
  /** The whole IPv6 packet, Fragment header removed. */
  bytes: Uint8Array;
  pieces: Piece[];
}

const fragmentHeader = (f: DecodedFrame) => {
  const h = f.extensionHeaders.find((x) => x.type === 'fragment');
  return h?.type === 'fragment' ? h : undefined;
};

/** Puts fragments of one datagram together; undefined for a gap, a missing end or other headers before the Fragment header. */
export function reassemble(frames: readonly ReceivedFrame[]): Reassembled | undefined {
  const parts = frames
    .map((r) => ({ r, h: fragmentHeader(r.frame) }))
    .filter((x): x is { r: ReceivedFrame; h: NonNullable<ReturnType<typeof fragmentHeader>> } => x.h !== undefined && x.h.offset === 40)
    .sort((a, b) => a.h.fragmentOffset - b.h.fragmentOffset);
  if (parts.length === 0 || parts.some((p) => p.h.id !== parts[0]!.h.id)) return undefined;
  let covered = 0;
  const data: Uint8Array[] = [];
  for (const { r, h } of parts) {
    if (h.fragmentOffset * 8 !== covered) return undefined;
    const packet = r.bytes.subarray(14, 14 + 40 + (r.frame.ipv6?.payloadLength ?? 0));
    data.push(packet.subarray(48));
    covered += packet.length - 48;
  }
  if (parts[parts.length - 1]!.h.more) return undefined;
  const first = parts[0]!.r.bytes.subarray(14, 54);
  const bytes = new Uint8Array(40 + covered);
  bytes.set(first);
  bytes[6] = parts[0]!.h.nextHeader;
  new DataView(bytes.buffer).setUint16(4, covered);
  let at = 40;
  for (const d of data) {
    bytes.set(d, at);
    at += d.length;
  }
  const pieces = parts.map(({ r, h }) => ({ offset: h.fragmentOffset * 8, more: h.more, nextHeader: h.nextHeader, packetSize: r.bytes.length - 14 }));
  return { bytes, pieces };
}

/**
 * Waits for the NUT's fragments from `src` to `dst` on a link: until the last one (M = 0, offset > 0) or
 * `withinMs`, then a moment more for one sent out of order. Undefined without a whole datagram; `whole`
 * is the unfragmented packet if the NUT sent one instead.
 */
export async function awaitFragments(ctx: CaseContext, link: LinkName, src: string, dst: string, withinMs: number): Promise<{ reassembled?: Reassembled; whole?: ReceivedFrame }> {
  const mine = fromNut(ctx, link);
  const ours = (f: DecodedFrame) => mine(f) && between(f, src, dst);
  const end = await ctx.link(link).expect((f) => ours(f) && (fragmentHeader(f) === undefined ? f.payload?.nextHeader === 50 : !fragmentHeader(f)!.more), withinMs);
  if (!end) return {};
  if (!fragmentHeader(end.frame)) return { whole: end };
  const frames = await ctx.link(link).collect((f) => ours(f) && fragmentHeader(f) !== undefined, 200);
  const id = fragmentHeader(end.frame)!.id;
  const reassembled = reassemble(frames.filter((r) => fragmentHeader(r.frame)!.id === id));
  return reassembled ? { reassembled } : {};
}

export function describePieces(pieces: readonly Piece[]): string {
  return pieces.map((p) => `offset ${p.offset / 8} (${p.offset} octets) M=${p.more ? 1 : 0}, ${p.packetSize} octets`).join(' + ');
}

/**
 * An IPv6 packet (no extension headers) cut in two fragments, the first carrying `firstLength` octets
 * (a multiple of 8) of what follows the IPv6 header: how HOST1 obeys the NUT's Packet Too Big (6.1.5, 6.1.6).
 */
export function cutInTwo(packet: Uint8Array, firstLength: number, id: number): [Uint8Array, Uint8Array] {
  if (firstLength % 8 !== 0) throw new Error(`fragment length ${firstLength} is not a multiple of 8`);
  const nextHeader = packet[6] as number;
  const body = packet.subarray(40);
  const piece = (offset: number, data: Uint8Array, more: boolean): Uint8Array => {
    const out = new Uint8Array(48 + data.length);
    out.set(packet.subarray(0, 40));
    out[6] = 44;
    new DataView(out.buffer).setUint16(4, 8 + data.length);
    out[40] = nextHeader;
    new DataView(out.buffer).setUint16(42, (offset & 0xfff8) | (more ? 1 : 0));
    new DataView(out.buffer).setUint32(44, id);
    out.set(data, 48);
    return out;
  };
  return [piece(0, body.subarray(0, firstLength), true), piece(firstLength, body.subarray(firstLength), false)];
}
