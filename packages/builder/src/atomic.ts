// All-or-nothing writes: a cache entry is either complete or absent, whatever moment the lab process dies at.
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export function tempName(final: string): string {
  return `${final}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

export async function writeFileAtomic(file: string, data: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = tempName(file);
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } finally {
    await rm(tmp, { force: true });
  }
}

/**
 * Fills a temp folder with `fill` and renames it to `final`. If another process published `final` first, theirs
 * is kept (same key, same content) and ours is dropped. Returns false in that case.
 */
export async function publishDir(final: string, fill: (tmp: string) => Promise<void>): Promise<boolean> {
  await mkdir(path.dirname(final), { recursive: true });
  const tmp = tempName(final);
  await mkdir(tmp);
  try {
    await fill(tmp);
    try {
      await rename(tmp, final);
      return true;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST') return false;
      throw e;
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
