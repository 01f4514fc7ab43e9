// Pruning of unpacked trees. A tree and its build folders take 1.3-1.6 GB, and a nightly lab unpacks a new
// one for every release, rc and snapshot: without pruning the disk is full within months. The built
// kernels (a few MB each, what runs and reruns boot) are kept; a pruned tree is unpacked again if a build
// or the selftests ever need it.
import { readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { buildFolderLocked } from './build-lock.js';
import { CacheLayout, TREE_STAMP } from './cache-layout.js';

export interface PruneOptions {
  /** How many trees to keep, the most recently used. */
  keepTrees: number;
  /** A tree used more recently than this is kept whatever the count: a build or selftests build may be reading it. */
  minIdleMs: number;
  now?: number;
}

export interface PruneReport {
  kept: number;
  removed: Array<{ tree: string; lastUsed: string }>;
  /** Trees beyond the count that were left alone, with why. */
  spared: Array<{ tree: string; why: string }>;
}

const TREE = /^[0-9a-f]{40}$|^[0-9a-f]{64}$/;
const DOOMED = '.pruning-';

export async function pruneSourceTrees(cacheDir: string, options: PruneOptions): Promise<PruneReport> {
  if (!Number.isSafeInteger(options.keepTrees) || options.keepTrees < 0) throw new Error(`keepTrees must be a whole number >= 0, not ${options.keepTrees}`);
  const layout = new CacheLayout(path.resolve(cacheDir));
  const now = options.now ?? Date.now();
  const names = await readdir(layout.treesRoot).catch(() => [] as string[]);
  // A prune killed half-way left a renamed tree that nothing else will ever use.
  for (const name of names.filter((n) => n.startsWith(DOOMED))) await rm(path.join(layout.treesRoot, name), { recursive: true, force: true });

  const trees = [];
  for (const name of names.filter((n) => TREE.test(n))) {
    const dir = path.join(layout.treesRoot, name);
    // The stamp is written after each use; a tree being unpacked for the first time has only its folder's mtime.
    const times = await Promise.all([stat(path.join(dir, TREE_STAMP)), stat(dir)].map((p) => p.then((s) => s.mtimeMs, () => 0)));
    trees.push({ name, dir, lastUsed: Math.max(...times) });
  }
  trees.sort((a, b) => b.lastUsed - a.lastUsed);
  const report: PruneReport = { kept: Math.min(trees.length, options.keepTrees), removed: [], spared: [] };
  for (const tree of trees.slice(options.keepTrees)) {
    if (now - tree.lastUsed < options.minIdleMs) {
      report.spared.push({ tree: tree.name, why: `used ${Math.round((now - tree.lastUsed) / 60_000)} min ago` });
      continue;
    }
    const building = await buildInProgress(tree.dir);
    if (building) {
      report.spared.push({ tree: tree.name, why: `a build holds ${building}` });
      continue;
    }
    // Out of sight at once (one rename), then deleted: a tree is either whole or absent.
    const doomed = path.join(layout.treesRoot, `${DOOMED}${tree.name}-${process.pid}`);
    await rename(tree.dir, doomed);
    await rm(doomed, { recursive: true, force: true });
    report.removed.push({ tree: tree.name, lastUsed: new Date(tree.lastUsed).toISOString() });
  }
  return report;
}

/** The lock of a build folder of this tree that a live builder holds, if any. */
async function buildInProgress(treeDir: string): Promise<string | undefined> {
  for (const name of await readdir(treeDir)) {
    if (!name.endsWith('.lock')) continue;
    if (await buildFolderLocked(path.join(treeDir, name.slice(0, -'.lock'.length)))) return name;
  }
  return undefined;
}
