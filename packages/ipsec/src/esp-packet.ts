// Whole IPv6 packets carrying ESP, in transport mode (ESP protects the upper layer) or tunnel
// mode (ESP protects a whole inner IPv6 packet), built on @testlab/packet's encoders.
import { buildIpv6Packet, defaultHopLimit, IPV6_HEADER_LENGTH, NextHeader, type ExtensionHeaderSpec, type Ipv6Spec, type PacketSpec } from '@testlab/packet';
import { sealEsp, type EspContent, type EspFaults } from './esp-seal.js';
import { IPV6_IN_IPV6 } from './protocols.js';
import type { SecurityAssociation } from './sa.js';

/** An upper layer as @testlab/packet builds it, with the extension headers that go after the IPsec header. */
export type ProtectedUpper = Omit<PacketSpec, 'ipv6'>;

export interface IpsecPacketSpec {
  sa: SecurityAssociation;
  /** The (outer) IPv6 header; src and dst default to the SA's. */
  ipv6?: Partial<Ipv6Spec>;
  /** Headers in the clear before the IPsec header: hop-by-hop, routing, fragment, destination options. */
  extensionHeaders?: ExtensionHeaderSpec[];
  /** Transport mode: the upper layer (and headers after the IPsec header); checksums use the outer addresses. */
  upper?: ProtectedUpper;
  /** Tunnel mode: the whole inner packet, as a spec or as bytes (Next Header 41). */
  innerPacket?: PacketSpec | Uint8Array;
}

export interface EspPacketSpec extends IpsecPacketSpec {
  esp?: EspFaults;
}

export function outerIpv6(spec: IpsecPacketSpec): Ipv6Spec {
  return { ...spec.ipv6, src: spec.ipv6?.src ?? spec.sa.src, dst: spec.ipv6?.dst ?? spec.sa.dst };
}

/**
 * What the IPsec header protects, as Next Header and bytes. The mode comes from which of `upper`
 * and `innerPacket` is given, not from the SA, so a case can send the wrong one on purpose.
 */
export function protectedContent(spec: IpsecPacketSpec): EspContent {
  if ((spec.upper === undefined) === (spec.innerPacket === undefined)) {
    throw new Error('an IPsec packet carries exactly one of upper (transport mode) and innerPacket (tunnel mode)');
  }
  if (spec.innerPacket !== undefined) {
    const bytes = spec.innerPacket instanceof Uint8Array ? spec.innerPacket : buildIpv6Packet(spec.innerPacket);
    return { nextHeader: IPV6_IN_IPV6, bytes };
  }
  // Built as a packet of its own so ICMPv6/UDP checksums cover the real addresses, then unwrapped.
  const outer = outerIpv6(spec);
  const packet = buildIpv6Packet({ ...spec.upper, ipv6: { src: outer.src, dst: outer.dst } });
  return { nextHeader: packet[6] as number, bytes: packet.slice(IPV6_HEADER_LENGTH) };
}

export function buildEspPacket(spec: EspPacketSpec): Uint8Array {
  const content = protectedContent(spec);
  const ipv6 = outerIpv6(spec);
  return buildIpv6Packet({
    ipv6: { ...ipv6, hopLimit: ipv6.hopLimit ?? defaultHopLimit(spec.upper?.icmpv6) },
    extensionHeaders: spec.extensionHeaders,
    payload: { nextHeader: NextHeader.esp, bytes: sealEsp(spec.sa, content, spec.esp) },
  });
}
