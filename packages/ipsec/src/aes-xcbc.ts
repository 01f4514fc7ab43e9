// AES-XCBC-MAC (RFC 3566 §4), built on node:crypto's AES-128-ECB because Node has no XCBC.
import { createCipheriv } from 'node:crypto';
import { xorBytes } from './bytes.js';

const BLOCK = 16;

function aesBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  const cipher = createCipheriv('aes-128-ecb', key, null);
  cipher.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([cipher.update(block), cipher.final()]));
}

/** The full 128-bit MAC; AES-XCBC-MAC-96 sends its first 12 bytes (RFC 3566 §4.1). */
export function aesXcbcMac(key: Uint8Array, message: Uint8Array): Uint8Array {
  if (key.length !== BLOCK) throw new Error(`AES-XCBC-MAC needs a 16-byte key, not ${key.length} bytes (RFC 3566 §4)`);
  // (1) K1, K2, K3 are the key encrypting three constant blocks.
  const k1 = aesBlock(key, new Uint8Array(BLOCK).fill(0x01));
  const k2 = aesBlock(key, new Uint8Array(BLOCK).fill(0x02));
  const k3 = aesBlock(key, new Uint8Array(BLOCK).fill(0x03));
  // An empty message is one incomplete block, so n is never 0.
  const n = Math.max(1, Math.ceil(message.length / BLOCK));
  let e: Uint8Array = new Uint8Array(BLOCK);
  // (3) every block but the last: E[i] = K1(M[i] xor E[i-1]).
  for (let i = 0; i < n - 1; i++) e = aesBlock(k1, xorBytes(message.subarray(i * BLOCK, (i + 1) * BLOCK), e));
  const last = message.subarray((n - 1) * BLOCK);
  let m: Uint8Array;
  if (last.length === BLOCK) {
    // (4a) a complete last block is masked with K2.
    m = xorBytes(last, k2);
  } else {
    // (4b) an incomplete one gets 10* padding and K3.
    const padded = new Uint8Array(BLOCK);
    padded.set(last);
    padded[last.length] = 0x80;
    m = xorBytes(padded, k3);
  }
  return aesBlock(k1, xorBytes(m, e));
}
