// ESP encryption transforms as the IPsec_Self_Test_P2 INDEX files name them, on node:crypto only:
// 3DES-CBC (RFC 2451), AES-CBC (RFC 3602), AES-CTR (RFC 3686), CAMELLIA-CBC (RFC 4312), NULL (RFC 2410).
import { createCipheriv, createDecipheriv, getCiphers } from 'node:crypto';

export type EncryptionAlgorithm = '3des-cbc' | 'aes-cbc' | 'aes-ctr' | 'camellia-cbc' | 'null';

export interface EncryptionTransform {
  name: EncryptionAlgorithm;
  /** Key lengths in bytes the RFC allows; AES-CTR's carry the 4-byte nonce at the end (RFC 3686 §5.1). */
  keyLengths: readonly number[];
  /** Bytes of IV sent at the front of the Payload Data. */
  ivLength: number;
  /**
   * The ciphertext (payload, padding, Pad Length, Next Header) is a multiple of this. Stream-like
   * transforms still align the trailer to 4 bytes (RFC 4303 §2.4), so the smallest value is 4.
   */
  alignment: number;
  /** True when the ciphertext must be whole cipher blocks, or the cipher itself cannot run. */
  needsWholeBlocks: boolean;
  encrypt(key: Uint8Array, iv: Uint8Array, plaintext: Uint8Array): Uint8Array;
  decrypt(key: Uint8Array, iv: Uint8Array, ciphertext: Uint8Array): Uint8Array;
}

/**
 * OpenSSL 3 can leave DES and Camellia to its legacy provider; Node 20's bundled OpenSSL 3.0
 * offers des-ede3-cbc and camellia-*-cbc in the default one, but a Node linked to a system
 * OpenSSL may not. Say so plainly instead of failing deep inside a test case.
 */
function requireCipher(name: string, algorithm: string): string {
  if (!getCiphers().includes(name)) {
    throw new Error(`${algorithm} needs OpenSSL cipher ${name}, which this Node (OpenSSL ${process.versions.openssl}) does not offer; it may sit in OpenSSL 3's legacy provider`);
  }
  return name;
}

function run(cipher: ReturnType<typeof createCipheriv> | ReturnType<typeof createDecipheriv>, input: Uint8Array): Uint8Array {
  cipher.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([cipher.update(input), cipher.final()]));
}

function cbc(name: EncryptionAlgorithm, label: string, blockSize: number, cipherFor: (key: Uint8Array) => string, keyLengths: number[]): EncryptionTransform {
  const check = (data: Uint8Array, what: string): void => {
    if (data.length % blockSize !== 0) throw new Error(`${label} ${what} is ${data.length} bytes, not whole ${blockSize}-byte blocks`);
  };
  return {
    name,
    keyLengths,
    ivLength: blockSize,
    alignment: blockSize,
    needsWholeBlocks: true,
    encrypt(key, iv, plaintext) {
      check(plaintext, 'plaintext');
      return run(createCipheriv(requireCipher(cipherFor(key), label), key, iv), plaintext);
    },
    decrypt(key, iv, ciphertext) {
      check(ciphertext, 'ciphertext');
      return run(createDecipheriv(requireCipher(cipherFor(key), label), key, iv), ciphertext);
    },
  };
}

/** RFC 3686 §4: counter block = nonce (4) | IV (8) | block counter (4), the counter starting at 1. */
function ctrBlock(nonce: Uint8Array, iv: Uint8Array): Uint8Array {
  const block = new Uint8Array(16);
  block.set(nonce, 0);
  block.set(iv, 4);
  block[15] = 1;
  return block;
}

function aesCtr(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  const aesKey = key.subarray(0, key.length - 4);
  const nonce = key.subarray(key.length - 4);
  // OpenSSL's CTR counts on the whole 128-bit block; a packet is far below 2^32 blocks, so the
  // carry never reaches the IV and this equals RFC 3686's 32-bit counter.
  const cipher = requireCipher(`aes-${aesKey.length * 8}-ctr`, 'AES-CTR');
  return run(createCipheriv(cipher, aesKey, ctrBlock(nonce, iv)), data);
}

export const encryptionTransforms: Readonly<Record<EncryptionAlgorithm, EncryptionTransform>> = {
  '3des-cbc': cbc('3des-cbc', '3DES-CBC', 8, () => 'des-ede3-cbc', [24]),
  'aes-cbc': cbc('aes-cbc', 'AES-CBC', 16, (key) => `aes-${key.length * 8}-cbc`, [16, 24, 32]),
  'camellia-cbc': cbc('camellia-cbc', 'CAMELLIA-CBC', 16, (key) => `camellia-${key.length * 8}-cbc`, [16, 24, 32]),
  'aes-ctr': {
    name: 'aes-ctr',
    keyLengths: [20, 28, 36],
    ivLength: 8,
    alignment: 4,
    needsWholeBlocks: false,
    encrypt: aesCtr,
    decrypt: aesCtr,
  },
  // RFC 2410: no IV, the identity; ESP's 4-byte trailer alignment still holds.
  null: {
    name: 'null',
    keyLengths: [0],
    ivLength: 0,
    alignment: 4,
    needsWholeBlocks: false,
    encrypt: (_key, _iv, data) => new Uint8Array(data),
    decrypt: (_key, _iv, data) => new Uint8Array(data),
  },
};
