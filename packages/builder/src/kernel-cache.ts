// The kernel cache: one folder per (tree, resolved .config) with what a run needs and keeps. Entries are
// published whole (temp folder, then rename) and never changed afterwards: runs hard-link these files.
import { copyFile, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BuiltKernel } from '@testlab/core';
import { publishDir } from './atomic.js';
import type { CacheLayout } from './cache-layout.js';

export interface KernelMeta {
  kernelVersion: string;
  kernelRelease: string;
  sourceHash: string;
  sourceLabel: string;
  cacheKey: string;
  inputKey: string;
  builtAt: string;
  /** True when the entry holds modules.tar.gz (CONFIG_MODULES=y); absent in entries from before modules. */
  modules?: boolean;
}

const FILES = { bzImage: 'bzImage', systemMap: 'System.map', config: '.config', buildLog: 'build.log', modules: 'modules.tar.gz' } as const;

export function artifactPaths(dir: string, withModules = false): BuiltKernel['artifacts'] {
  return {
    bzImage: path.join(dir, FILES.bzImage),
    systemMap: path.join(dir, FILES.systemMap),
    config: path.join(dir, FILES.config),
    buildLog: path.join(dir, FILES.buildLog),
    ...(withModules ? { modules: path.join(dir, FILES.modules) } : {}),
  };
}

/** The entry for `key`, or undefined when there is none (or it is not whole: then it is rebuilt). */
export async function readKernelEntry(layout: CacheLayout, key: string): Promise<{ meta: KernelMeta; artifacts: BuiltKernel['artifacts'] } | undefined> {
  return readKernelEntryAt(layout.kernelDir(key), key);
}

/** The same, for an entry in `dir` (one being put in place from another host's files). */
export async function readKernelEntryAt(dir: string, key: string): Promise<{ meta: KernelMeta; artifacts: BuiltKernel['artifacts'] } | undefined> {
  const text = await readFile(path.join(dir, 'meta.json'), 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  let meta: KernelMeta;
  try {
    meta = JSON.parse(text) as KernelMeta;
  } catch {
    return undefined;
  }
  if (typeof meta.kernelRelease !== 'string' || typeof meta.kernelVersion !== 'string' || meta.cacheKey !== key) return undefined;
  const artifacts = artifactPaths(dir, meta.modules === true);
  for (const file of Object.values(artifacts)) {
    if (!(await stat(file).then((s) => s.isFile(), () => false))) return undefined;
  }
  return { meta, artifacts };
}

/** Copies the artifacts out of the build folder into a new entry; returns where they are. */
export async function writeKernelEntry(
  layout: CacheLayout,
  from: { outDir: string; buildLog: string; modulesTarball?: string | undefined },
  meta: KernelMeta,
): Promise<BuiltKernel['artifacts']> {
  const final = layout.kernelDir(meta.cacheKey);
  const withModules = from.modulesTarball !== undefined;
  await publishDir(final, async (tmp) => {
    const to = artifactPaths(tmp, withModules);
    await copyFile(path.join(from.outDir, 'arch/x86/boot/bzImage'), to.bzImage);
    await copyFile(path.join(from.outDir, 'System.map'), to.systemMap);
    await copyFile(path.join(from.outDir, '.config'), to.config);
    await copyFile(from.buildLog, to.buildLog);
    if (from.modulesTarball !== undefined) await copyFile(from.modulesTarball, to.modules!);
    // meta.json last: readKernelEntry also checks every file, but this keeps the order obvious.
    await writeFile(path.join(tmp, 'meta.json'), JSON.stringify({ ...meta, modules: withModules }, null, 2) + '\n');
  });
  return artifactPaths(final, withModules);
}
