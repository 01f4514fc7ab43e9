// Decodes ICMPv6 messages without ever throwing: fields that are missing turn the message into
// `type: 'other'` and add an error.
import { formatIpv6 } from './addr.js';
import { plain, upperLayerChecksumOk, view } from './bytes.js';
import { NextHeader } from './ipv6.js';
import { decodeNdOptions } from './nd-options.js';
import { Icmpv6Type, type Icmpv6Message, type MldAddressRecord } from './icmpv6-types.js';

/** Bytes after type, code and checksum each type needs before its variable part. */
const FIXED: Record<number, number> = {
  [Icmpv6Type.destinationUnreachable]: 4,
  [Icmpv6Type.packetTooBig]: 4,
  [Icmpv6Type.timeExceeded]: 4,
  [Icmpv6Type.parameterProblem]: 4,
  [Icmpv6Type.echoRequest]: 4,
  [Icmpv6Type.echoReply]: 4,
  [Icmpv6Type.mldQuery]: 20,
  [Icmpv6Type.mldReport]: 20,
  [Icmpv6Type.mldDone]: 20,
  [Icmpv6Type.routerSolicitation]: 4,
  [Icmpv6Type.routerAdvertisement]: 12,
  [Icmpv6Type.neighborSolicitation]: 20,
  [Icmpv6Type.neighborAdvertisement]: 20,
  [Icmpv6Type.redirect]: 36,
  [Icmpv6Type.mldv2Report]: 4,
};

/**
 * `src`/`dst` are the raw addresses of the carrying IPv6 header (undefined: checksum not checkable).
 * `decodeInvoking` decodes the packet quoted by error messages.
 */
