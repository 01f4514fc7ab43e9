// The tester's IPsec on the wire: sending ESP (or the clear packet) toward the NUT, recognising what the
// NUT sends (ESP between given endpoints, or the clear packet a policy says to protect), and describing
// it in words a kernel developer can check against the capture.
import { buildIpv6Packet, decodeIpv6Packet, describePacket, normalizeIpv6, type DecodedFrame, type DecodedPacket } from '@testlab/packet';
import { buildEspPacket, decodeEspPacket, hex32, type EspFaults, type InboundVerdict, type ProtectedUpper, type SecurityAssociation } from '@testlab/ipsec';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { packet } from './ipsec-traffic.js';

export type LinkName = 'Link0' | 'Link1';

/** An IPv6 packet as the tester sends it: in the clear, or in ESP on `sa` (its mode says transport or tunnel). */
export interface Outgoing {
  /** The packet's own (inner) source and destination. */
  src: string;
  dst: string;
  upper: ProtectedUpper;
  sa?: SecurityAssociation;
  esp?: EspFaults;
  /** Tunnel mode: bytes after the inner packet (TFC padding, RFC 4303 §2.7). */
  innerTrailer?: Uint8Array;
}

export function outgoingBytes(o: Outgoing): Uint8Array {
  const inner = packet(o.src, o.dst, o.upper);
  if (!o.sa) return buildIpv6Packet(inner);
  if (o.sa.mode === 'transport') return buildEspPacket({ sa: o.sa, ipv6: { src: o.src, dst: o.dst }, upper: o.upper, esp: o.esp });
  const innerBytes = buildIpv6Packet(inner);
  const withTrailer = o.innerTrailer ? Uint8Array.from([...innerBytes, ...o.innerTrailer]) : innerBytes;
  return buildEspPacket({ sa: o.sa, innerPacket: withTrailer, esp: o.esp });
}

/** Sends `bytes` (an IPv6 packet) on a link from the tester node `fromMac` to the NUT. */
export async function sendToNut(ctx: CaseContext, link: LinkName, fromMac: string, bytes: Uint8Array, note: string): Promise<void> {
  await ctx.link(link).send({ eth: { src: fromMac, dst: ctx.nutOn(link).mac }, payload: { bytes } }, note);
}

export const isEsp = (f: DecodedFrame): boolean => f.payload?.nextHeader === 50 && !f.extensionHeaders.some((h) => h.type === 'fragment');
export const espSpi = (f: DecodedFrame): number | undefined => {
  const b = f.payload?.bytes;
  return isEsp(f) && b && b.length >= 4 ? new DataView(b.buffer, b.byteOffset).getUint32(0) : undefined;
};
const same = (a: string, b: string): boolean => normalizeIpv6(a) === normalizeIpv6(b);
export const between = (f: DecodedFrame, src: string, dst: string): boolean => f.ipv6 !== undefined && same(f.ipv6.src, src) && same(f.ipv6.dst, dst);
export const fromNut = (ctx: CaseContext, link: LinkName) => (f: DecodedFrame): boolean => f.eth !== undefined && f.eth.src === ctx.nutOn(link).mac;
export const isNd = (f: DecodedFrame): boolean => f.icmpv6 !== undefined && f.icmpv6.icmpType >= 133 && f.icmpv6.icmpType <= 137;

/** The IPv6 packet of a received frame (from its first header byte), as long as the header says. */
export function ipPacket(r: ReceivedFrame): Uint8Array {
  return r.bytes.subarray(14, 14 + 40 + (r.frame.ipv6?.payloadLength ?? 0));
}

/**
 * What a frame is, for a reason: ESP is opened with whichever SA of the case has its SPI (the keys are
 * the tester's), so a reason can say "ESP SPI 0x4000 carrying the Echo Reply" rather than "ESP".
 */
export function describeForReason(f: DecodedFrame, sas: readonly SecurityAssociation[]): string {
  const spi = espSpi(f);
  if (spi === undefined || !f.ipv6) return describePacket(f);
  const head = `ESP SPI ${hex32(spi)} ${f.ipv6.src} > ${f.ipv6.dst}`;
  const exact = sas.find((s) => s.spi === spi && same(s.src, f.ipv6!.src) && same(s.dst, f.ipv6!.dst));
  // ESP's ICV does not cover the outer addresses: an SA's SPI between other addresses still opens with it.
  const sa = exact ?? sas.find((s) => s.spi === spi);
  if (!sa) return `${head} (no SA of this case has that SPI)`;
  const elsewhere = exact ? '' : ` (the SPI of the SA ${sa.src} > ${sa.dst})`;
  // Decoding reads the SA's keys only: describing moves no replay window or sequence counter of the case.
  const opened = decodeEspPacket(buildIpv6Packet({ ipv6: { src: f.ipv6.src, dst: f.ipv6.dst }, payload: { nextHeader: 50, bytes: f.payload!.bytes } }), sa);
  return opened.inner ? `${head}${elsewhere} carrying ${describePacket(opened.inner)}` : `${head}${elsewhere} (${opened.errors[0] ?? 'unreadable'})`;
}

/** Frames of the NUT on a link since the tester last sent there, address resolution left out, in words. */
export function seenFromNut(ctx: CaseContext, link: LinkName, sas: readonly SecurityAssociation[]): string {
  const mine = fromNut(ctx, link);
  const seen = ctx
    .link(link)
    .framesSinceSend((f) => mine(f) && !isNd(f) && f.ipv6 !== undefined)
    .map((r) => describeForReason(r.frame, sas));
  if (seen.length === 0) return `nothing on ${link}`;
  return `${seen.slice(0, 3).join('; ')}${seen.length > 3 ? `; and ${seen.length - 3} more` : ''} on ${link}`;
}

/** The judgement of one ESP packet from the NUT: undefined when it is `want` on the right SA, else why not. */
export function espProblem(v: InboundVerdict, sa: SecurityAssociation, want: (inner: DecodedPacket | undefined) => boolean, wanted: string): string | undefined {
  if (v.esp?.esp && !v.esp.esp.spiMatches) return `ESP on SPI ${hex32(v.esp.esp.spi)}, not on SA ${hex32(sa.spi)}`;
  if (!v.accepted) return `ESP on SPI ${hex32(sa.spi)} that a receiver drops: ${v.reasons.join('; ')}`;
  // A receiver takes the packet apart as its SA says (RFC 4301 §4.1): transport-mode ESP on a tunnel SA is not the answer.
  if (v.esp?.mode && v.esp.mode !== sa.mode) return `ESP on SPI ${hex32(sa.spi)} in ${v.esp.mode} mode, though the SA is in ${sa.mode} mode`;
  if (!want(v.inner)) return `ESP on SPI ${hex32(sa.spi)} carrying ${v.inner ? describePacket(v.inner) : 'nothing readable'}, not ${wanted}`;
  return undefined;
}

export const decode = (bytes: Uint8Array): DecodedPacket => decodeIpv6Packet(bytes);
