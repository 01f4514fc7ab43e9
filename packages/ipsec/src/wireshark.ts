// Keys as evidence: the SAs of a case written as Wireshark's `esp_sa` UAT file (the "ESP SAs"
// table of its ESP preferences), so a user opens the case pcap decrypted and ICV-checked.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hex } from '@testlab/packet';
import { hex32 } from './bytes.js';
import type { EncryptionAlgorithm } from './encryption.js';
import type { IntegrityAlgorithm } from './integrity.js';
import type { SecurityAssociation } from './sa.js';

/**
 * The dissector's names (packet-ipsec.c value strings). Wireshark's ESP dissector has no
 * Camellia, so such an SA cannot be listed; AES-XCBC it carries only unchecked.
 */
const ENCRYPTION_NAMES: Readonly<Record<EncryptionAlgorithm, string | undefined>> = {
  null: 'NULL',
  '3des-cbc': 'TripleDES-CBC [RFC2451]',
  'aes-cbc': 'AES-CBC [RFC3602]',
  'aes-ctr': 'AES-CTR [RFC3686]',
  'camellia-cbc': undefined,
};

const INTEGRITY_NAMES: Readonly<Record<IntegrityAlgorithm, { name: string; keyed: boolean }>> = {
  null: { name: 'NULL', keyed: false },
  'hmac-sha1-96': { name: 'HMAC-SHA-1-96 [RFC2404]', keyed: true },
  'hmac-sha2-256-128': { name: 'HMAC-SHA-256-128 [RFC4868]', keyed: true },
  'hmac-md5-96': { name: 'HMAC-MD5-96 [RFC2403]', keyed: true },
  'aes-xcbc-mac-96': { name: 'ANY 96 bit authentication [no checking]', keyed: false },
};

/** Fields are always quoted; our values (addresses, hex, fixed names) never need escapes. */
function record(fields: string[]): string {
  return fields.map((f) => `"${f}"`).join(',');
}

function keyText(key: Uint8Array): string {
  return key.length === 0 ? '' : `0x${hex(key)}`;
}

/**
 * One line per ESP SA in the column order of Wireshark 4.0's table (protocol, source,
 * destination, SPI, encryption, its key, authentication, its key). An SA Wireshark cannot use
 * (AH, Camellia) becomes a comment saying why, so the file still documents every key.
 */
export function wiresharkEspSaFile(sas: readonly SecurityAssociation[]): string {
  const lines = ['# ESP SAs written by testlab (@testlab/ipsec): Wireshark\'s esp_sa table'];
  for (const sa of sas) {
    const label = `${sa.protocol.toUpperCase()} SPI ${hex32(sa.spi)} ${sa.src} > ${sa.dst}`;
    const encryption = ENCRYPTION_NAMES[sa.encryption.transform.name];
    if (sa.protocol !== 'esp') {
      lines.push(`# ${label}: AH has no keys to give Wireshark (${sa.integrity.transform.name} key 0x${hex(sa.integrity.key)})`);
      continue;
    }
    if (encryption === undefined) {
      lines.push(
        `# ${label}: Wireshark's ESP dissector cannot decrypt ${sa.encryption.transform.name}` +
          ` (key 0x${hex(sa.encryption.key)}, ${sa.integrity.transform.name} key ${keyText(sa.integrity.key) || 'none'})`,
      );
      continue;
    }
    const integrity = INTEGRITY_NAMES[sa.integrity.transform.name];
    lines.push(
      record([
        'IPv6',
        sa.src,
        sa.dst,
        hex32(sa.spi),
        encryption,
        keyText(sa.encryption.key),
        integrity.name,
        integrity.keyed ? keyText(sa.integrity.key) : '',
      ]),
    );
  }
  return lines.join('\n') + '\n';
}

/** Preferences that turn decryption and ICV checking on; the esp_sa table alone does neither. */
export const WIRESHARK_ESP_PREFERENCES = ['esp.enable_encryption_decode: TRUE', 'esp.enable_authentication_check: TRUE'];

/**
 * Writes `esp_sa` and `preferences` into `dir`, a Wireshark configuration folder: point
 * WIRESHARK_CONFIG_DIR at it, or copy both into a profile. Returns the two paths.
 */
export function writeWiresharkEspConfig(dir: string, sas: readonly SecurityAssociation[]): { espSa: string; preferences: string } {
  mkdirSync(dir, { recursive: true });
  const espSa = join(dir, 'esp_sa');
  const preferences = join(dir, 'preferences');
  writeFileSync(espSa, wiresharkEspSaFile(sas));
  writeFileSync(preferences, WIRESHARK_ESP_PREFERENCES.join('\n') + '\n');
  return { espSa, preferences };
}
