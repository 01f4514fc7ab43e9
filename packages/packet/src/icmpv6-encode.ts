// Encodes ICMPv6 messages; the checksum needs the addresses of the IPv6 header it will travel in.
import { ipv6Bytes, type Ipv6Address } from './addr.js';
import { concatBytes, upperLayerChecksum, view } from './bytes.js';
import { NextHeader } from './ipv6.js';
import { encodeNdOptions } from './nd-options.js';
import { Icmpv6Type, type Icmpv6Spec, type MldAddressRecordSpec } from './icmpv6-types.js';

/** Type number and the bytes after type, code and checksum. */
function typeAndBody(spec: Icmpv6Spec): { icmpType: number; body: Uint8Array } {
  const fixed = (n: number) => {
    const b = new Uint8Array(n);
    return { b, dv: view(b) };
  };
  switch (spec.type) {
    case 'echo-request':
    case 'echo-reply': {
      const { b, dv } = fixed(4);
      dv.setUint16(0, spec.id & 0xffff);
      dv.setUint16(2, spec.seq & 0xffff);
      const icmpType = spec.type === 'echo-request' ? Icmpv6Type.echoRequest : Icmpv6Type.echoReply;
      return { icmpType, body: concatBytes([b, spec.data ?? new Uint8Array(0)]) };
    }
    case 'destination-unreachable':
    case 'time-exceeded':
    case 'packet-too-big':
    case 'parameter-problem': {
      const { b, dv } = fixed(4);
      const word = spec.type === 'packet-too-big' ? spec.mtu : spec.type === 'parameter-problem' ? spec.pointer : (spec.unused ?? 0);
      dv.setUint32(0, word >>> 0);
      const icmpType = {
        'destination-unreachable': Icmpv6Type.destinationUnreachable,
        'packet-too-big': Icmpv6Type.packetTooBig,
        'time-exceeded': Icmpv6Type.timeExceeded,
        'parameter-problem': Icmpv6Type.parameterProblem,
      }[spec.type];
      return { icmpType, body: concatBytes([b, spec.invoking]) };
    }
    case 'router-solicitation': {
      const { b, dv } = fixed(4);
      dv.setUint32(0, (spec.reserved ?? 0) >>> 0);
      return { icmpType: Icmpv6Type.routerSolicitation, body: concatBytes([b, ...encodeNdOptions(spec.options)]) };
    }
    case 'router-advertisement': {
      const { b, dv } = fixed(12);
      b[0] = (spec.curHopLimit ?? 0) & 0xff;
      b[1] = spec.flags ?? ((spec.managed ? 0x80 : 0) | (spec.other ? 0x40 : 0));
      dv.setUint16(2, spec.routerLifetime & 0xffff);
      dv.setUint32(4, (spec.reachableTime ?? 0) >>> 0);
      dv.setUint32(8, (spec.retransTimer ?? 0) >>> 0);
      return { icmpType: Icmpv6Type.routerAdvertisement, body: concatBytes([b, ...encodeNdOptions(spec.options)]) };
    }
    case 'neighbor-solicitation':
    case 'neighbor-advertisement': {
      const { b, dv } = fixed(20);
      let word = (spec.reserved ?? 0) >>> 0;
      if (spec.type === 'neighbor-advertisement') {
        word = ((spec.router ? 1 << 31 : 0) | (spec.solicited ? 1 << 30 : 0) | (spec.override ? 1 << 29 : 0) | (word & 0x1fffffff)) >>> 0;
      }
      dv.setUint32(0, word);
      b.set(ipv6Bytes(spec.target), 4);
      const icmpType = spec.type === 'neighbor-solicitation' ? Icmpv6Type.neighborSolicitation : Icmpv6Type.neighborAdvertisement;
      return { icmpType, body: concatBytes([b, ...encodeNdOptions(spec.options)]) };
    }
    case 'redirect': {
      const { b, dv } = fixed(36);
      dv.setUint32(0, (spec.reserved ?? 0) >>> 0);
      b.set(ipv6Bytes(spec.target), 4);
      b.set(ipv6Bytes(spec.destination), 20);
      return { icmpType: Icmpv6Type.redirect, body: concatBytes([b, ...encodeNdOptions(spec.options)]) };
    }
    case 'mld-query':
    case 'mld-report':
    case 'mld-done': {
      const { b, dv } = fixed(20);
      dv.setUint16(0, (spec.maxResponse ?? 0) & 0xffff);
      b.set(ipv6Bytes(spec.multicastAddress ?? '::'), 4);
      if (spec.type !== 'mld-query') {
        return { icmpType: spec.type === 'mld-report' ? Icmpv6Type.mldReport : Icmpv6Type.mldDone, body: b };
      }
      if (!spec.v2) return { icmpType: Icmpv6Type.mldQuery, body: b };
      const sources = spec.v2.sources ?? [];
      const v2 = new Uint8Array(4 + 16 * sources.length);
      v2[0] = (spec.v2.sFlag ? 0x08 : 0) | ((spec.v2.qrv ?? 2) & 0x07);
      v2[1] = (spec.v2.qqic ?? 125) & 0xff;
      view(v2).setUint16(2, sources.length);
      sources.forEach((s, i) => v2.set(ipv6Bytes(s), 4 + 16 * i));
      return { icmpType: Icmpv6Type.mldQuery, body: concatBytes([b, v2]) };
    }
    case 'mldv2-report': {
      const { b, dv } = fixed(4);
      dv.setUint16(2, spec.records.length);
      return { icmpType: Icmpv6Type.mldv2Report, body: concatBytes([b, ...spec.records.map(encodeMldRecord)]) };
    }
    case 'other':
      return { icmpType: spec.icmpType, body: spec.body };
  }
}

