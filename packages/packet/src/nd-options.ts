// Neighbor Discovery options (RFC 4861 §4.6): type, length in 8-octet units, body.
import { formatIpv6, formatMac, ipv6Bytes, macBytes, type Ipv6Address, type MacAddress } from './addr.js';
import { plain, view } from './bytes.js';

export const NdOptionType = { sourceLla: 1, targetLla: 2, prefixInfo: 3, redirectedHeader: 4, mtu: 5 } as const;

type LengthOverride = {
  /** Forces the Length field (8-octet units), e.g. 0, which receivers must drop (RFC 4861 §4.6). */
  length?: number;
};

export type NdOptionSpec = LengthOverride &
  (
    | { type: 'source-lla' | 'target-lla'; mac: MacAddress }
    | {
        type: 'prefix-info';
        prefix: Ipv6Address;
        prefixLength: number;
        onLink?: boolean;
        autonomous?: boolean;
        /** The whole flags byte; wins over onLink/autonomous when given. */
        flags?: number;
        validLifetime: number;
        preferredLifetime: number;
      }
    | { type: 'mtu'; mtu: number }
    /** The invoking packet, truncated and padded by the caller as it wishes (RFC 4861 §4.6.3). */
    | { type: 'redirected-header'; packet: Uint8Array }
    /** Any option type; `body` follows the type and length bytes and is zero-padded to 8n-2. */
    | { type: 'other'; optionType: number; body: Uint8Array }
  );

interface Common {
  optionType: number;
  /** Length field as received, 8-octet units. */
  length: number;
}

export type NdOption = Common &
  (
    | { type: 'source-lla' | 'target-lla'; mac: string }
    | {
        type: 'prefix-info';
        prefixLength: number;
        onLink: boolean;
        autonomous: boolean;
        flags: number;
        validLifetime: number;
        preferredLifetime: number;
        prefix: string;
      }
    | { type: 'mtu'; mtu: number }
    | { type: 'redirected-header'; packet: Uint8Array }
    /** Unknown types, and known types whose length is wrong for them; `body` follows type and length. */
    | { type: 'other'; body: Uint8Array }
  );

function optionBody(spec: NdOptionSpec): { optionType: number; body: Uint8Array } {
  switch (spec.type) {
    case 'source-lla':
    case 'target-lla':
      return { optionType: spec.type === 'source-lla' ? 1 : 2, body: macBytes(spec.mac) };
    case 'prefix-info': {
      const body = new Uint8Array(30);
      const dv = view(body);
      body[0] = spec.prefixLength & 0xff;
      body[1] = spec.flags ?? ((spec.onLink ? 0x80 : 0) | (spec.autonomous ? 0x40 : 0));
      dv.setUint32(2, spec.validLifetime >>> 0);
      dv.setUint32(6, spec.preferredLifetime >>> 0);
      body.set(ipv6Bytes(spec.prefix), 14);
      return { optionType: 3, body };
    }
    case 'mtu': {
      const body = new Uint8Array(6);
      view(body).setUint32(2, spec.mtu >>> 0);
      return { optionType: 5, body };
    }
    case 'redirected-header': {
      const body = new Uint8Array(6 + spec.packet.length);
      body.set(spec.packet, 6);
      return { optionType: 4, body };
    }
    case 'other':
      return { optionType: spec.optionType, body: spec.body };
  }
}

export function encodeNdOption(spec: NdOptionSpec): Uint8Array {
  const { optionType, body } = optionBody(spec);
  const total = Math.ceil((2 + body.length) / 8) * 8;
  const out = new Uint8Array(total);
  out[0] = optionType & 0xff;
  out[1] = (spec.length ?? total / 8) & 0xff;
  out.set(body, 2);
  return out;
}

export function encodeNdOptions(specs: readonly NdOptionSpec[] | undefined): Uint8Array[] {
  return (specs ?? []).map(encodeNdOption);
}

function decodeOne(optionType: number, length: number, body: Uint8Array): NdOption {
  const dv = view(body);
  const common = { optionType, length };
  switch (optionType) {
    case NdOptionType.sourceLla:
    case NdOptionType.targetLla:
      // Other link layers have other lengths; on Ethernet the option is exactly 8 bytes.
      if (body.length === 6) return { ...common, type: optionType === 1 ? 'source-lla' : 'target-lla', mac: formatMac(body) };
      break;
    case NdOptionType.prefixInfo:
      if (body.length === 30) {
        const flags = body[1] as number;
        return {
          ...common,
          type: 'prefix-info',
          prefixLength: body[0] as number,
          onLink: (flags & 0x80) !== 0,
          autonomous: (flags & 0x40) !== 0,
          flags,
          validLifetime: dv.getUint32(2),
          preferredLifetime: dv.getUint32(6),
          prefix: formatIpv6(body.subarray(14, 30)),
        };
      }
      break;
    case NdOptionType.mtu:
      if (body.length === 6) return { ...common, type: 'mtu', mtu: dv.getUint32(2) };
      break;
    case NdOptionType.redirectedHeader:
      return { ...common, type: 'redirected-header', packet: body.slice(6) };
  }
  return { ...common, type: 'other', body: body.slice() };
}

/** Decodes options until the end, or until a zero or overrunning length makes the rest unparseable. */
export function decodeNdOptions(bytes: Uint8Array, errors: string[]): NdOption[] {
  bytes = plain(bytes);
  const options: NdOption[] = [];
  let at = 0;
  while (at < bytes.length) {
    const optionType = bytes[at] as number;
    const length = bytes[at + 1];
    if (length === undefined) {
      errors.push(`nd option: 1 stray byte at the end`);
      break;
    }
    if (length === 0) {
      errors.push(`nd option type ${optionType}: length 0`);
      break;
    }
    if (at + length * 8 > bytes.length) {
      errors.push(`nd option type ${optionType}: length ${length * 8} exceeds what is left (${bytes.length - at} bytes)`);
      break;
    }
    options.push(decodeOne(optionType, length, bytes.subarray(at + 2, at + length * 8)));
    at += length * 8;
  }
  return options;
}
