// Byte-level helpers shared by every layer: checksums, bounds-checked reads, concatenation.

/** A plain Uint8Array view of the same memory, so `.slice()` copies even when given a Buffer. */
export function plain(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * 16-bit one's-complement sum (RFC 1071), not yet inverted, so callers can chain the
 * pseudo-header and the message. An odd trailing byte is padded with zero on the right.
 */
export function onesComplementSum(bytes: Uint8Array, initial = 0): number {
  let sum = initial;
  const even = bytes.length & ~1;
  for (let i = 0; i < even; i += 2) sum += ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
  if (even < bytes.length) sum += (bytes[even] as number) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/**
 * RFC 8200 §8.1 pseudo-header sum: source, destination, 32-bit upper-layer length, 24 zero bits
 * and the upper-layer protocol number.
 */
export function pseudoHeaderSum(src: Uint8Array, dst: Uint8Array, upperLayerLength: number, protocol: number): number {
  const ph = new Uint8Array(40);
  ph.set(src.subarray(0, 16), 0);
  ph.set(dst.subarray(0, 16), 16);
  view(ph).setUint32(32, upperLayerLength >>> 0);
  ph[39] = protocol & 0xff;
  return onesComplementSum(ph);
}

/** Checksum to place in an ICMPv6/UDP header whose checksum field is zero in `message`. */
export function upperLayerChecksum(src: Uint8Array, dst: Uint8Array, protocol: number, message: Uint8Array): number {
  const sum = onesComplementSum(message, pseudoHeaderSum(src, dst, message.length, protocol));
  return ~sum & 0xffff;
}

/** True when `message` (checksum field included) sums to all ones with its pseudo-header. */
export function upperLayerChecksumOk(src: Uint8Array, dst: Uint8Array, protocol: number, message: Uint8Array): boolean {
  return onesComplementSum(message, pseudoHeaderSum(src, dst, message.length, protocol)) === 0xffff;
}

export function hex(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** Parses `"86dd 60 00"`-style hex (whitespace and colons ignored); for tests and case files. */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) throw new Error(`invalid hex string "${text}"`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}
