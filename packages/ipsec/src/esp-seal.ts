// ESP encapsulation (RFC 4303 §2, §3.3): SPI, sequence number, IV, encrypted payload with TFC
// padding, padding, Pad Length and Next Header, then the ICV. Every field can be sent wrong.
import { randomBytes } from 'node:crypto';
import { concatBytes } from '@testlab/packet';
import { setU32 } from './bytes.js';
import { computeIcv } from './integrity.js';
import { takeSequenceNumber, type SecurityAssociation } from './sa.js';

export interface EspFaults {
  /** Sends another SPI than the SA's (a non-registered SPI, TAHI 5.1.10). */
  spi?: number;
  /** The sequence number to send, replayed or skipped on purpose; otherwise the SA's next one. */
  seq?: number;
  /** Defaults to random bytes of the transform's IV length. */
  iv?: Uint8Array;
  /** Traffic-flow-confidentiality padding between payload and padding (RFC 4303 §2.7): bytes, or a count of zeros. */
  tfcPadding?: Uint8Array | number;
  /** How many monotonic padding bytes to send instead of the fewest that align (TAHI's PadLength = 7). */
  paddingLength?: number;
  /** Exact padding bytes, e.g. not 1, 2, 3, ...; wins over paddingLength. */
  padding?: Uint8Array;
  /** Forces the Pad Length field; the padding sent stays as chosen. */
  padLengthField?: number;
  /** Forces the trailer's Next Header field. */
  nextHeader?: number;
  /** Sends these bytes as the ICV. */
  icv?: Uint8Array;
  /** Flips the last bit of the computed ICV (TAHI 5.1.11 Invalid ICV); nothing to flip with NULL integrity. */
  corruptIcv?: boolean;
}

/** What ESP carries: an upper-layer protocol's bytes, an IPv6 packet (41), or dummy data (59). */
export interface EspContent {
  nextHeader: number;
  bytes: Uint8Array;
}

/** Padding 1, 2, 3, ... (RFC 4303 §2.4's default that receivers may check). */
export function monotonicPadding(length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i + 1) & 0xff;
  return out;
}

function tfcBytes(tfc: Uint8Array | number | undefined): Uint8Array {
  if (tfc === undefined) return new Uint8Array(0);
  return typeof tfc === 'number' ? new Uint8Array(tfc) : tfc;
}

/**
 * The ESP header, ciphertext and ICV for `content` (everything after the headers in the clear).
 * Throws only on impossible requests: a CBC plaintext that is not whole blocks cannot be encrypted.
 */
export function sealEsp(sa: SecurityAssociation, content: EspContent, faults: EspFaults = {}): Uint8Array {
  const { transform: enc, key: encKey } = sa.encryption;
  const tfc = tfcBytes(faults.tfcPadding);
  const unpadded = content.bytes.length + tfc.length + 2;
  const fewest = (enc.alignment - (unpadded % enc.alignment)) % enc.alignment;
  const padding = faults.padding ?? monotonicPadding(faults.paddingLength ?? fewest);
  const trailer = Uint8Array.of((faults.padLengthField ?? padding.length) & 0xff, (faults.nextHeader ?? content.nextHeader) & 0xff);
  const plaintext = concatBytes([content.bytes, tfc, padding, trailer]);
  const iv = faults.iv ?? new Uint8Array(randomBytes(enc.ivLength));
  if (iv.length !== enc.ivLength) throw new Error(`${enc.name} encrypts with ${enc.ivLength}-byte IVs, not ${iv.length} bytes`);
  if (enc.needsWholeBlocks && plaintext.length % enc.alignment !== 0) {
    throw new Error(
      `${enc.name}: payload ${content.bytes.length} + TFC ${tfc.length} + padding ${padding.length} + 2 = ${plaintext.length} bytes is not whole ${enc.alignment}-byte blocks`,
    );
  }
  const header = new Uint8Array(8);
  setU32(header, 0, faults.spi ?? sa.spi);
  setU32(header, 4, takeSequenceNumber(sa, faults.seq));
  const covered = concatBytes([header, iv, enc.encrypt(encKey, iv, plaintext)]);
  // RFC 4303 §3.3.4: the ICV covers SPI, sequence number and the whole encrypted Payload Data.
  let icv = faults.icv ?? computeIcv(sa.integrity.transform, sa.integrity.key, covered);
  if (faults.corruptIcv && icv.length > 0) {
    icv = new Uint8Array(icv);
    icv[icv.length - 1] = (icv[icv.length - 1] as number) ^ 0x01;
  }
  return concatBytes([covered, icv]);
}
