// A Security Association as a test case states it: SPI, mode, addresses, algorithms and keys,
// checked once so that every later encode and decode can trust it.
import { normalizeIpv6, type Ipv6Address } from '@testlab/packet';
import { hex32 } from './bytes.js';
import { encryptionTransforms, type EncryptionAlgorithm, type EncryptionTransform } from './encryption.js';
import { integrityTransforms, type IntegrityAlgorithm, type IntegrityTransform } from './integrity.js';

export type IpsecProtocol = 'esp' | 'ah';
export type IpsecMode = 'transport' | 'tunnel';

export interface SaSpec {
  protocol?: IpsecProtocol;
  /** 32 bits; 1-255 are reserved by IANA and 0 for local use (RFC 4303 §2.1), so an SA starts at 256. */
  spi: number;
  mode: IpsecMode;
  /** Source and destination of the packets that carry this SA: the outer header's in tunnel mode. */
  src: Ipv6Address;
  dst: Ipv6Address;
  /** ESP only; defaults to NULL. */
  encryption?: { algorithm: EncryptionAlgorithm; key: Uint8Array };
  /** Defaults to NULL (ESP without integrity; not allowed for AH). */
  integrity?: { algorithm: IntegrityAlgorithm; key: Uint8Array };
  /** Inbound anti-replay window in packets (RFC 4303 §3.4.3: at least 32, 64 recommended); 0 turns it off. */
  replayWindow?: number;
}

export interface SecurityAssociation {
  protocol: IpsecProtocol;
  spi: number;
  mode: IpsecMode;
  src: string;
  dst: string;
  encryption: { transform: EncryptionTransform; key: Uint8Array };
  integrity: { transform: IntegrityTransform; key: Uint8Array };
  replayWindow: number;
  /**
   * The last sequence number an encoder took from this SA (0 before the first packet). An encode
   * without an explicit sequence number sends this plus one (RFC 4303 §3.3.3: the first is 1).
   */
  lastSentSeq: number;
}

export const DEFAULT_REPLAY_WINDOW = 64;
/** Large windows cost nothing here, but a typo like 640000 should not pass silently. */
const MAX_REPLAY_WINDOW = 4096;

/** Validates a test case's SA; throws an error naming the first thing wrong. */
export function createSa(spec: SaSpec): SecurityAssociation {
  const protocol = spec.protocol ?? 'esp';
  const name = `SA ${protocol.toUpperCase()} SPI ${Number.isInteger(spec.spi) ? hex32(spec.spi) : String(spec.spi)}`;
  if (!Number.isInteger(spec.spi) || spec.spi < 256 || spec.spi > 0xffffffff) {
    throw new Error(`${name}: SPI must be an integer from 256 to 0xffffffff (RFC 4303 §2.1 reserves 0-255)`);
  }
  if (spec.mode !== 'transport' && spec.mode !== 'tunnel') throw new Error(`${name}: mode must be transport or tunnel, not "${String(spec.mode)}"`);
  let src: string;
  let dst: string;
  try {
    src = normalizeIpv6(spec.src);
    dst = normalizeIpv6(spec.dst);
  } catch (err) {
    throw new Error(`${name}: ${(err as Error).message}`);
  }
  const encryptionName = spec.encryption?.algorithm ?? 'null';
  const encryption = Object.hasOwn(encryptionTransforms, encryptionName) ? encryptionTransforms[encryptionName] : undefined;
  if (!encryption) throw new Error(`${name}: unknown encryption algorithm "${encryptionName}"`);
  if (protocol === 'ah' && encryptionName !== 'null') throw new Error(`${name}: AH does not encrypt; drop the encryption algorithm`);
  const encryptionKey = spec.encryption?.key ?? new Uint8Array(0);
  if (!encryption.keyLengths.includes(encryptionKey.length)) {
    throw new Error(`${name}: ${encryptionName} key is ${encryptionKey.length} bytes; it must be ${encryption.keyLengths.join(' or ')}`);
  }
  const integrityName = spec.integrity?.algorithm ?? 'null';
  const integrity = Object.hasOwn(integrityTransforms, integrityName) ? integrityTransforms[integrityName] : undefined;
  if (!integrity) throw new Error(`${name}: unknown integrity algorithm "${integrityName}"`);
  if (protocol === 'ah' && integrityName === 'null') throw new Error(`${name}: AH needs an integrity algorithm (RFC 4302 §3.3.3)`);
  const integrityKey = spec.integrity?.key ?? new Uint8Array(0);
  if (integrityKey.length !== integrity.keyLength) {
    throw new Error(`${name}: ${integrityName} key is ${integrityKey.length} bytes; it must be ${integrity.keyLength}`);
  }
  const replayWindow = spec.replayWindow ?? DEFAULT_REPLAY_WINDOW;
  if (!Number.isInteger(replayWindow) || replayWindow < 0 || replayWindow > MAX_REPLAY_WINDOW) {
    throw new Error(`${name}: replay window must be an integer from 0 to ${MAX_REPLAY_WINDOW}, not ${replayWindow}`);
  }
  return {
    protocol,
    spi: spec.spi,
    mode: spec.mode,
    src,
    dst,
    encryption: { transform: encryption, key: new Uint8Array(encryptionKey) },
    integrity: { transform: integrity, key: new Uint8Array(integrityKey) },
    replayWindow,
    lastSentSeq: 0,
  };
}

/** The sequence number to send: the caller's (any 32-bit value, wrong on purpose or not) or the SA's next. */
export function takeSequenceNumber(sa: SecurityAssociation, explicit: number | undefined): number {
  if (explicit !== undefined) return explicit >>> 0;
  // RFC 4303 §3.3.3: without ESN the counter must not cycle; a case that wants a wrapped value says so.
  if (sa.lastSentSeq >= 0xffffffff) throw new Error(`SA SPI ${hex32(sa.spi)}: sequence number would cycle past 0xffffffff; pass one explicitly`);
  sa.lastSentSeq += 1;
  return sa.lastSentSeq;
}

/** TAHI's `ealgo=` and `eauth=` option values (INDEX_P2_*) to this package's names. */
export const tahiEncryptionNames: Readonly<Record<string, EncryptionAlgorithm>> = {
  '3des-cbc': '3des-cbc',
  'rijndael-cbc': 'aes-cbc',
  'aes-cbc': 'aes-cbc',
  'aes-ctr': 'aes-ctr',
  'camellia-cbc': 'camellia-cbc',
  null: 'null',
};

export const tahiIntegrityNames: Readonly<Record<string, IntegrityAlgorithm>> = {
  'hmac-sha1': 'hmac-sha1-96',
  'hmac-sha2-256': 'hmac-sha2-256-128',
  'hmac-md5': 'hmac-md5-96',
  'aes-xcbc-mac': 'aes-xcbc-mac-96',
  null: 'null',
};
