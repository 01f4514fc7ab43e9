// IPv6 extension headers (RFC 8200 §4): encoding with deliberate mistakes allowed, and decoding
// one header at a time so the packet walker can stop wherever the chain breaks.
import { plain, view } from './bytes.js';
import { NextHeader, protocolName } from './ipv6.js';

/** One TLV option of a Hop-by-Hop or Destination Options header. Type 0 is Pad1 (a lone byte). */
export type Ipv6OptionSpec =
  | { type: number; data?: Uint8Array; /** Forces the Opt Data Len field. */ length?: number }
  /** Bytes copied as they are, for options no well-formed TLV can express. */
  | { raw: Uint8Array };

export type ExtensionHeaderSpec = (
  | {
      type: 'hop-by-hop' | 'destination-options';
      options?: Ipv6OptionSpec[];
      /** Pad to a multiple of 8 octets with Pad1/PadN; on by default, off to send a bad length. */
      pad?: boolean;
      /** Forces Hdr Ext Len (8-octet units, first 8 not counted); the bytes sent stay as encoded. */
      hdrExtLen?: number;
    }
  | {
      type: 'fragment';
      /** 13-bit field, in 8-octet units. */
      fragmentOffset?: number;
      more?: boolean;
      id: number;
      /** The 8-bit Reserved field and the 2-bit Res field, zero unless testing their handling. */
      reserved?: number;
      res?: number;
    }
  | { type: 'routing'; routingType: number; segmentsLeft: number; /** After the first 4 bytes; zero-padded to 8n. */ data?: Uint8Array; hdrExtLen?: number }
  /** Anything else: [nextHeader, ...body] sent verbatim, `protocol` used in the previous Next Header. */
  | { type: 'raw'; protocol: number; body: Uint8Array }
) & {
  /** Defaults to the protocol of whatever follows. */
  nextHeader?: number;
};

export interface Ipv6Option {
  type: number;
  /** Opt Data Len as received (0 for Pad1). */
  length: number;
  data: Uint8Array;
}

interface Common {
  protocol: number;
  nextHeader: number;
  /** Where the header starts, counted from the first byte of the IPv6 header (as Parameter Problem pointers are). */
  offset: number;
  /** Bytes the header takes. */
  length: number;
}

export type ExtensionHeader = Common &
  (
    | { type: 'hop-by-hop' | 'destination-options'; hdrExtLen: number; options: Ipv6Option[] }
    | { type: 'routing'; hdrExtLen: number; routingType: number; segmentsLeft: number; data: Uint8Array }
    | { type: 'fragment'; reserved: number; fragmentOffset: number; res: number; more: boolean; id: number }
    | { type: 'ah'; payloadLen: number; reserved: number; spi: number; seq: number; icv: Uint8Array }
  );

export function specProtocol(spec: ExtensionHeaderSpec): number {
  switch (spec.type) {
    case 'hop-by-hop':
      return NextHeader.hopByHop;
    case 'destination-options':
      return NextHeader.destinationOptions;
    case 'fragment':
      return NextHeader.fragment;
    case 'routing':
      return NextHeader.routing;
    case 'raw':
      return spec.protocol;
  }
}

/** The headers the decoder walks through. ESP ends the walk: what follows it is encrypted. */
const WALKED: ReadonlySet<number> = new Set([NextHeader.hopByHop, NextHeader.routing, NextHeader.fragment, NextHeader.ah, NextHeader.destinationOptions]);

export function isExtensionHeader(protocol: number): boolean {
  return WALKED.has(protocol);
}

function encodeOption(opt: Ipv6OptionSpec): Uint8Array {
  if ('raw' in opt) return opt.raw;
  if (opt.type === 0) return Uint8Array.of(0);
  const data = opt.data ?? new Uint8Array(0);
  const out = new Uint8Array(2 + data.length);
  out[0] = opt.type & 0xff;
  out[1] = (opt.length ?? data.length) & 0xff;
  out.set(data, 2);
  return out;
}

/** Pad1 for one byte, PadN for more (RFC 8200 §4.2). */
export function padding(n: number): Uint8Array {
  if (n === 0) return new Uint8Array(0);
  if (n === 1) return Uint8Array.of(0);
  const out = new Uint8Array(n);
  out[0] = 1;
  out[1] = n - 2;
  return out;
}

/** Router Alert option (RFC 2711); value 0 means MLD. */
export function routerAlertOption(value = 0): Ipv6OptionSpec {
  return { type: 5, data: Uint8Array.of(value >> 8, value & 0xff) };
}

/** Fills in Next Header and Hdr Ext Len (8-octet units, the first 8 not counted) unless forced. */
function withLength(body: Uint8Array, nextHeader: number, hdrExtLen: number | undefined): Uint8Array {
  const out = new Uint8Array(body.length);
  out.set(body);
  out[0] = nextHeader & 0xff;
  out[1] = (hdrExtLen ?? body.length / 8 - 1) & 0xff;
  return out;
}