function encodeMldRecord(r: MldAddressRecordSpec): Uint8Array {
  const sources = r.sources ?? [];
  const aux = r.auxData ?? new Uint8Array(0);
  const out = new Uint8Array(20 + 16 * sources.length + aux.length);
  out[0] = r.recordType & 0xff;
  out[1] = (aux.length >> 2) & 0xff;
  view(out).setUint16(2, sources.length);
  out.set(ipv6Bytes(r.multicastAddress), 4);
  sources.forEach((s, i) => out.set(ipv6Bytes(s), 20 + 16 * i));
  out.set(aux, 20 + 16 * sources.length);
  return out;
}

/**
 * The ICMPv6 message bytes. `src`/`dst` feed the pseudo-header and should be those of the IPv6
 * header (the final destination if a routing header is used).
 */
export function encodeIcmpv6(spec: Icmpv6Spec, src: Ipv6Address, dst: Ipv6Address): Uint8Array {
  const { icmpType, body } = typeAndBody(spec);
  const out = new Uint8Array(4 + body.length);
  out[0] = (spec.icmpType ?? icmpType) & 0xff;
  out[1] = (spec.code ?? 0) & 0xff;
  out.set(body, 4);
  const checksum = spec.checksum ?? upperLayerChecksum(ipv6Bytes(src), ipv6Bytes(dst), NextHeader.icmpv6, out);
  view(out).setUint16(2, checksum & 0xffff);
  return out;
}

/** Neighbor Discovery and MLD must be sent with hop limit 255 and 1, so the builder defaults to those. */
export function defaultHopLimit(spec: Icmpv6Spec | undefined): number {
  switch (spec?.type) {
    case 'router-solicitation':
    case 'router-advertisement':
    case 'neighbor-solicitation':
    case 'neighbor-advertisement':
    case 'redirect':
      return 255;
    case 'mld-query':
    case 'mld-report':
    case 'mld-done':
    case 'mldv2-report':
      return 1;
    default:
      return 64;
  }
}
