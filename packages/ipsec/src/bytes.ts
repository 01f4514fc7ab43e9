// Byte helpers this package needs beyond @testlab/packet's: big-endian words, safe copies,
// and the constant-time comparison every ICV check goes through.
import { timingSafeEqual } from 'node:crypto';

/** A plain Uint8Array copy, so results never alias a caller's Buffer. */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

export function u32(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(at);
}

export function setU32(bytes: Uint8Array, at: number, value: number): void {
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).setUint32(at, value >>> 0);
}

export function u32Bytes(value: number): Uint8Array {
  const out = new Uint8Array(4);
  setU32(out, 0, value);
  return out;
}

/**
 * Constant time for equal lengths, so a received ICV leaks nothing about the expected one
 * through timing (RFC 4303 §3.4.4 asks receivers for that; we judge like a receiver).
 */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

export function xorBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = (a[i] as number) ^ (b[i] as number);
  return out;
}

export function hex32(value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(8, '0')}`;
}

/** TAHI's keys.def writes keys as ASCII text ("ipv6readylogo3descbcin01"); the bytes are the characters. */
export function asciiKey(text: string): Uint8Array {
  if (!/^[\x20-\x7e]*$/.test(text)) throw new Error(`ASCII key "${text}" has characters outside printable ASCII`);
  return new Uint8Array(Buffer.from(text, 'latin1'));
}
