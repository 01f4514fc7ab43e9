// Classic libpcap files (tcpdump.org/manpages/pcap-savefile.5): case artifacts anyone can open
// with tcpdump or Wireshark.
import { closeSync, openSync, writeSync } from 'node:fs';
import { view } from './bytes.js';

export const LINKTYPE_ETHERNET = 1;
export const PCAP_SNAPLEN = 262144;

/** The 24-byte global header, little-endian (readers detect byte order from the magic). */
export function pcapFileHeader(snaplen = PCAP_SNAPLEN, linktype = LINKTYPE_ETHERNET): Uint8Array {
  const out = new Uint8Array(24);
  const dv = view(out);
  dv.setUint32(0, 0xa1b2c3d4, true);
  dv.setUint16(4, 2, true);
  dv.setUint16(6, 4, true);
  // thiszone and sigfigs stay 0, as every writer does.
  dv.setUint32(16, snaplen, true);
  dv.setUint32(20, linktype, true);
  return out;
}

/** One record: 16-byte header (microsecond timestamp, captured and original lengths) and the data. */
export function pcapRecord(frame: Uint8Array, atMs: number, snaplen = PCAP_SNAPLEN): Uint8Array {
  const captured = Math.min(frame.length, snaplen);
  const out = new Uint8Array(16 + captured);
  const dv = view(out);
  let seconds = Math.floor(atMs / 1000);
  let micros = Math.round((atMs - seconds * 1000) * 1000);
  if (micros >= 1_000_000) {
    seconds += 1;
    micros -= 1_000_000;
  }
  dv.setUint32(0, seconds >>> 0, true);
  dv.setUint32(4, micros, true);
  dv.setUint32(8, captured, true);
  dv.setUint32(12, frame.length, true);
  out.set(frame.subarray(0, captured), 16);
  return out;
}

/**
 * Writes a capture file as frames come. Writes are synchronous on purpose: records keep their
 * order whatever the callers do, and the file is complete up to the last frame even if the run
 * dies; a test link carries few frames, so the cost is nothing.
 */
export class PcapWriter {
  private fd: number | undefined;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
    writeSync(this.fd, pcapFileHeader());
  }

  /** `atMs` is milliseconds since the epoch (fractions kept to the microsecond); defaults to now. */
  write(frame: Uint8Array, atMs: number = Date.now()): void {
    if (this.fd === undefined) throw new Error(`pcap ${this.path} is closed`);
    writeSync(this.fd, pcapRecord(frame, atMs));
  }

  /** Safe to call twice. */
  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}
