// Opening one ESP header's bytes with an SA (RFC 4303 §3.4): ICV checked in constant time,
// payload decrypted, trailer and padding judged. Never throws; lists what is wrong.
import { copyBytes, hex32, sameBytes, u32 } from './bytes.js';
import { computeIcv } from './integrity.js';
import type { SecurityAssociation } from './sa.js';

export interface OpenedEsp {
  spi: number;
  seq: number;
  /** False when the SPI is not the SA's: a receiver would find no SA and stop there. */
  spiMatches: boolean;
  iv?: Uint8Array;
  /** The ICV as received (empty for NULL integrity). */
  icv?: Uint8Array;
  /** True only when an ICV was checked and matched; false for NULL integrity too. */
  authenticated: boolean;
  /** Whether the SA has an integrity algorithm to check with. */
  icvChecked: boolean;
  decrypted: boolean;
  /** The decrypted payload before the padding: the inner packet or upper layer, TFC padding included. */
  payload?: Uint8Array;
  padding?: Uint8Array;
  padLength?: number;
  nextHeader?: number;
  /** Padding is 1, 2, 3, ... as RFC 4303 §2.4 defines the default. */
  paddingMonotonic?: boolean;
  /** Next Header 59: a dummy packet the receiver must drop (RFC 4303 §2.6). */
  dummy?: boolean;
  errors: string[];
}

/** Reported, yet no reason for a receiver to drop the packet: RFC 4303 §2.4 only suggests checking. */
export const PADDING_NOT_MONOTONIC = 'esp: padding is not 1, 2, 3, ... (RFC 4303 §2.4)';

/** `bytes` starts at the SPI and runs to the end of the IPv6 payload. */
export function openEsp(bytes: Uint8Array, sa: SecurityAssociation): OpenedEsp {
  const errors: string[] = [];
  if (bytes.length < 8) {
    return { spi: 0, seq: 0, spiMatches: false, authenticated: false, icvChecked: false, decrypted: false, errors: [`esp: truncated (${bytes.length} of at least 8 bytes)`] };
  }
  const spi = u32(bytes, 0);
  const seq = u32(bytes, 4);
  const out: OpenedEsp = { spi, seq, spiMatches: spi === sa.spi, authenticated: false, icvChecked: false, decrypted: false, errors };
  if (!out.spiMatches) {
    errors.push(`esp: SPI ${hex32(spi)} is not the SA's ${hex32(sa.spi)}`);
    return out;
  }
  const { transform: enc, key: encKey } = sa.encryption;
  const { transform: integ, key: integKey } = sa.integrity;
  const cipherLength = bytes.length - 8 - enc.ivLength - integ.icvLength;
  if (cipherLength < 2) {
    errors.push(`esp: ${bytes.length} bytes leave no room for IV (${enc.ivLength}), trailer (2) and ICV (${integ.icvLength})`);
    return out;
  }
  const covered = bytes.subarray(0, bytes.length - integ.icvLength);
  out.iv = bytes.slice(8, 8 + enc.ivLength);
  out.icv = bytes.slice(bytes.length - integ.icvLength);
  out.icvChecked = integ.name !== 'null';
  if (out.icvChecked) {
    out.authenticated = sameBytes(computeIcv(integ, integKey, covered), out.icv);
    if (!out.authenticated) errors.push(`esp: ICV does not match (${integ.name})`);
  }
  const ciphertext = covered.subarray(8 + enc.ivLength);
  if (cipherLength % enc.alignment !== 0) {
    errors.push(`esp: ciphertext is ${cipherLength} bytes, not a multiple of ${enc.alignment} (RFC 4303 §2.4)`);
    if (enc.needsWholeBlocks) return out;
  }
  let plain: Uint8Array;
  try {
    plain = enc.decrypt(encKey, out.iv, ciphertext);
  } catch (err) {
    errors.push(`esp: ${enc.name} decryption failed: ${(err as Error).message}`);
    return out;
  }
  out.decrypted = true;
  const padLength = plain[plain.length - 2] as number;
  out.padLength = padLength;
  out.nextHeader = plain[plain.length - 1] as number;
  out.dummy = out.nextHeader === 59;
  if (padLength > plain.length - 2) {
    errors.push(`esp: pad length ${padLength} exceeds the ${plain.length - 2} decrypted bytes before the trailer`);
    out.paddingMonotonic = false;
    return out;
  }
  const payloadEnd = plain.length - 2 - padLength;
  out.payload = copyBytes(plain.subarray(0, payloadEnd));
  out.padding = copyBytes(plain.subarray(payloadEnd, plain.length - 2));
  out.paddingMonotonic = out.padding.every((b, i) => b === ((i + 1) & 0xff));
  if (!out.paddingMonotonic) errors.push(PADDING_NOT_MONOTONIC);
  return out;
}