export function encodeExtensionHeader(spec: ExtensionHeaderSpec, followingProtocol: number): Uint8Array {
  const next = spec.nextHeader ?? followingProtocol;
  switch (spec.type) {
    case 'hop-by-hop':
    case 'destination-options': {
      const opts = (spec.options ?? []).map(encodeOption);
      let len = 2 + opts.reduce((n, o) => n + o.length, 0);
      if (spec.pad !== false && len % 8 !== 0) {
        opts.push(padding(8 - (len % 8)));
        len += 8 - (len % 8);
      }
      const body = new Uint8Array(len);
      let at = 2;
      for (const o of opts) {
        body.set(o, at);
        at += o.length;
      }
      // Without padding the length may not be a multiple of 8: round the field down, as a broken sender would.
      return withLength(body, next, spec.hdrExtLen ?? Math.max(0, Math.floor(len / 8) - 1));
    }
    case 'routing': {
      const data = spec.data ?? new Uint8Array(4);
      const len = Math.ceil((4 + data.length) / 8) * 8;
      const body = new Uint8Array(len);
      body[2] = spec.routingType & 0xff;
      body[3] = spec.segmentsLeft & 0xff;
      body.set(data, 4);
      return withLength(body, next, spec.hdrExtLen);
    }
    case 'fragment': {
      const out = new Uint8Array(8);
      out[0] = next & 0xff;
      out[1] = (spec.reserved ?? 0) & 0xff;
      const offset = (spec.fragmentOffset ?? 0) & 0x1fff;
      view(out).setUint16(2, (offset << 3) | (((spec.res ?? 0) & 3) << 1) | (spec.more ? 1 : 0));
      view(out).setUint32(4, spec.id >>> 0);
      return out;
    }
    case 'raw': {
      const out = new Uint8Array(1 + spec.body.length);
      out[0] = next & 0xff;
      out.set(spec.body, 1);
      return out;
    }
  }
}

function decodeOptions(body: Uint8Array, name: string, errors: string[]): Ipv6Option[] {
  const options: Ipv6Option[] = [];
  let at = 2;
  while (at < body.length) {
    const type = body[at] as number;
    if (type === 0) {
      options.push({ type, length: 0, data: new Uint8Array(0) });
      at += 1;
      continue;
    }
    const length = body[at + 1];
    if (length === undefined || at + 2 + length > body.length) {
      errors.push(`${name}: option type ${type} at byte ${at} overruns the header`);
      break;
    }
    options.push({ type, length, data: body.slice(at + 2, at + 2 + length) });
    at += 2 + length;
  }
  return options;
}

/**
 * Decodes the extension header `protocol` at the start of `bytes`. Returns undefined (after
 * recording why) when the header does not fit; `offset` only labels the result.
 */
export function decodeExtensionHeader(
  protocol: number,
  bytes: Uint8Array,
  offset: number,
  errors: string[],
): ExtensionHeader | undefined {
  bytes = plain(bytes);
  const name = protocolName(protocol);
  if (bytes.length < 8) {
    errors.push(`${name}: truncated (${bytes.length} of at least 8 bytes)`);
    return undefined;
  }
  const nextHeader = bytes[0] as number;
  const hdrExtLen = bytes[1] as number;
  const length = protocol === NextHeader.fragment ? 8 : protocol === NextHeader.ah ? (hdrExtLen + 2) * 4 : (hdrExtLen + 1) * 8;
  if (length > bytes.length) {
    errors.push(`${name}: length ${length} exceeds what is left (${bytes.length} bytes)`);
    return undefined;
  }
  const body = bytes.subarray(0, length);
  const dv = view(body);
  const common = { protocol, nextHeader, offset, length };
  switch (protocol) {
    case NextHeader.hopByHop:
    case NextHeader.destinationOptions:
      return {
        ...common,
        type: protocol === NextHeader.hopByHop ? 'hop-by-hop' : 'destination-options',
        hdrExtLen,
        options: decodeOptions(body, name, errors),
      };
    case NextHeader.routing:
      return { ...common, type: 'routing', hdrExtLen, routingType: body[2] as number, segmentsLeft: body[3] as number, data: body.slice(4) };
    case NextHeader.fragment: {
      const word = dv.getUint16(2);
      return { ...common, type: 'fragment', reserved: hdrExtLen, fragmentOffset: word >>> 3, res: (word >>> 1) & 3, more: (word & 1) === 1, id: dv.getUint32(4) };
    }
    case NextHeader.ah:
      if (length < 12) {
        errors.push(`ah: payload length ${hdrExtLen} too small for SPI and sequence number`);
        return undefined;
      }
      return { ...common, type: 'ah', payloadLen: hdrExtLen, reserved: dv.getUint16(2), spi: dv.getUint32(4), seq: dv.getUint32(8), icv: body.slice(12) };
    default:
      errors.push(`protocol ${protocol} is not an extension header`);
      return undefined;
  }
}
