// Reads the x86 boot header of a bzImage: a cheap check that the file is a kernel at all, and the kernel
// release it announces (the first word of its version string), before QEMU is started.
import { open } from 'node:fs/promises';

export class NotABzImageError extends Error {
  override name = 'NotABzImageError';
}

/** The release the bzImage carries, e.g. `6.1.192`; throws NotABzImageError if it is no bzImage. */
export async function readBzImageRelease(path: string): Promise<string> {
  const file = await open(path, 'r');
  try {
    const header = Buffer.alloc(0x210);
    await file.read(header, 0, header.length, 0);
    // "HdrS" at 0x202 marks the Linux/x86 boot protocol; 0x20e holds the version string offset - 0x200.
    if (header.toString('latin1', 0x202, 0x206) !== 'HdrS') throw new NotABzImageError(`${path} is not a bzImage (no HdrS boot header)`);
    const offset = header.readUInt16LE(0x20e) + 0x200;
    const version = Buffer.alloc(256);
    const { bytesRead } = await file.read(version, 0, version.length, offset);
    const text = version.toString('latin1', 0, bytesRead);
    const release = text.slice(0, text.indexOf('\0') >= 0 ? text.indexOf('\0') : undefined).split(' ')[0] ?? '';
    if (!/^[0-9]+\.[0-9]+/.test(release)) throw new NotABzImageError(`${path}: no kernel version string in the boot header`);
    return release;
  } finally {
    await file.close();
  }
}
