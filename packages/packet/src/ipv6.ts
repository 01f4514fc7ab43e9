// The fixed 40-byte IPv6 header (RFC 8200 §3). Every field can be forced to a wrong value.
import { formatIpv6, ipv6Bytes, type Ipv6Address } from './addr.js';
import { view } from './bytes.js';

export const IPV6_HEADER_LENGTH = 40;

/** Next Header values the packet layer knows by name. */
export const NextHeader = {
  hopByHop: 0,
  tcp: 6,
  udp: 17,
  routing: 43,
  fragment: 44,
  esp: 50,
  ah: 51,
  icmpv6: 58,
  noNextHeader: 59,
  destinationOptions: 60,
} as const;

/** Lower-case name of a Next Header value, for messages and descriptions. */
export function protocolName(protocol: number): string {
  switch (protocol) {
    case NextHeader.hopByHop:
      return 'hop-by-hop';
    case NextHeader.routing:
      return 'routing';
    case NextHeader.fragment:
      return 'fragment';
    case NextHeader.ah:
      return 'ah';
    case NextHeader.esp:
      return 'esp';
    case NextHeader.destinationOptions:
      return 'destination-options';
    case NextHeader.icmpv6:
      return 'icmpv6';
    case NextHeader.udp:
      return 'udp';
    case NextHeader.tcp:
      return 'tcp';
    case NextHeader.noNextHeader:
      return 'no-next-header';
    default:
      return `protocol ${protocol}`;
  }
}

export interface Ipv6Spec {
  src: Ipv6Address;
  dst: Ipv6Address;
  /** Defaults to 64; 255 for Neighbor Discovery (RFC 4861 requires it), 1 for MLD (RFC 3810 sends it so). */
  hopLimit?: number;
  /** 4 bits; defaults to 6. */
  version?: number;
  trafficClass?: number;
  /** 20 bits. */
  flowLabel?: number;
  /** Defaults to the real length of everything after this header. */
  payloadLength?: number;
  /** Defaults to the first extension header's or the upper layer's protocol number. */
  nextHeader?: number;
}

export interface Ipv6Header {
  version: number;
  trafficClass: number;
  flowLabel: number;
  payloadLength: number;
  nextHeader: number;
  hopLimit: number;
  src: string;
  dst: string;
}

export function encodeIpv6Header(
  spec: Ipv6Spec,
  defaults: { payloadLength: number; nextHeader: number; hopLimit: number },
): Uint8Array {
  const out = new Uint8Array(IPV6_HEADER_LENGTH);
  const dv = view(out);
  const version = (spec.version ?? 6) & 0xf;
  const tc = (spec.trafficClass ?? 0) & 0xff;
  const flow = (spec.flowLabel ?? 0) & 0xfffff;
  dv.setUint32(0, ((version << 28) | (tc << 20) | flow) >>> 0);
  dv.setUint16(4, (spec.payloadLength ?? defaults.payloadLength) & 0xffff);
  out[6] = (spec.nextHeader ?? defaults.nextHeader) & 0xff;
  out[7] = (spec.hopLimit ?? defaults.hopLimit) & 0xff;
  out.set(ipv6Bytes(spec.src), 8);
  out.set(ipv6Bytes(spec.dst), 24);
  return out;
}

/** Undefined when fewer than 40 bytes are there; the caller reports that. */
export function decodeIpv6Header(bytes: Uint8Array): Ipv6Header | undefined {
  if (bytes.length < IPV6_HEADER_LENGTH) return undefined;
  const dv = view(bytes);
  const first = dv.getUint32(0);
  return {
    version: first >>> 28,
    trafficClass: (first >>> 20) & 0xff,
    flowLabel: first & 0xfffff,
    payloadLength: dv.getUint16(4),
    nextHeader: bytes[6] as number,
    hopLimit: bytes[7] as number,
    src: formatIpv6(bytes.subarray(8, 24)),
    dst: formatIpv6(bytes.subarray(24, 40)),
  };
}
