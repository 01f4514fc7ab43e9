// The keys that open a case's encrypted captures (an IPsec case keeps its SAs in Wireshark's `esp_sa`
// table and the `preferences` that switch on ESP decryption, beside its pcaps, recorded as `esp-sa` and
// `wireshark-preferences` artifacts): found by folder, so the case page can link them and show the
// command that reads the captures decrypted.
import path from 'node:path';
import type { StoredArtifact } from '@testlab/core';

export interface CaptureKeys {
  espSa: { id: number };
  preferences?: { id: number };
  /** The case's folder on the lab host, where the pcaps, esp_sa and preferences lie together. */
  folder: string;
  /** `WIRESHARK_CONFIG_DIR=<folder> tshark -r <folder>/Link0.pcap`: Wireshark reads both files from that folder. */
  command: string;
}

export function captureKeys(artifacts: readonly StoredArtifact[], pcaps: readonly { path: string }[]): CaptureKeys | undefined {
  const first = pcaps[0];
  if (!first) return undefined;
  const folder = path.dirname(first.path);
  const here = (kind: string) => artifacts.find((a) => a.kind === kind && path.dirname(a.path) === folder);
  const espSa = here('esp-sa');
  if (!espSa) return undefined;
  const preferences = here('wireshark-preferences');
  // Shell-quoted for the reader's copy and paste: run folders are lab paths, but a space would break it.
  const q = (s: string) => (/^[A-Za-z0-9_./:-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return {
    espSa: { id: espSa.id },
    ...(preferences ? { preferences: { id: preferences.id } } : {}),
    folder,
    command: `WIRESHARK_CONFIG_DIR=${q(folder)} tshark -r ${q(first.path)} -V`,
  };
}
