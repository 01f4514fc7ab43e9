// One call to build or decode a whole Ethernet frame, as the conformance engine sends and sees them.
import { concatBytes, plain } from './bytes.js';
import { decodeEthernetHeader, encodeEthernetHeader, ETHERNET_HEADER_LENGTH, ETHERTYPE_IPV6, type EthernetHeader, type EthernetSpec } from './ethernet.js';
import type { ExtensionHeaderSpec } from './extension-headers.js';
import type { Icmpv6Spec } from './icmpv6-types.js';
import type { Ipv6Spec } from './ipv6.js';
import { buildIpv6Packet, decodeIpv6Packet, type DecodedPacket } from './packet.js';
import type { UdpSpec } from './udp.js';

export interface FrameSpec {
  eth: EthernetSpec;
  /** Without it the frame carries `payload.bytes` right after the Ethernet header. */
  ipv6?: Ipv6Spec;
  extensionHeaders?: ExtensionHeaderSpec[];
  icmpv6?: Icmpv6Spec;
  udp?: UdpSpec;
  payload?: { nextHeader?: number; bytes: Uint8Array };
  /** Bytes appended after the packet (padding, or junk beyond the payload length). */
  trailer?: Uint8Array;
}

export interface DecodedFrame extends DecodedPacket {
  eth?: EthernetHeader;
  /** Bytes after the Ethernet header when the ethertype is not IPv6. */
  etherPayload?: Uint8Array;
  /** Length of the whole frame. */
  length: number;
}

/** Throws only on impossible requests (bad address text, two upper layers); wrong field values are fine. */
export function buildFrame(spec: FrameSpec): Uint8Array {
  const trailer = spec.trailer ?? new Uint8Array(0);
  if (!spec.ipv6) {
    if (spec.icmpv6 || spec.udp || spec.extensionHeaders) throw new Error('icmpv6, udp and extension headers need an ipv6 header');
    return concatBytes([encodeEthernetHeader(spec.eth), spec.payload?.bytes ?? new Uint8Array(0), trailer]);
  }
  const { eth, trailer: _, ...packetSpec } = spec;
  const packet = buildIpv6Packet({ ...packetSpec, ipv6: spec.ipv6 });
  return concatBytes([encodeEthernetHeader(eth, ETHERTYPE_IPV6), packet, trailer]);
}

/** Decodes whatever arrives; never throws, and lists every problem in `errors`. */
export function decodeFrame(input: Uint8Array): DecodedFrame {
  const frame = plain(input);
  const eth = decodeEthernetHeader(frame);
  if (!eth) {
    return { extensionHeaders: [], errors: [`ethernet: truncated (${frame.length} of 14 bytes)`], length: frame.length };
  }
  const rest = frame.subarray(ETHERNET_HEADER_LENGTH);
  if (eth.ethertype !== ETHERTYPE_IPV6) {
    return { eth, etherPayload: rest.slice(), extensionHeaders: [], errors: [], length: frame.length };
  }
  return { eth, ...decodeIpv6Packet(rest), length: frame.length };
}
