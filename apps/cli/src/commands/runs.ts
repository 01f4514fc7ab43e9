// `testlab runs`: the runs newest first, from the local store or, with --lab, from a running lab's
// /api/runs (filters and paging are the lab's). Both print one table, writeRunsTable().
import type { Command } from 'commander';
import { RUN_LIST_MAX_LIMIT, RUN_STATUSES, type LabStore, type RunListPage, type RunSummary } from '@testlab/core';
import { table } from '../format.js';
import { EXIT, labClient, printJson, remote, RemoteError, type LabOptions } from './remote.js';

type RunLine = Pick<RunSummary, 'id' | 'kernelVersion' | 'testset' | 'nut' | 'status' | 'failedStage' | 'counts' | 'startedAt'>;

/** The runs as people read them, wherever they came from. */
export function writeRunsTable(runs: readonly RunLine[]): void {
  const rows = runs.map((r) => [
    String(r.id),
    r.kernelVersion ?? '-',
    r.testset,
    r.nut,
    r.status === 'failed' ? `failed (${r.failedStage})` : r.status,
    `${r.counts.PASS}/${r.counts.FAIL}/${r.counts.WARN}/${r.counts.NA}/${r.counts.ERROR}`,
    r.startedAt.replace('T', ' ').slice(0, 19),
  ]);
  process.stdout.write(`${table(['RUN', 'KERNEL', 'TESTSET', 'NUT', 'STATUS', 'PASS/FAIL/WARN/NA/ERR', 'STARTED (UTC)'], rows)}\n`);
}

export interface RunsOptions extends LabOptions {
  limit?: string;
  json?: boolean;
  kernel?: string;
  testset?: string;
  nut?: string;
  status?: string;
  regressed?: boolean;
  before?: string;
}

const DEFAULT_LIMIT = 50;
const LAB_ONLY = ['kernel', 'testset', 'nut', 'status', 'regressed', 'before'] as const;

// Checked here rather than by commander: commander exits 1 on a bad argument, which for the lab commands
// means "the lab failed"; a wrong argument is exit 2 (EXIT.usage) everywhere.
function limitOf(text: string | undefined, max: number): number {
  if (text === undefined) return DEFAULT_LIMIT;
  if (!/^[1-9][0-9]{0,6}$/.test(text) || Number(text) > max) throw new RemoteError(`--limit must be 1..${max}, got ${JSON.stringify(text.slice(0, 20))}`, EXIT.usage);
  return Number(text);
}

export async function listRunsCommand(store: LabStore, opts: RunsOptions): Promise<number> {
  return remote(async () => {
    const given = LAB_ONLY.filter((k) => opts[k] !== undefined && opts[k] !== false).map((k) => `--${k}`);
    // The local store keeps no totals or indexes for these; the lab's API does.
    if (given.length > 0) throw new RemoteError(`${given.join(', ')}: only with --lab (the local list is the newest runs, --limit of them)`, EXIT.usage);
    const runs = await store.listRuns({ limit: limitOf(opts.limit, 9_999_999) });
    if (opts.json) printJson(runs);
    else if (runs.length === 0) process.stdout.write('no runs yet: start one with `testlab run --source ... --testset ...`\n');
    else writeRunsTable(runs);
    return EXIT.ok;
  });
}

/** `testlab runs --lab URL`: one page of the lab's runs; --json prints the API's `{ runs, next }` for scripts that page. */
export async function remoteRunsCommand(opts: RunsOptions): Promise<number> {
  return remote(async () => {
    const query = new URLSearchParams({ limit: String(limitOf(opts.limit, RUN_LIST_MAX_LIMIT)) });
    // Checked before anything is sent, with the flag's name; the lab checks them again (it trusts no client).
    if (opts.status !== undefined && !(RUN_STATUSES as readonly string[]).includes(opts.status)) {
      throw new RemoteError(`--status must be one of ${RUN_STATUSES.join(', ')}, got ${JSON.stringify(opts.status.slice(0, 40))}`, EXIT.usage);
    }
    if (opts.before !== undefined && !/^[1-9][0-9]{0,9}$/.test(opts.before)) {
      throw new RemoteError(`--before must be a run id, got ${JSON.stringify(opts.before.slice(0, 40))}`, EXIT.usage);
    }
    for (const key of ['kernel', 'testset', 'nut', 'status', 'before'] as const) {
      const value = opts[key];
      if (value !== undefined) query.set(key, value);
    }
    if (opts.regressed) query.set('regressed', '1');
    const client = labClient(opts);
    const page = await client.get<RunListPage>(`/api/runs?${query}`);
    if (opts.json) {
      printJson(page);
      return EXIT.ok;
    }
    if (page.runs.length === 0) process.stdout.write(`no runs match on ${client.base}\n`);
    else writeRunsTable(page.runs);
    if (page.next !== null) process.stdout.write(`\nolder runs: the same with --before ${page.next}\n`);
    return EXIT.ok;
  });
}

export function registerRuns(program: Command, openStore: () => Promise<LabStore>): void {
  program
    .command('runs')
    .description('list runs, newest first, from the local store or a running lab (exit 1: lab unreachable or failed, 2: bad arguments, 3: no such --before run)')
    .option('--limit <n>', `how many (default ${DEFAULT_LIMIT}; at most ${RUN_LIST_MAX_LIMIT} with --lab)`)
    .option('--json', 'JSON for scripts (with --lab: {runs, next}, next being the --before of the following page)')
    .option('--lab <url>', "list the runs of a running lab through its API instead of the local store")
    .option('--token-file <path>', 'file holding the lab API token (default: $TESTLAB_TOKEN; reads need none today)')
    .option('--kernel <version>', 'with --lab: runs of this kernel version, e.g. 6.1.192')
    .option('--testset <name>', 'with --lab: runs of this test set')
    .option('--nut <kind>', 'with --lab: runs on this NUT kind')
    .option('--status <status>', `with --lab: ${RUN_STATUSES.join(', ')}`)
    .option('--regressed', 'with --lab: runs that regressed against their most specific baseline')
    .option('--before <run>', 'with --lab: the page after this run (the "older runs" hint)')
    .action(async (opts: RunsOptions) => {
      if (opts.lab) {
        process.exitCode = await remoteRunsCommand(opts);
        return;
      }
      const store = await openStore();
      try {
        process.exitCode = await listRunsCommand(store, opts);
      } finally {
        await store.close();
      }
    });
}
