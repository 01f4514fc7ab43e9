// A whole IPv6 packet: header, extension header chain and one upper layer, built or walked.
import { concatBytes, plain } from './bytes.js';
import {
  decodeExtensionHeader,
  encodeExtensionHeader,
  isExtensionHeader,
  specProtocol,
  type ExtensionHeader,
  type ExtensionHeaderSpec,
} from './extension-headers.js';
import { decodeIcmpv6 } from './icmpv6-decode.js';
import { defaultHopLimit, encodeIcmpv6 } from './icmpv6-encode.js';
import type { Icmpv6Message, Icmpv6Spec } from './icmpv6-types.js';
import { decodeIpv6Header, encodeIpv6Header, IPV6_HEADER_LENGTH, NextHeader, type Ipv6Header, type Ipv6Spec } from './ipv6.js';
import { decodeUdp, encodeUdp, type UdpDatagram, type UdpSpec } from './udp.js';

export interface PacketSpec {
  ipv6: Ipv6Spec;
  /** In wire order; each Next Header defaults to the protocol of what follows it. */
  extensionHeaders?: ExtensionHeaderSpec[];
  /** At most one of icmpv6, udp and payload; none means Next Header 59 with nothing after it. */
  icmpv6?: Icmpv6Spec;
  udp?: UdpSpec;
  /** Raw upper layer under any protocol number (default 59). */
  payload?: { nextHeader?: number; bytes: Uint8Array };
}

export interface DecodedPacket {
  ipv6?: Ipv6Header;
  extensionHeaders: ExtensionHeader[];
  /** The Next Header value the walk ended on (upper layer, 59, or where the chain broke). */
  upperLayerProtocol?: number;
  icmpv6?: Icmpv6Message<DecodedPacket>;
  udp?: UdpDatagram;
  /**
   * Upper-layer bytes left undecoded: an unknown protocol, ESP, a fragment (no reassembly here),
   * bytes after No Next Header, or a header that could not be parsed.
   */
  payload?: { nextHeader: number; bytes: Uint8Array };
  /** Bytes beyond the payload length, e.g. Ethernet padding. */
  trailer?: Uint8Array;
  /** Everything wrong with the packet, in the order found; empty for a well-formed packet. */
  errors: string[];
}

export function buildIpv6Packet(spec: PacketSpec): Uint8Array {
  const uppers = [spec.icmpv6, spec.udp, spec.payload].filter((u) => u !== undefined).length;
  if (uppers > 1) throw new Error('a packet carries at most one of icmpv6, udp and payload');
  const { src, dst } = spec.ipv6;
  let upper: Uint8Array;
  let upperProtocol: number;
  if (spec.icmpv6) {
    upper = encodeIcmpv6(spec.icmpv6, src, dst);
    upperProtocol = NextHeader.icmpv6;
  } else if (spec.udp) {
    upper = encodeUdp(spec.udp, src, dst);
    upperProtocol = NextHeader.udp;
  } else {
    upper = spec.payload?.bytes ?? new Uint8Array(0);
    upperProtocol = spec.payload?.nextHeader ?? NextHeader.noNextHeader;
  }
  const exts = spec.extensionHeaders ?? [];
  const encoded = exts.map((h, i) => {
    const following = exts[i + 1];
    return encodeExtensionHeader(h, following ? specProtocol(following) : upperProtocol);
  });
  const payload = concatBytes([...encoded, upper]);
  const first = exts[0];
  const header = encodeIpv6Header(spec.ipv6, {
    payloadLength: payload.length,
    nextHeader: first ? specProtocol(first) : upperProtocol,
    hopLimit: defaultHopLimit(spec.icmpv6),
  });
  return concatBytes([header, payload]);
}

/** How many ICMPv6 errors quoting ICMPv6 errors we follow before keeping the quote raw. */
const MAX_QUOTE_DEPTH = 3;

/** Decodes an IPv6 packet from its first header byte; never throws. */
export function decodeIpv6Packet(input: Uint8Array, depth = 0): DecodedPacket {
  const bytes = plain(input);
  const errors: string[] = [];
  const extensionHeaders: ExtensionHeader[] = [];
  const out: DecodedPacket = { extensionHeaders, errors };
  const ipv6 = decodeIpv6Header(bytes);
  if (!ipv6) {
    errors.push(`ipv6: truncated (${bytes.length} of 40 bytes)`);
    return out;
  }
  out.ipv6 = ipv6;
  if (ipv6.version !== 6) errors.push(`ipv6: version ${ipv6.version}`);
  const left = bytes.length - IPV6_HEADER_LENGTH;
  let payload: Uint8Array;
  if (ipv6.payloadLength > left) {
    errors.push(`ipv6: payload length ${ipv6.payloadLength} exceeds frame (${left} bytes left)`);
    payload = bytes.subarray(IPV6_HEADER_LENGTH);
  } else {
    payload = bytes.subarray(IPV6_HEADER_LENGTH, IPV6_HEADER_LENGTH + ipv6.payloadLength);
    if (left > ipv6.payloadLength) out.trailer = bytes.slice(IPV6_HEADER_LENGTH + ipv6.payloadLength);
  }

  let protocol = ipv6.nextHeader;
  let at = 0;
  let fragmented = false;
  while (isExtensionHeader(protocol)) {
    if (protocol === NextHeader.hopByHop && extensionHeaders.length > 0) {
      errors.push('hop-by-hop: not right after the IPv6 header (RFC 8200 §4.3)');
    }
    const header = decodeExtensionHeader(protocol, payload.subarray(at), IPV6_HEADER_LENGTH + at, errors);
    if (!header) {
      out.upperLayerProtocol = protocol;
      out.payload = { nextHeader: protocol, bytes: payload.slice(at) };
      return out;
    }
    extensionHeaders.push(header);
    at += header.length;
    protocol = header.nextHeader;
    if (header.type === 'fragment' && (header.fragmentOffset !== 0 || header.more)) {
      fragmented = true;
      break;
    }
  }
  out.upperLayerProtocol = protocol;
  const rest = payload.subarray(at);
  const addrs = { src: bytes.subarray(8, 24), dst: bytes.subarray(24, 40) };
  if (!fragmented && protocol === NextHeader.icmpv6) {
    const quote = (p: Uint8Array): DecodedPacket =>
      depth < MAX_QUOTE_DEPTH ? decodeIpv6Packet(p, depth + 1) : { extensionHeaders: [], errors: ['quoted packet nested too deep, not decoded'] };
    const icmpv6 = decodeIcmpv6(rest, addrs, errors, quote);
    if (icmpv6) out.icmpv6 = icmpv6;
    else out.payload = { nextHeader: protocol, bytes: rest.slice() };
  } else if (!fragmented && protocol === NextHeader.udp) {
    const udp = decodeUdp(rest, addrs, errors);
    if (udp) out.udp = udp;
    else out.payload = { nextHeader: protocol, bytes: rest.slice() };
  } else if (protocol !== NextHeader.noNextHeader || rest.length > 0) {
    out.payload = { nextHeader: protocol, bytes: rest.slice() };
  }
  return out;
}

