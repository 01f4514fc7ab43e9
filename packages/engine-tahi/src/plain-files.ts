// A report folder is read and copied only as regular files inside it: a symbolic link (2.html -> /etc/passwd
// would put that file on the dashboard), a FIFO (a read that never ends) or a device is refused by name, never
// followed. Each file is opened with O_NOFOLLOW and judged by fstat on the open descriptor, so a file swapped
// for a link between a check and the read is caught too.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, type Stats } from 'node:fs';
import { mkdir, open, readdir } from 'node:fs/promises';
import path from 'node:path';
import { TahiReportError } from './report-errors.js';

const NOT_REGULAR = 'the lab takes only regular files from a report folder';

/** What a non-regular entry is, for the message: `a symbolic link`, `a FIFO`, ... */
function kindOf(s: Pick<Stats, 'isSymbolicLink' | 'isFIFO' | 'isSocket' | 'isBlockDevice' | 'isCharacterDevice' | 'isDirectory'>): string {
  if (s.isSymbolicLink()) return 'a symbolic link';
  if (s.isFIFO()) return 'a FIFO';
  if (s.isSocket()) return 'a socket';
  if (s.isBlockDevice() || s.isCharacterDevice()) return 'a device node';
  if (s.isDirectory()) return 'a folder';
  return 'not a regular file';
}

// O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer before fstat could refuse it.
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** The bytes of `file`; TahiReportError when it is not a regular file or is larger than `maxBytes`. ENOENT is thrown as is. */
export function readRegularFile(file: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = openSync(file, READ_FLAGS);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw new TahiReportError(file, `a symbolic link: ${NOT_REGULAR}`);
    throw e;
  }
  try {
    const info = fstatSync(fd);
    if (!info.isFile()) throw new TahiReportError(file, `${kindOf(info)}: ${NOT_REGULAR}`);
    if (info.size > maxBytes) throw new TahiReportError(file, `${info.size} bytes, more than the ${maxBytes} the lab reads from one report file`);
    const bytes = Buffer.alloc(info.size);
    let at = 0;
    while (at < bytes.length) {
      const n = readSync(fd, bytes, at, bytes.length - at, null);
      if (n === 0) break;
      at += n;
    }
    return bytes.subarray(0, at);
  } finally {
    closeSync(fd);
  }
}

/** True for a regular file, false when there is nothing at `file`; anything else there is refused. */
export function isRegularFile(file: string): boolean {
  const info = lstatSync(file, { throwIfNoEntry: false });
  if (info === undefined) return false;
  if (!info.isFile()) throw new TahiReportError(file, `${kindOf(info)}: ${NOT_REGULAR}`);
  return true;
}

/**
 * Copies the folder `from` into `to` (created), subfolders included, refusing at the first entry that is not
 * a regular file or a folder. Returns the relative paths copied. `maxBytes` bounds the whole copy.
 */
export async function copyRegularFiles(from: string, to: string, maxBytes = 1024 ** 3): Promise<string[]> {
  const copied: string[] = [];
  let total = 0;
  const walk = async (rel: string, depth: number): Promise<void> => {
    if (depth > 8) throw new TahiReportError(path.join(from, rel), 'folders nested deeper than any TAHI result folder');
    await mkdir(path.join(to, rel), { recursive: true });
    for (const entry of (await readdir(path.join(from, rel), { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const name = path.join(rel, entry.name);
      if (entry.isDirectory()) {
        await walk(name, depth + 1);
        continue;
      }
      if (!entry.isFile()) throw new TahiReportError(path.join(from, name), `${kindOf(entry)}: ${NOT_REGULAR}`);
      total += await copyOne(path.join(from, name), path.join(to, name), maxBytes - total);
      copied.push(name);
    }
  };
  await walk('', 0);
  return copied;
}

async function copyOne(source: string, dest: string, budget: number): Promise<number> {
  const input = await open(source, READ_FLAGS).catch((e: NodeJS.ErrnoException) => {
    throw e.code === 'ELOOP' ? new TahiReportError(source, `a symbolic link: ${NOT_REGULAR}`) : e;
  });
  try {
    const info = await input.stat();
    if (!info.isFile()) throw new TahiReportError(source, `${kindOf(info)}: ${NOT_REGULAR}`);
    if (info.size > budget) throw new TahiReportError(source, `the folder holds more bytes than the lab imports at once`);
    // wx: the destination is a fresh folder; an entry already there is not ours to write through.
    const output = await open(dest, 'wx', 0o644);
    try {
      const buffer = Buffer.alloc(1 << 20);
      let copied = 0;
      for (;;) {
        const { bytesRead } = await input.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) break;
        copied += bytesRead;
        if (copied > budget) throw new TahiReportError(source, 'grew while it was copied, past what the lab imports at once');
        await output.write(buffer, 0, bytesRead);
      }
      return copied;
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}
