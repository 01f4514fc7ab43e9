// The unpack stage's tree cache: one extracted tree per source identity, shared by every config built from it.
import { stat, writeFile } from 'node:fs/promises';
import type { KernelSource, Progress } from '@testlab/core';
import { publishDir } from './atomic.js';
import type { CacheLayout } from './cache-layout.js';

/** Makes sure `srcDir` holds the tree; returns false when it was already there (the stage is `cached`). */
export async function ensureTree(source: KernelSource, srcDir: string, cacheDir: string, progress: Progress): Promise<boolean> {
  // The folder only ever appears by rename of a complete extraction, so its presence means a whole tree.
  if (await isDirectory(srcDir)) return false;
  await publishDir(srcDir, (tmp) => source.extractTo(tmp, cacheDir, progress));
  return true;
}

export const treeIsThere = (layout: CacheLayout, sourceHash: string): Promise<boolean> => isDirectory(layout.srcDir(sourceHash));

const isDirectory = (dir: string): Promise<boolean> => stat(dir).then((s) => s.isDirectory(), () => false);

/** The tree's last use, which pruning goes by (prune.ts): the mtime of `<tree>/last-used`. */
export async function markTreeUsed(layout: CacheLayout, sourceHash: string): Promise<void> {
  await writeFile(layout.treeStamp(sourceHash), `${new Date().toISOString()}\n`);
}
