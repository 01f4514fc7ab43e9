// UDP over IPv6 (RFC 768, RFC 8200 §8.1): the checksum is mandatory, and a computed 0 is sent as 0xffff.
import { ipv6Bytes, type Ipv6Address } from './addr.js';
import { plain, upperLayerChecksum, upperLayerChecksumOk, view } from './bytes.js';
import { NextHeader } from './ipv6.js';

export const UDP_HEADER_LENGTH = 8;

export interface UdpSpec {
  srcPort: number;
  dstPort: number;
  data?: Uint8Array;
  /** Forces the Length field; defaults to 8 + data length. A shorter value also bounds the checksum. */
  length?: number;
  /** Forces the checksum (0 sends the "no checksum" value IPv6 forbids). */
  checksum?: number;
}

export interface UdpDatagram {
  srcPort: number;
  dstPort: number;
  length: number;
  checksum: number;
  checksumOk: boolean;
  data: Uint8Array;
}

export function encodeUdp(spec: UdpSpec, src: Ipv6Address, dst: Ipv6Address): Uint8Array {
  const data = spec.data ?? new Uint8Array(0);
  const out = new Uint8Array(UDP_HEADER_LENGTH + data.length);
  const dv = view(out);
  dv.setUint16(0, spec.srcPort & 0xffff);
  dv.setUint16(2, spec.dstPort & 0xffff);
  dv.setUint16(4, (spec.length ?? out.length) & 0xffff);
  out.set(data, UDP_HEADER_LENGTH);
  let checksum = spec.checksum;
  if (checksum === undefined) {
    // A forced Length shorter than the data bounds the checksum, as receivers verify it (see decodeUdp),
    // so the case tests the length handling and not a checksum failure.
    const covered = spec.length !== undefined && spec.length >= UDP_HEADER_LENGTH && spec.length < out.length ? spec.length : out.length;
    checksum = upperLayerChecksum(ipv6Bytes(src), ipv6Bytes(dst), NextHeader.udp, out.subarray(0, covered));
    if (checksum === 0) checksum = 0xffff;
  }
  dv.setUint16(6, checksum & 0xffff);
  return out;
}

/**
 * `bytes` is everything the IPv6 payload holds after the extension headers. A Length field
 * shorter than that bounds the datagram, checksum included (RFC 8200 §8.1, and what Linux does);
 * an impossible one is reported and the whole payload is used.
 */
export function decodeUdp(
  bytes: Uint8Array,
  addrs: { src: Uint8Array; dst: Uint8Array } | undefined,
  errors: string[],
): UdpDatagram | undefined {
  bytes = plain(bytes);
  if (bytes.length < UDP_HEADER_LENGTH) {
    errors.push(`udp: truncated (${bytes.length} of at least 8 bytes)`);
    return undefined;
  }
  const dv = view(bytes);
  const length = dv.getUint16(4);
  const checksum = dv.getUint16(6);
  if (length < UDP_HEADER_LENGTH || length > bytes.length) {
    errors.push(`udp: length ${length} does not match the ${bytes.length} bytes of payload`);
  }
  const end = length >= UDP_HEADER_LENGTH && length <= bytes.length ? length : bytes.length;
  let checksumOk = addrs !== undefined && upperLayerChecksumOk(addrs.src, addrs.dst, NextHeader.udp, bytes.subarray(0, end));
  if (checksum === 0) {
    checksumOk = false;
    errors.push('udp: zero checksum (not allowed over IPv6)');
  } else if (addrs !== undefined && !checksumOk) {
    errors.push(`udp: bad checksum 0x${checksum.toString(16).padStart(4, '0')}`);
  }
  return { srcPort: dv.getUint16(0), dstPort: dv.getUint16(2), length, checksum, checksumOk, data: bytes.slice(UDP_HEADER_LENGTH, end) };
}