export function decodeIcmpv6<P>(
  bytes: Uint8Array,
  addrs: { src: Uint8Array; dst: Uint8Array } | undefined,
  errors: string[],
  decodeInvoking: (packet: Uint8Array) => P,
): Icmpv6Message<P> | undefined {
  bytes = plain(bytes);
  if (bytes.length < 4) {
    errors.push(`icmpv6: truncated (${bytes.length} of at least 4 bytes)`);
    return undefined;
  }
  const dv = view(bytes);
  const icmpType = bytes[0] as number;
  const checksumOk = addrs !== undefined && upperLayerChecksumOk(addrs.src, addrs.dst, NextHeader.icmpv6, bytes);
  const common = { icmpType, code: bytes[1] as number, checksum: dv.getUint16(2), checksumOk, length: bytes.length };
  if (addrs !== undefined && !checksumOk) errors.push(`icmpv6: bad checksum 0x${common.checksum.toString(16).padStart(4, '0')}`);
  const body = bytes.subarray(4);
  const b = view(body);
  const need = FIXED[icmpType];
  if (need === undefined) return { ...common, type: 'other', body: body.slice() };
  if (body.length < need) {
    errors.push(`icmpv6: type ${icmpType} truncated (${body.length} of at least ${need} bytes after the checksum)`);
    return { ...common, type: 'other', body: body.slice() };
  }
  const addr = (at: number) => formatIpv6(body.subarray(at, at + 16));
  const quoted = () => {
    const invoking = body.slice(4);
    return { invoking, invokingPacket: decodeInvoking(invoking) };
  };
  switch (icmpType) {
    case Icmpv6Type.echoRequest:
    case Icmpv6Type.echoReply:
      return {
        ...common,
        type: icmpType === Icmpv6Type.echoRequest ? 'echo-request' : 'echo-reply',
        id: b.getUint16(0),
        seq: b.getUint16(2),
        data: body.slice(4),
      };
    case Icmpv6Type.destinationUnreachable:
    case Icmpv6Type.timeExceeded:
      return {
        ...common,
        type: icmpType === Icmpv6Type.timeExceeded ? 'time-exceeded' : 'destination-unreachable',
        unused: b.getUint32(0),
        ...quoted(),
      };
    case Icmpv6Type.packetTooBig:
      return { ...common, type: 'packet-too-big', mtu: b.getUint32(0), ...quoted() };
    case Icmpv6Type.parameterProblem:
      return { ...common, type: 'parameter-problem', pointer: b.getUint32(0), ...quoted() };
    case Icmpv6Type.routerSolicitation:
      return { ...common, type: 'router-solicitation', reserved: b.getUint32(0), options: decodeNdOptions(body.subarray(4), errors) };
    case Icmpv6Type.routerAdvertisement: {
      const flags = body[1] as number;
      return {
        ...common,
        type: 'router-advertisement',
        curHopLimit: body[0] as number,
        managed: (flags & 0x80) !== 0,
        other: (flags & 0x40) !== 0,
        flags,
        routerLifetime: b.getUint16(2),
        reachableTime: b.getUint32(4),
        retransTimer: b.getUint32(8),
        options: decodeNdOptions(body.subarray(12), errors),
      };
    }
    case Icmpv6Type.neighborSolicitation:
      return {
        ...common,
        type: 'neighbor-solicitation',
        reserved: b.getUint32(0),
        target: addr(4),
        options: decodeNdOptions(body.subarray(20), errors),
      };
    case Icmpv6Type.neighborAdvertisement: {
      const word = b.getUint32(0);
      return {
        ...common,
        type: 'neighbor-advertisement',
        router: (word & 0x80000000) !== 0,
        solicited: (word & 0x40000000) !== 0,
        override: (word & 0x20000000) !== 0,
        reserved: word & 0x1fffffff,
        target: addr(4),
        options: decodeNdOptions(body.subarray(20), errors),
      };
    }
    case Icmpv6Type.redirect:
      return {
        ...common,
        type: 'redirect',
        reserved: b.getUint32(0),
        target: addr(4),
        destination: addr(20),
        options: decodeNdOptions(body.subarray(36), errors),
      };
    case Icmpv6Type.mldQuery: {
      const query = { ...common, type: 'mld-query' as const, maxResponse: b.getUint16(0), multicastAddress: addr(4) };
      // RFC 3810 §8.1: 24 bytes is MLDv1, 28 or more is MLDv2.
      if (body.length < 24) return query;
      const count = b.getUint16(22);
      const sources = readAddresses(body, 24, count, 'mld query', errors);
      const flags = body[20] as number;
      return { ...query, v2: { sFlag: (flags & 0x08) !== 0, qrv: flags & 0x07, qqic: body[21] as number, sources } };
    }
    case Icmpv6Type.mldReport:
    case Icmpv6Type.mldDone:
      return {
        ...common,
        type: icmpType === Icmpv6Type.mldReport ? 'mld-report' : 'mld-done',
        maxResponse: b.getUint16(0),
        multicastAddress: addr(4),
      };
    case Icmpv6Type.mldv2Report:
      return { ...common, type: 'mldv2-report', records: decodeMldRecords(body, b.getUint16(2), errors) };
    default:
      return { ...common, type: 'other', body: body.slice() };
  }
}

function readAddresses(bytes: Uint8Array, at: number, count: number, what: string, errors: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const start = at + 16 * i;
    if (start + 16 > bytes.length) {
      errors.push(`${what}: ${count} sources announced, only ${i} present`);
      break;
    }
    out.push(formatIpv6(bytes.subarray(start, start + 16)));
  }
  return out;
}

function decodeMldRecords(body: Uint8Array, count: number, errors: string[]): MldAddressRecord[] {
  const records: MldAddressRecord[] = [];
  let at = 4;
  for (let i = 0; i < count; i++) {
    if (at + 20 > body.length) {
      errors.push(`mldv2 report: ${count} records announced, only ${i} present`);
      break;
    }
    const nSources = view(body).getUint16(at + 2);
    const auxDataLen = body[at + 1] as number;
    const end = at + 20 + 16 * nSources + 4 * auxDataLen;
    if (end > body.length) {
      errors.push(`mldv2 report: record ${i} overruns the message`);
      break;
    }
    records.push({
      recordType: body[at] as number,
      auxDataLen,
      multicastAddress: formatIpv6(body.subarray(at + 4, at + 20)),
      sources: readAddresses(body, at + 20, nSources, 'mldv2 record', errors),
      auxData: body.slice(at + 20 + 16 * nSources, end),
    });
    at = end;
  }
  return records;
}
