// The retention decision applied to one host's disk: what that host holds of runs, kernels, selftests and
// downloads that no kept run needs and that is older than the grace period. The places are the lab's:
//   <home>/runs/run-<id>/          a run's files (pipeline)          <home>/received/<id>/   uploaded copies (web)
//   <cache>/kernels/<key>/         built kernels (builder)           <home>/kernels/<key>/   kernels received (web)
//   <cache>/kselftest/<key 16>/    selftests per kernel (engine-kselftest)
//   <cache>/downloads/<h>[.json]   tarballs, the record naming their sha256 (transport)
// Unpacked trees are the builder's own pruning (pruneSourceTrees), not this.
import { lstat, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { RetentionDecision } from './policy.js';

export interface Reclaimable {
  kind: 'run files' | 'received run files' | 'kernel' | 'received kernel' | 'selftests' | 'download';
  path: string;
  bytes: number;
  /** The run or kernel it belongs to. */
  of: string;
}

export interface DiskPlan {
  items: Reclaimable[];
  bytes: number;
}

async function entries(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

/** Bytes under `p` (files counted once per inode is not attempted: hard links count in full). */
async function sizeOf(p: string): Promise<number> {
  const info = await lstat(p).catch(() => undefined);
  if (info === undefined) return 0;
  if (!info.isDirectory()) return info.size;
  let total = 0;
  for (const e of await entries(p)) total += await sizeOf(path.join(p, e));
  return total;
}

const olderThan = async (p: string, cutoff: number) => ((await lstat(p).catch(() => undefined))?.mtimeMs ?? Infinity) < cutoff;

/** What this host could free under `decision`; `now` and the policy's grace protect what is recent. */
export async function planCleanup(
  where: { home: string; cache: string },
  decision: RetentionDecision,
  options: { graceDays: number; now?: Date; knownRuns: ReadonlySet<number> },
): Promise<DiskPlan> {
  const cutoff = (options.now ?? new Date()).getTime() - options.graceDays * 86_400_000;
  const items: Reclaimable[] = [];
  const add = async (kind: Reclaimable['kind'], p: string, of: string) => items.push({ kind, path: p, of, bytes: await sizeOf(p) });

  // A run's folder goes when the store knows the run and does not keep it (an unknown folder is not ours to judge).
  for (const name of await entries(path.join(where.home, 'runs'))) {
    const id = /^run-([0-9]+)$/.exec(name)?.[1];
    if (id !== undefined && options.knownRuns.has(Number(id)) && !decision.keepRuns.has(Number(id))) await add('run files', path.join(where.home, 'runs', name), `run ${id}`);
  }
  for (const name of await entries(path.join(where.home, 'received'))) {
    if (/^[0-9]+$/.test(name) && options.knownRuns.has(Number(name)) && !decision.keepRuns.has(Number(name))) await add('received run files', path.join(where.home, 'received', name), `run ${name}`);
  }
  for (const [dir, kind] of [[path.join(where.cache, 'kernels'), 'kernel'], [path.join(where.home, 'kernels'), 'received kernel']] as const) {
    for (const key of await entries(dir)) {
      const p = path.join(dir, key);
      if (/^[0-9a-f]{64}$/.test(key) && !decision.keepCacheKeys.has(key) && (await olderThan(p, cutoff))) await add(kind, p, `kernel ${key.slice(0, 16)}`);
    }
  }
  const keptPrefixes = new Set([...decision.keepCacheKeys].map((k) => k.slice(0, 16)));
  for (const k16 of await entries(path.join(where.cache, 'kselftest'))) {
    const p = path.join(where.cache, 'kselftest', k16);
    if (/^[0-9a-f]{16}$/.test(k16) && !keptPrefixes.has(k16) && (await olderThan(p, cutoff))) await add('selftests', p, `kernel ${k16}`);
  }
  const downloads = path.join(where.cache, 'downloads');
  for (const name of await entries(downloads)) {
    if (!/^[0-9a-f]{64}$/.test(name)) continue;
    const p = path.join(downloads, name);
    const record = await readFile(`${p}.json`, 'utf8').then((t) => JSON.parse(t) as { sha256?: string; url?: string }, () => undefined);
    if (record?.sha256 !== undefined && decision.keepSources.has(`sha256:${record.sha256}`)) continue;
    if (!(await olderThan(p, cutoff))) continue;
    await add('download', p, record?.url ?? name);
    items.push({ kind: 'download', path: `${p}.json`, of: record?.url ?? name, bytes: await sizeOf(`${p}.json`) });
  }
  return { items, bytes: items.reduce((n, i) => n + i.bytes, 0) };
}

/** Removes what the plan lists; a path that is gone meanwhile is not an error. */
export async function applyCleanup(plan: DiskPlan): Promise<void> {
  for (const item of plan.items) await rm(item.path, { recursive: true, force: true });
}
