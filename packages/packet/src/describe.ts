// One line per frame for case logs, in the spirit of `tcpdump -nn`.
import type { ExtensionHeader } from './extension-headers.js';
import type { DecodedFrame } from './frame.js';
import type { Icmpv6Message } from './icmpv6-types.js';
import { protocolName } from './ipv6.js';
import type { NdOption } from './nd-options.js';
import type { DecodedPacket } from './packet.js';

function describeOption(o: NdOption): string {
  switch (o.type) {
    case 'source-lla':
      return `sll ${o.mac}`;
    case 'target-lla':
      return `tll ${o.mac}`;
    case 'prefix-info':
      return `prefix ${o.prefix}/${o.prefixLength}${o.onLink ? ' L' : ''}${o.autonomous ? ' A' : ''} valid ${o.validLifetime} pref ${o.preferredLifetime}`;
    case 'mtu':
      return `mtu ${o.mtu}`;
    case 'redirected-header':
      return `redirected header ${o.packet.length}b`;
    case 'other':
      return `opt ${o.optionType} len ${o.length}`;
  }
}

function options(list: NdOption[]): string {
  return list.length ? ` [${list.map(describeOption).join(', ')}]` : '';
}

function quoted(p: DecodedPacket): string {
  return p.ipv6 ? ` (for ${p.ipv6.src} > ${p.ipv6.dst} ${upper(p)})` : '';
}

function describeIcmpv6(m: Icmpv6Message<DecodedPacket>): string {
  const code = m.code !== 0 ? ` code ${m.code}` : '';
  const body = ((): string => {
    switch (m.type) {
      case 'echo-request':
      case 'echo-reply':
        return `echo ${m.type === 'echo-request' ? 'request' : 'reply'}, id ${m.id}, seq ${m.seq}, ${m.data.length} data bytes`;
      case 'destination-unreachable':
      case 'time-exceeded':
        return `${m.type.replace('-', ' ')}${code}${quoted(m.invokingPacket)}`;
      case 'packet-too-big':
        return `packet too big, mtu ${m.mtu}${quoted(m.invokingPacket)}`;
      case 'parameter-problem':
        return `parameter problem${code}, pointer ${m.pointer}${quoted(m.invokingPacket)}`;
      case 'router-solicitation':
        return `router solicitation${options(m.options)}`;
      case 'router-advertisement':
        return `router advertisement, hlim ${m.curHopLimit}, lifetime ${m.routerLifetime}s${m.managed ? ' M' : ''}${m.other ? ' O' : ''}${options(m.options)}`;
      case 'neighbor-solicitation':
        return `neighbor solicitation, who has ${m.target}${options(m.options)}`;
      case 'neighbor-advertisement': {
        const flags = `${m.router ? 'R' : ''}${m.solicited ? 'S' : ''}${m.override ? 'O' : ''}`;
        return `neighbor advertisement, tgt is ${m.target}${flags ? `, flags ${flags}` : ''}${options(m.options)}`;
      }
      case 'redirect':
        return `redirect, ${m.destination} to ${m.target}${options(m.options)}`;
      case 'mld-query':
        return `multicast listener query${m.v2 ? ' v2' : ''} ${m.multicastAddress}`;
      case 'mld-report':
      case 'mld-done':
        return `multicast listener ${m.type === 'mld-report' ? 'report' : 'done'} ${m.multicastAddress}`;
      case 'mldv2-report':
        return `multicast listener report v2, ${m.records.length} record(s): ${m.records.map((r) => `${r.recordType}:${r.multicastAddress}`).join(' ')}`;
      case 'other':
        return `type ${m.icmpType}${code}, ${m.body.length} bytes`;
    }
  })();
  return `ICMP6, ${body}${m.checksumOk ? '' : ' [bad cksum]'}`;
}

function describeExtension(h: ExtensionHeader): string {
  switch (h.type) {
    case 'hop-by-hop':
    case 'destination-options':
      return `${h.type === 'hop-by-hop' ? 'HBH' : 'DSTOPT'}(${h.options.filter((o) => o.type > 1).map((o) => `opt ${o.type}`).join(' ')})`;
    case 'routing':
      return `RT(type ${h.routingType}, left ${h.segmentsLeft})`;
    case 'fragment':
      return `frag(id ${h.id}, off ${h.fragmentOffset * 8}${h.more ? ', M' : ''})`;
    case 'ah':
      return `AH(spi 0x${h.spi.toString(16)}, seq ${h.seq})`;
  }
}

function upper(p: DecodedPacket): string {
  if (p.icmpv6) return describeIcmpv6(p.icmpv6);
  if (p.udp) return `UDP, ${p.udp.srcPort} > ${p.udp.dstPort}, length ${p.udp.data.length}${p.udp.checksumOk ? '' : ' [bad udp cksum]'}`;
  if (p.payload) return `${protocolName(p.payload.nextHeader)}, ${p.payload.bytes.length} bytes`;
  return protocolName(p.upperLayerProtocol ?? 59);
}

export function describePacket(p: DecodedPacket): string {
  if (!p.ipv6) return 'truncated IPv6 header';
  const ip = p.ipv6;
  const exts = p.extensionHeaders.map(describeExtension).join(' ');
  return `${ip.src} > ${ip.dst}: ${exts ? `${exts} ` : ''}${upper(p)} (hlim ${ip.hopLimit}, plen ${ip.payloadLength})`;
}

/** e.g. `52:54:00:00:00:01 > 33:33:00:00:00:01, fe80::1 > ff02::1: ICMP6, echo request, id 1, seq 1, 0 data bytes (hlim 64, plen 8)`. */
export function describeFrame(frame: DecodedFrame): string {
  const errors = frame.errors.length ? ` !! ${frame.errors.join('; ')}` : '';
  if (!frame.eth) return `${frame.length} bytes${errors}`;
  const link = `${frame.eth.src} > ${frame.eth.dst}`;
  if (frame.etherPayload) return `${link}, ethertype 0x${frame.eth.ethertype.toString(16).padStart(4, '0')}, ${frame.etherPayload.length} bytes${errors}`;
  return `${link}, ${describePacket(frame)}${errors}`;
}
