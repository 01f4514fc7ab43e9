// A writer for the cpio "newc" format, the one Linux unpacks as an initramfs. Small enough to write here
// rather than run `cpio`: entries are given with their final owner and mode, whoever runs the lab.
export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;

export interface NewcEntry {
  /** Path inside the archive, without a leading slash. */
  name: string;
  /** Full st_mode: file type bits and permissions, e.g. S_IFREG | 0o600. */
  mode: number;
  data?: Buffer;
  uid?: number;
  gid?: number;
  /** Seconds since the epoch. */
  mtime?: number;
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0').toUpperCase();
const pad4 = (n: number) => Buffer.alloc((4 - (n % 4)) % 4);

function entryBytes(entry: NewcEntry, ino: number): Buffer {
  const data = entry.data ?? Buffer.alloc(0);
  const name = Buffer.from(`${entry.name}\0`);
  const isDir = (entry.mode & 0o170000) === S_IFDIR;
  const fields = [
    ino, entry.mode, entry.uid ?? 0, entry.gid ?? 0, isDir ? 2 : 1, entry.mtime ?? 0, data.length,
    0, 0, // devmajor, devminor
    0, 0, // rdevmajor, rdevminor
    name.length, 0, // namesize (with the NUL), check
  ];
  const header = Buffer.from(`070701${fields.map(hex8).join('')}`, 'ascii');
  return Buffer.concat([header, name, pad4(header.length + name.length), data, pad4(data.length)]);
}

/** An uncompressed newc archive of `entries`, ending with the TRAILER!!! entry. */
export function newcArchive(entries: readonly NewcEntry[]): Buffer {
  for (const entry of entries) {
    if (entry.name === '' || entry.name.startsWith('/') || entry.name.includes('\0')) {
      throw new Error(`bad cpio entry name ${JSON.stringify(entry.name)}`);
    }
  }
  // Inode numbers high enough not to meet the base archive's (Linux links same-inode files with nlink > 1).
  const parts = entries.map((entry, i) => entryBytes(entry, 0x7e570000 + i + 1));
  parts.push(entryBytes({ name: 'TRAILER!!!', mode: 0 }, 0));
  return Buffer.concat(parts);
}
