// AH for IPv6 (RFC 4302): encoding in transport or tunnel mode with every field settable to a
// wrong value, and checking a received packet's ICV. The ICV input is built by ah-icv.ts.
import { buildIpv6Packet, decodeIpv6Packet, encodeExtensionHeader, IPV6_HEADER_LENGTH, NextHeader, type DecodedPacket } from '@testlab/packet';
import { ahIcvInput } from './ah-icv.js';
import { hex32, sameBytes, setU32 } from './bytes.js';
import { outerIpv6, protectedContent, type IpsecPacketSpec } from './esp-packet.js';
import { computeIcv } from './integrity.js';
import { IPV6_IN_IPV6 } from './protocols.js';
import { takeSequenceNumber, type SecurityAssociation } from './sa.js';

export interface AhFaults {
  spi?: number;
  seq?: number;
  /** Forces the Next Header field. */
  nextHeader?: number;
  /** Forces the Payload Len field (4-octet units minus 2). */
  payloadLen?: number;
  /** The 16-bit Reserved field, zero unless testing its handling. */
  reserved?: number;
  /** Sends these bytes as the ICV (padding still follows to the 8-octet boundary). */
  icv?: Uint8Array;
  corruptIcv?: boolean;
  /** ICV padding bytes; zeros by default (RFC 4302 §2.6 leaves the value to the sender). */
  icvPadding?: Uint8Array;
}

export interface AhPacketSpec extends IpsecPacketSpec {
  ah?: AhFaults;
}

/** ICV length rounded up so the header is a multiple of 8 octets, as IPv6 requires (RFC 4302 §2.2). */
export function ahIcvFieldLength(icvLength: number): number {
  return Math.ceil((12 + icvLength) / 8) * 8 - 12;
}

export function buildAhPacket(spec: AhPacketSpec): Uint8Array {
  const { sa } = spec;
  const faults = spec.ah ?? {};
  const content = protectedContent(spec);
  const icvLength = faults.icv?.length ?? sa.integrity.transform.icvLength;
  const padding = faults.icvPadding ?? new Uint8Array(ahIcvFieldLength(icvLength) - icvLength);
  const fieldLength = icvLength + padding.length;
  // The raw header spec is [Next Header, ...body]; the body starts at Payload Len.
  const body = new Uint8Array(11 + fieldLength);
  body[0] = (faults.payloadLen ?? (12 + fieldLength) / 4 - 2) & 0xff;
  body[1] = ((faults.reserved ?? 0) >> 8) & 0xff;
  body[2] = (faults.reserved ?? 0) & 0xff;
  setU32(body, 3, faults.spi ?? sa.spi);
  setU32(body, 7, takeSequenceNumber(sa, faults.seq));
  body.set(padding, 11 + icvLength);
  const before = spec.extensionHeaders ?? [];
  const after = spec.upper?.extensionHeaders ?? [];
  const ahHeader = { type: 'raw' as const, protocol: NextHeader.ah, body, nextHeader: faults.nextHeader };
  const ipv6 = outerIpv6(spec);
  const packet = spec.upper
    ? buildIpv6Packet({ ...spec.upper, ipv6, extensionHeaders: [...before, ahHeader, ...after] })
    : buildIpv6Packet({ ipv6, extensionHeaders: [...before, ahHeader], payload: content });
  const ahOffset = IPV6_HEADER_LENGTH + before.reduce((n, h) => n + encodeExtensionHeader(h, 0).length, 0);
  let icv = faults.icv ?? computeIcv(sa.integrity.transform, sa.integrity.key, ahIcvInput(packet, ahOffset, fieldLength));
  if (faults.corruptIcv && icv.length > 0) {
    icv = new Uint8Array(icv);
    icv[icv.length - 1] = (icv[icv.length - 1] as number) ^ 0x01;
  }
  packet.set(icv, ahOffset + 12);
  return packet;
}

export interface VerifiedAh {
  /** The packet decoded by @testlab/packet, which walks through AH to the upper layer. */
  packet: DecodedPacket;
  spi?: number;
  seq?: number;
  spiMatches: boolean;
  authenticated: boolean;
  /** Tunnel mode: the inner packet. */
  inner?: DecodedPacket;
  /** AH's own problems: any of them makes a receiver drop the packet. */
  ahErrors: string[];
  /** Everything wrong: the packet's problems (checksums, headers) and AH's. */
  errors: string[];
}

/** Finds the AH in an IPv6 packet and checks its ICV with `sa`; never throws. */
export function verifyAhPacket(input: Uint8Array, sa: SecurityAssociation): VerifiedAh {
  const bytes = new Uint8Array(input);
  const packet = decodeIpv6Packet(bytes);
  const ahErrors: string[] = [];
  const out: VerifiedAh = { packet, spiMatches: false, authenticated: false, ahErrors, errors: [] };
  const done = (): VerifiedAh => {
    out.errors = [...packet.errors, ...ahErrors, ...(out.inner?.errors ?? []).map((e) => `inner ${e}`)];
    return out;
  };
  const ah = packet.extensionHeaders.find((h) => h.type === 'ah');
  if (!ah || ah.type !== 'ah') {
    ahErrors.push('ah: the packet carries no AH');
    return done();
  }
  out.spi = ah.spi;
  out.seq = ah.seq;
  out.spiMatches = ah.spi === sa.spi;
  if (!out.spiMatches) {
    ahErrors.push(`ah: SPI ${hex32(ah.spi)} is not the SA's ${hex32(sa.spi)}`);
    return done();
  }
  if (packet.extensionHeaders.some((h) => h.type === 'fragment')) {
    ahErrors.push('ah: the packet is a fragment; reassemble it before checking AH (RFC 4302 §3.4.1)');
    return done();
  }
  const { transform, key } = sa.integrity;
  if (ah.length % 8 !== 0) ahErrors.push(`ah: header is ${ah.length} bytes, not a multiple of 8 as IPv6 requires (RFC 4302 §2.2)`);
  if (ah.icv.length < transform.icvLength) {
    ahErrors.push(`ah: ICV field is ${ah.icv.length} bytes, shorter than ${transform.name}'s ${transform.icvLength}`);
    return done();
  }
  const expected = computeIcv(transform, key, ahIcvInput(bytes, ah.offset, ah.icv.length));
  out.authenticated = sameBytes(expected, ah.icv.subarray(0, transform.icvLength));
  if (!out.authenticated) ahErrors.push(`ah: ICV does not match (${transform.name})`);
  if (packet.payload?.nextHeader === IPV6_IN_IPV6) out.inner = decodeIpv6Packet(packet.payload.bytes);
  return done();
}
