// Shared fixtures: TAHI's own keys (keys.def) and addresses in the style of its .def files.
import { asciiKey, createSa, type SaSpec, type SecurityAssociation } from '../src/index.js';

export const HOST1 = '3ffe:501:ffff:100::10';
export const NUT = '3ffe:501:ffff:100::1';
export const SGW_OUTER = '3ffe:501:ffff:200::1';

export const keys = {
  '3des-cbc': asciiKey('ipv6readylogo3descbcin01'),
  'aes-cbc': asciiKey('ipv6readaescin01'),
  'aes-ctr': asciiKey('ipv6readylogaescin01'),
  'camellia-cbc': asciiKey('ipvcamelliacin01'),
  null: new Uint8Array(0),
} as const;

export const authKeys = {
  'hmac-sha1-96': asciiKey('ipv6readylogsha1in01'),
  'hmac-sha2-256-128': asciiKey('ipv6readylogoph2ipsecsha2256in01'),
  'hmac-md5-96': asciiKey('ipv6readymd5in01'),
  'aes-xcbc-mac-96': asciiKey('ipv6readaesxin01'),
  null: new Uint8Array(0),
} as const;

export function espSa(
  encryption: keyof typeof keys,
  integrity: keyof typeof authKeys,
  extra: Partial<SaSpec> = {},
): SecurityAssociation {
  return createSa({
    spi: 0x1000,
    mode: 'transport',
    src: HOST1,
    dst: NUT,
    encryption: { algorithm: encryption, key: keys[encryption] },
    integrity: { algorithm: integrity, key: authKeys[integrity] },
    ...extra,
  });
}

/** The same SA twice: one side sends, the other (a fresh copy) judges, as two nodes would. */
export function saPair(encryption: keyof typeof keys, integrity: keyof typeof authKeys, extra: Partial<SaSpec> = {}): [SecurityAssociation, SecurityAssociation] {
  return [espSa(encryption, integrity, extra), espSa(encryption, integrity, extra)];
}

/** xorshift32: the same "random" garbage on every run. */
export function* garbage(seed: number, count: number, maxLength: number): Generator<Uint8Array> {
  let x = seed;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  for (let i = 0; i < count; i++) {
    const out = new Uint8Array(next() % maxLength);
    for (let j = 0; j < out.length; j++) out[j] = next() & 0xff;
    yield out;
  }
}
