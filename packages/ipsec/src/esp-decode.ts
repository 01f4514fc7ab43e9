// Decoding an IPv6 packet that carries ESP: the outer packet as @testlab/packet sees it, the
// opened ESP, and what was inside decoded again (the inner packet, or the packet with ESP removed).
import { concatBytes, decodeEthernetHeader, decodeIpv6Packet, ETHERNET_HEADER_LENGTH, ETHERTYPE_IPV6, IPV6_HEADER_LENGTH, NextHeader, type DecodedPacket } from '@testlab/packet';
import { copyBytes } from './bytes.js';
import { openEsp, type OpenedEsp } from './esp-open.js';
import { IPV6_IN_IPV6 } from './protocols.js';
import type { SecurityAssociation } from './sa.js';

export interface DecodedEspPacket {
  /** The packet as sent; its payload (Next Header 50) is the ESP. */
  outer: DecodedPacket;
  esp?: OpenedEsp;
  /** Next Header 41 inside: tunnel mode. */
  mode?: 'transport' | 'tunnel';
  /** Tunnel mode: the inner packet. Transport mode: the packet rebuilt as the receiver hands it up, ESP removed. */
  inner?: DecodedPacket;
  /**
   * TFC padding (RFC 4303 §2.7): bytes after the inner packet's end in tunnel mode, or after the
   * UDP datagram in transport mode. Other upper layers carry no length, so there it cannot be told apart.
   */
  tfcPadding?: Uint8Array;
  /** Everything wrong, outer packet first; empty for a good packet. */
  errors: string[];
}

/**
 * Removes ESP from the packet: the header before it names ESP's Next Header, the payload length
 * shrinks to fit. This is how RFC 4303 §3.4.4.1 has a transport-mode receiver rebuild the datagram.
 */
function withoutEsp(packet: Uint8Array, outer: DecodedPacket, espOffset: number, esp: OpenedEsp): Uint8Array {
  const head = copyBytes(packet.subarray(0, espOffset));
  const last = outer.extensionHeaders[outer.extensionHeaders.length - 1];
  head[last ? last.offset : 6] = esp.nextHeader as number;
  const payloadLength = espOffset - IPV6_HEADER_LENGTH + (esp.payload as Uint8Array).length;
  head[4] = (payloadLength >>> 8) & 0xff;
  head[5] = payloadLength & 0xff;
  return concatBytes([head, esp.payload as Uint8Array]);
}

/** Decodes an IPv6 packet from its first header byte; never throws. */
export function decodeEspPacket(input: Uint8Array, sa: SecurityAssociation): DecodedEspPacket {
  const packet = copyBytes(input);
  const outer = decodeIpv6Packet(packet);
  const errors = [...outer.errors];
  const result: DecodedEspPacket = { outer, errors };
  if (outer.payload?.nextHeader !== NextHeader.esp) {
    errors.push(`esp: the packet carries no ESP (its header chain ends on protocol ${outer.upperLayerProtocol ?? 'none'})`);
    return result;
  }
  if (outer.extensionHeaders.some((h) => h.type === 'fragment')) {
    errors.push('esp: the packet is a fragment; reassemble it before opening ESP (RFC 4303 §3.4.1)');
    return result;
  }
  const espBytes = outer.payload.bytes;
  const esp = openEsp(espBytes, sa);
  result.esp = esp;
  errors.push(...esp.errors);
  if (esp.payload === undefined || esp.dummy) return result;
  result.mode = esp.nextHeader === IPV6_IN_IPV6 ? 'tunnel' : 'transport';
  if (result.mode !== sa.mode) errors.push(`esp: the SA is in ${sa.mode} mode, but ESP carries ${result.mode === 'tunnel' ? 'an IPv6 packet (41)' : `protocol ${esp.nextHeader}`}`);
  if (result.mode === 'tunnel') {
    const inner = decodeIpv6Packet(esp.payload);
    result.inner = inner;
    if (inner.trailer) result.tfcPadding = inner.trailer;
    errors.push(...inner.errors.map((e) => `inner ${e}`));
  } else {
    const espOffset = IPV6_HEADER_LENGTH + outer.extensionHeaders.reduce((n, h) => n + h.length, 0);
    const rebuilt = withoutEsp(packet, outer, espOffset, esp);
    const inner = decodeIpv6Packet(rebuilt);
    result.inner = inner;
    const udpStart = IPV6_HEADER_LENGTH + inner.extensionHeaders.reduce((n, h) => n + h.length, 0);
    if (inner.udp && udpStart + inner.udp.length < rebuilt.length) result.tfcPadding = rebuilt.slice(udpStart + inner.udp.length);
    errors.push(...inner.errors.map((e) => `inner ${e}`));
  }
  return result;
}

/** The same for a captured Ethernet frame; a frame that is not IPv6 is reported, not thrown. */
export function decodeEspFrame(frame: Uint8Array, sa: SecurityAssociation): DecodedEspPacket {
  const eth = decodeEthernetHeader(frame);
  if (!eth || eth.ethertype !== ETHERTYPE_IPV6) {
    const why = eth ? `ethertype 0x${eth.ethertype.toString(16).padStart(4, '0')} is not IPv6` : `truncated (${frame.length} of 14 bytes)`;
    return { outer: { extensionHeaders: [], errors: [] }, errors: [`ethernet: ${why}`] };
  }
  return decodeEspPacket(frame.subarray(ETHERNET_HEADER_LENGTH), sa);
}
