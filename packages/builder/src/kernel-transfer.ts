// A kernel cache entry moving between the hosts of one lab: the builder's host lists its files (to upload
// them with their checksums), another host puts the entry in place from files it fetched, whole or not at
// all, and hands it to a run as a build whose every stage was cached. The tree is not needed for that.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { BuiltKernel } from '@testlab/core';
import { publishDir } from './atomic.js';
import { CacheLayout } from './cache-layout.js';
import { readKernelEntry, readKernelEntryAt } from './kernel-cache.js';

const KEY = /^[0-9a-f]{64}$/;

function entryDir(cacheDir: string, key: string): { layout: CacheLayout; dir: string } {
  if (!KEY.test(key)) throw new Error(`not a kernel cache key: ${JSON.stringify(key.slice(0, 80))}`);
  const layout = new CacheLayout(path.resolve(cacheDir));
  return { layout, dir: layout.kernelDir(key) };
}

/** The files of a whole cache entry (meta.json last: a receiver that has it has the rest), or undefined. */
export async function kernelEntryFiles(cacheDir: string, key: string): Promise<{ name: string; path: string }[] | undefined> {
  const { layout, dir } = entryDir(cacheDir, key);
  if ((await readKernelEntry(layout, key)) === undefined) return undefined;
  const names = (await readdir(dir)).filter((n) => n !== 'meta.json').sort();
  return [...names, 'meta.json'].map((name) => ({ name, path: path.join(dir, name) }));
}

/** The entry of `key` as a build result with every stage cached, or undefined when this host does not have it. */
export async function cachedKernel(cacheDir: string, key: string): Promise<BuiltKernel | undefined> {
  const { layout } = entryDir(cacheDir, key);
  const entry = await readKernelEntry(layout, key);
  if (entry === undefined) return undefined;
  const { meta, artifacts } = entry;
  return {
    sourceHash: meta.sourceHash, sourceLabel: meta.sourceLabel, cacheKey: meta.cacheKey, kernelVersion: meta.kernelVersion,
    kernelRelease: meta.kernelRelease, artifacts, fromCache: true, stages: { unpack: 'cached', configure: 'cached', build: 'cached' },
  };
}

/**
 * Puts the entry of `key` in this host's cache from the files `fetch` writes into a temp folder (each one
 * checked by the caller as it arrives); refused unless they make a whole entry for that key.
 */
export async function installKernelEntry(cacheDir: string, key: string, fetch: (dir: string) => Promise<void>): Promise<BuiltKernel> {
  const { dir } = entryDir(cacheDir, key);
  await publishDir(dir, async (tmp) => {
    await fetch(tmp);
    // The same checks a cache hit makes, on the temp folder: every file there, meta.json naming this key.
    if ((await readKernelEntryAt(tmp, key)) === undefined) throw new Error(`the files fetched for kernel ${key} do not make a whole cache entry (meta.json naming it, bzImage, System.map, .config, build.log)`);
  });
  const built = await cachedKernel(cacheDir, key);
  if (built === undefined) throw new Error(`kernel ${key} is not in the cache after it was put there`);
  return built;
}
