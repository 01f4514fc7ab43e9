// ESP/AH integrity transforms: HMAC-SHA1-96 (RFC 2404), HMAC-SHA2-256-128 (RFC 4868),
// HMAC-MD5-96 (RFC 2403), AES-XCBC-MAC-96 (RFC 3566), NULL (no ICV).
import { createHmac } from 'node:crypto';
import { aesXcbcMac } from './aes-xcbc.js';

export type IntegrityAlgorithm = 'hmac-sha1-96' | 'hmac-sha2-256-128' | 'hmac-md5-96' | 'aes-xcbc-mac-96' | 'null';

export interface IntegrityTransform {
  name: IntegrityAlgorithm;
  /** The key length each RFC fixes for IPsec use. */
  keyLength: number;
  /** Bytes of ICV sent: the leftmost bytes of the full MAC. */
  icvLength: number;
  /** The untruncated MAC. */
  mac(key: Uint8Array, data: Uint8Array): Uint8Array;
}

export function hmac(hash: 'sha1' | 'sha256' | 'md5', key: Uint8Array, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac(hash, key).update(data).digest());
}

export const integrityTransforms: Readonly<Record<IntegrityAlgorithm, IntegrityTransform>> = {
  'hmac-sha1-96': { name: 'hmac-sha1-96', keyLength: 20, icvLength: 12, mac: (k, d) => hmac('sha1', k, d) },
  'hmac-sha2-256-128': { name: 'hmac-sha2-256-128', keyLength: 32, icvLength: 16, mac: (k, d) => hmac('sha256', k, d) },
  'hmac-md5-96': { name: 'hmac-md5-96', keyLength: 16, icvLength: 12, mac: (k, d) => hmac('md5', k, d) },
  'aes-xcbc-mac-96': { name: 'aes-xcbc-mac-96', keyLength: 16, icvLength: 12, mac: aesXcbcMac },
  null: { name: 'null', keyLength: 0, icvLength: 0, mac: () => new Uint8Array(0) },
};

/** The ICV as sent: the MAC truncated to the transform's length (RFC 2104 §5: leftmost bits). */
export function computeIcv(transform: IntegrityTransform, key: Uint8Array, data: Uint8Array): Uint8Array {
  return transform.mac(key, data).slice(0, transform.icvLength);
}
