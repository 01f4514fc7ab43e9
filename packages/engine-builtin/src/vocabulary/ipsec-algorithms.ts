// IPsec_Self_Test_P2's algorithms and keys (keys.def, p2_ALGO_common.def): each SA direction has its own
// keys, "in" for what the NUT receives and "out" for what it sends, and a second and third set for the
// tests that need more SAs at once. The algorithm-test rows (5.2.x, 6.2.x) name one profile each.
import { asciiKey, createSa, type EncryptionAlgorithm, type IntegrityAlgorithm, type IpsecMode, type SecurityAssociation } from '@testlab/ipsec';
import type { IpsecFeature } from '../section.js';

export interface KeyText {
  enc: string;
  auth: string;
}

export interface Algorithms {
  encryption: EncryptionAlgorithm;
  integrity: IntegrityAlgorithm;
  /** Keys of SAs toward the NUT, from keys.def. */
  in: KeyText;
  /** Keys of SAs from the NUT. */
  out: KeyText;
  /** How reports name it: `3DES-CBC HMAC-SHA1`. */
  label: string;
}

const K3DES = { in: 'ipv6readylogo3descbcin01', out: 'ipv6readylogo3descbcout1' };
const KSHA1 = { in: 'ipv6readylogsha1in01', out: 'ipv6readylogsha1out1' };

/** ESP 3DES-CBC with HMAC-SHA1: every test's SA unless it tests an algorithm. */
export const DES3_SHA1: Algorithms = { encryption: '3des-cbc', integrity: 'hmac-sha1-96', in: { enc: K3DES.in, auth: KSHA1.in }, out: { enc: K3DES.out, auth: KSHA1.out }, label: '3DES-CBC HMAC-SHA1' };
/** The second SA pair of a test (`_2` keys: HOST2, SGW2, the ICMP-type SAs). */
export const DES3_SHA1_2: Algorithms = { ...DES3_SHA1, in: { enc: 'ipv6readylogo3descbcin02', auth: 'ipv6readylogsha1in02' }, out: { enc: 'ipv6readylogo3descbcout2', auth: 'ipv6readylogsha1out2' } };

/** One row of the algorithm tests: 5.2.n on an end node, 6.2.n on a security gateway. */
export interface AlgorithmTest {
  n: number;
  algorithms: Algorithms;
  /** TAHI's `support=` name; the 3DES-CBC HMAC-SHA1 row is BASIC (always run). */
  requires?: IpsecFeature;
}

export const ALGORITHM_TESTS: readonly AlgorithmTest[] = [
  { n: 1, algorithms: DES3_SHA1 },
  { n: 2, algorithms: { ...DES3_SHA1, integrity: 'aes-xcbc-mac-96', in: { enc: K3DES.in, auth: 'ipv6readaesxin01' }, out: { enc: K3DES.out, auth: 'ipv6readaesxout1' }, label: '3DES-CBC AES-XCBC-MAC' }, requires: '3DES_CBC_AES_XCBC_SUPPORT' },
  { n: 3, algorithms: { ...DES3_SHA1, integrity: 'null', in: { enc: K3DES.in, auth: '' }, out: { enc: K3DES.out, auth: '' }, label: '3DES-CBC NULL' }, requires: '3DES_CBC_NULL_SUPPORT' },
  { n: 4, algorithms: { ...DES3_SHA1, encryption: 'aes-cbc', in: { enc: 'ipv6readaescin01', auth: KSHA1.in }, out: { enc: 'ipv6readaescout1', auth: KSHA1.out }, label: 'AES-CBC(128-bit) HMAC-SHA1' }, requires: 'AES_CBC_HMAC_SHA1_SUPPORT' },
  { n: 5, algorithms: { ...DES3_SHA1, encryption: 'aes-ctr', in: { enc: 'ipv6readylogaescin01', auth: KSHA1.in }, out: { enc: 'ipv6readylogaescout1', auth: KSHA1.out }, label: 'AES-CTR HMAC-SHA1' }, requires: 'AES_CTR_HMAC_SHA1_SUPPORT' },
  { n: 6, algorithms: { ...DES3_SHA1, encryption: 'null', in: { enc: '', auth: KSHA1.in }, out: { enc: '', auth: KSHA1.out }, label: 'NULL HMAC-SHA1' }, requires: 'NULL_HMAC_SHA1_SUPPORT' },
  { n: 7, algorithms: { ...DES3_SHA1, encryption: 'camellia-cbc', in: { enc: 'ipvcamelliacin01', auth: KSHA1.in }, out: { enc: 'ipvcamelliacout1', auth: KSHA1.out }, label: 'CAMELLIA-CBC(128-bit) HMAC-SHA1' }, requires: 'CAMELLIA_CBC_HMAC_SHA1_SUPPORT' },
  {
    n: 8,
    algorithms: { ...DES3_SHA1, integrity: 'hmac-sha2-256-128', in: { enc: K3DES.in, auth: 'ipv6readylogoph2ipsecsha2256in01' }, out: { enc: K3DES.out, auth: 'ipv6readylogoph2ipsecsha2256out1' }, label: '3DES-CBC HMAC-SHA2-256' },
    requires: '3DES_CBC_HMAC_SHA2_256_SUPPORT',
  },
];

export interface SaPlan {
  spi: number;
  mode: IpsecMode;
  /** Outer source and destination: the tunnel endpoints in tunnel mode. */
  src: string;
  dst: string;
  algorithms: Algorithms;
  /** Which keys of the algorithms: toward the NUT (`in`) or from it (`out`). */
  direction: 'in' | 'out';
}

/** The SA as both ends know it; the tester encodes with it (toward the NUT) or judges with it (from the NUT). */
export function saOf(p: SaPlan): SecurityAssociation {
  const keys = p.algorithms[p.direction];
  return createSa({
    spi: p.spi,
    mode: p.mode,
    src: p.src,
    dst: p.dst,
    encryption: { algorithm: p.algorithms.encryption, key: asciiKey(keys.enc) },
    integrity: { algorithm: p.algorithms.integrity, key: asciiKey(keys.auth) },
  });
}

/** The same keys and endpoints on another SPI (TAHI's SPI_FROM_HOST1=0x9000): an SA the NUT does not have. */
export function onOtherSpi(sa: SecurityAssociation, spi: number): SecurityAssociation {
  return createSa({
    spi,
    mode: sa.mode,
    src: sa.src,
    dst: sa.dst,
    encryption: { algorithm: sa.encryption.transform.name, key: sa.encryption.key },
    integrity: { algorithm: sa.integrity.transform.name, key: sa.integrity.key },
  });
}
