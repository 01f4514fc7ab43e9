// `testlab watch --once`: polls kernel.org's releases.json and configured git trees once and prints what it
// found: new, already known, rejected, or skipped with the reason. With `--config labd.yaml` new kernels are
// enqueued in the lab's job queue (known = already planned there; watch-queue.ts); `--dry-run` enqueues
// nothing. Without a config only `--dry-run` is possible (known = a run of that version is in the store).
// Continuous watching is the lab daemon's job.
import type { Command } from 'commander';
import type { DiscoveredKernel, DiscoveredKernelSink, LabStore, Progress } from '@testlab/core';
import { DEFAULT_RELEASES_URL, fetchKernel, parseWatchConfig, pollOnce, type SourceReport, type WatchSourceConfig } from '@testlab/watcher';
import type { LabPaths } from '../lab-paths.js';
import { ConfigError } from '@testlab/lab-config';
import { openLabStore } from '../wiring.js';
import { table } from '../format.js';
import { openQueueSink, type QueueSink } from './watch-queue.js';

export interface WatchOptions {
  once?: boolean;
  dryRun?: boolean;
  releases?: boolean;
  releasesUrl?: string;
  gitTree?: string[];
  branch?: string[];
  since?: string;
  verify?: boolean;
  keyring?: string;
  /** gpgv keyring the git trees' tags must be signed with (tags without a good signature are skipped). */
  tagKeyring?: string;
  rcTagRepo?: string;
  json?: boolean;
  /** The lab's config (labd.yaml): enqueue into its job queue. */
  config?: string;
}

/**
 * Known = the lab store has a run of that version. LabStore has no query by version yet, so this reads
 * every run's kernel version once; the daemon's sink will ask the job queue instead.
 */
export async function storeKernelSink(store: LabStore): Promise<DiscoveredKernelSink> {
  const runs = await store.listRuns({ limit: 1_000_000 });
  const known = new Set(runs.map((r) => r.kernelVersion).filter((v): v is string => v !== null));
  return {
    isKnown: async (k: DiscoveredKernel) => known.has(k.version.text),
    offer: async () => {
      throw new Error('enqueueing is not wired yet: testlab watch runs with --dry-run only');
    },
  };
}

export async function watchCommand(paths: LabPaths, opts: WatchOptions): Promise<number> {
  if (!opts.once) return usage('only one poll is supported here (--once); continuous watching is the lab daemon\'s job');
  if (!opts.dryRun && opts.config === undefined) return usage("enqueueing needs the lab's job queue: give --config <labd.yaml>, or add --dry-run");
  const sources: WatchSourceConfig[] = [];
  if (opts.releases !== false) sources.push({ driver: 'releases-json', url: opts.releasesUrl ?? DEFAULT_RELEASES_URL });
  for (const spec of opts.gitTree ?? []) {
    const eq = spec.indexOf('=');
    if (eq <= 0) return usage(`--git-tree ${JSON.stringify(spec.slice(0, 80))}: expected <name>=<repository>`);
    sources.push({
      driver: 'git-tree',
      name: spec.slice(0, eq),
      repo: spec.slice(eq + 1),
      ...(opts.branch ? { branches: opts.branch } : {}),
      ...(opts.since ? { since: opts.since } : {}),
      ...(opts.tagKeyring ? { keyring: opts.tagKeyring } : {}),
    });
  }
  if (sources.length === 0) return usage('nothing to watch: give --git-tree, or leave out --no-releases');
  let built;
  try {
    built = parseWatchConfig({ sources, ...(opts.keyring ? { keyring: opts.keyring } : {}), ...(opts.rcTagRepo ? { rcTagRepo: opts.rcTagRepo } : {}) });
  } catch (error) {
    return usage((error as Error).message);
  }
  const { config } = built;

  let lab: QueueSink | undefined;
  if (opts.config !== undefined) {
    try {
      lab = await openQueueSink(opts.config);
    } catch (error) {
      if (error instanceof ConfigError) return usage(error.message);
      throw error;
    }
    // The lab's cache: a kernel fetched and verified here is the one labd builds.
    paths = { ...paths, home: lab.config.home, cache: lab.config.cache };
  }
  const store = lab === undefined ? await openLabStore(paths) : undefined;
  const dryRun = Boolean(opts.dryRun);
  let reports: SourceReport[];
  try {
    const sink = lab?.sink ?? (await storeKernelSink(store!));
    const progress = opts.json ? quietProgress : stderrProgress();
    reports = await pollOnce(built.sources, sink, {
      cacheDir: paths.cache,
      progress,
      dryRun,
      ...(opts.verify
        ? {
            fetch: (k: DiscoveredKernel) =>
              fetchKernel(k, {
                cacheDir: paths.cache,
                progress,
                ...(config.keyring ? { keyring: config.keyring } : {}),
                ...(config.rcTagRepo ? { rcTagRepo: config.rcTagRepo } : {}),
              }),
          }
        : {}),
    });
  } finally {
    await store?.close();
    await lab?.close();
  }

  const enqueued = (lab?.enqueued ?? []).map((e) => ({ version: e.kernel.version.text, jobs: e.result.added.length, unplaceable: e.result.plan.unplaceable }));
  if (opts.json) process.stdout.write(`${JSON.stringify({ dryRun, sources: reports.map(reportJson), ...(dryRun ? {} : { enqueued }) }, null, 2)}\n`);
  else {
    printReports(reports);
    if (dryRun) process.stdout.write('(dry run: nothing enqueued)\n');
    else for (const e of enqueued) process.stdout.write(`enqueued ${e.version}: ${e.jobs} new jobs${e.unplaceable.map((u) => `; ${u.testset} not planned: ${u.reason}`).join('')}\n`);
  }
  // A source that could not be read at all is the lab's problem to look at; skipped entries are not.
  return reports.some((r) => r.error !== undefined) ? 1 : 0;
}

function reportJson(r: SourceReport) {
  return {
    source: r.source,
    ...(r.error !== undefined ? { error: r.error } : {}),
    found: r.found.map((f) => ({
      version: f.kernel.version.text,
      kind: f.kernel.version.kind,
      stream: f.kernel.stream,
      status: f.status,
      ...(f.note !== undefined ? { note: f.note } : {}),
      ...(f.verifiedBy !== undefined ? { verifiedBy: f.verifiedBy } : {}),
      eol: f.kernel.eol,
      released: f.kernel.released ?? null,
      origin: f.kernel.origin,
    })),
    skipped: r.skipped,
  };
}

const MAX_SKIPPED_SHOWN = 20;

function printReports(reports: SourceReport[]): void {
  const w = (s: string) => process.stdout.write(`${s}\n`);
  for (const r of reports) {
    w(`${r.source}${r.error !== undefined ? '' : `: ${r.found.length} kernels, ${r.skipped.length} skipped`}`);
    if (r.error !== undefined) {
      w(`  could not be read: ${r.error}`);
      continue;
    }
    if (r.found.length > 0) {
      const rows = r.found.map((f) => [
        f.status,
        f.kernel.version.text,
        f.kernel.stream,
        f.kernel.released?.slice(0, 10) ?? '-',
        f.note ?? f.verifiedBy ?? (f.kernel.origin.type === 'git' ? `${f.kernel.origin.repo} ${f.kernel.origin.ref}` : f.kernel.origin.url),
      ]);
      w(indent(table(['STATUS', 'VERSION', 'STREAM', 'RELEASED', 'FROM / NOTE'], rows)));
    }
    for (const s of r.skipped.slice(0, MAX_SKIPPED_SHOWN)) w(`  skipped ${s.entry}: ${s.reason}`);
    if (r.skipped.length > MAX_SKIPPED_SHOWN) w(`  ... and ${r.skipped.length - MAX_SKIPPED_SHOWN} more skipped (--json lists all)`);
  }
}

function indent(text: string): string {
  return text.split('\n').map((l) => `  ${l}`).join('\n');
}

const quietProgress: Progress = { step() {}, fraction() {} };

/** Steps on stderr; byte counts at most every 5 s so a 150 MiB download does not flood a log. */
function stderrProgress(): Progress {
  let last = 0;
  return {
    step: (text) => process.stderr.write(`watch: ${text}\n`),
    fraction: (value, detail) => {
      const now = Date.now();
      if (now - last < 5_000) return;
      last = now;
      process.stderr.write(`watch: ${value === undefined ? '' : `${Math.floor(value * 100)}% `}${detail ?? ''}\n`);
    },
  };
}

function usage(message: string): number {
  process.stderr.write(`testlab watch: ${message}\n`);
  return 2;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function registerWatch(program: Command, paths: () => LabPaths): void {
  program
    .command('watch')
    .description("poll kernel.org's releases.json and git trees for new kernels")
    .option('--once', 'poll every source once and exit')
    .option('--dry-run', 'report what was found without enqueueing anything')
    .option('--releases-url <url>', `releases.json to read (default ${DEFAULT_RELEASES_URL})`)
    .option('--no-releases', 'do not read releases.json (git trees only)')
    .option('--git-tree <name=repo>', 'a git tree to watch: tags v*/next-*, and --branch heads (repeatable)', collect)
    .option('--branch <name>', 'branch of the git trees whose head is a daily snapshot (repeatable)', collect)
    .option('--since <version>', 'ignore git tags older than this version, e.g. 6.1')
    .option('--verify', 'download each new kernel and check it (PGP signature, or rc against its git tag)')
    .option('--keyring <file>', 'gpgv keyring with the release signers\' keys (for --verify)')
    .option('--tag-keyring <file>', 'gpgv keyring the --git-tree tags must be signed with (others are skipped, with the reason)')
    .option('--rc-tag-repo <repo>', 'git tree whose tags vouch for rc tarballs (for --verify)')
    .option('--config <labd.yaml>', "the lab's config: enqueue new kernels in its job queue (labd runs them)")
    .option('--json', 'JSON for scripts')
    .action(async (opts: WatchOptions) => {
      process.exitCode = await watchCommand(paths(), opts);
    });
}
