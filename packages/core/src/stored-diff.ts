// How both stores keep a run's diffs (migration 3, the same columns on SQLite and PostgreSQL): roles as one
// comma-separated text, counts as JSON text, each entry with the run its failing streak began in. The one
// mapping from those columns back to the records; the CHECK constraints guarantee the string unions.
import { DIFF_CLASSES, type BaselineRole, type DiffCounts, type DiffEntry, type StoredDiff } from './diffs.js';
import type { Verdict } from './results.js';

/** A run_diffs row with its baseline's kernel version. */
export interface DiffColumns {
  baseline_run_id: number;
  version: string | null;
  roles: string;
  wanted: string | null;
  counts: string;
}

/** A diff_entries row with the failing-since run and its kernel version, when there is one. */
export interface DiffEntryColumns {
  case_id: string;
  title: string;
  class: string;
  before: string | null;
  after: string | null;
  fail_count: number | null;
  run_count: number | null;
  since_run_id: number | null;
  since_version: string | null;
}

export function storedDiffOf(runId: number, row: DiffColumns, entries: DiffEntry[]): StoredDiff {
  return {
    runId,
    baselineRunId: row.baseline_run_id,
    baselineKernel: row.version ?? '?',
    roles: row.roles.split(',') as BaselineRole[],
    wanted: row.wanted,
    counts: diffCountsOf(row.counts),
    entries,
  };
}

export function diffEntryOf(e: DiffEntryColumns): DiffEntry {
  return {
    caseId: e.case_id,
    title: e.title,
    class: e.class as DiffEntry['class'],
    before: e.before as Verdict | null,
    after: e.after as Verdict | null,
    failingSince: e.since_run_id !== null ? { runId: e.since_run_id, kernelVersion: e.since_version ?? '?' } : null,
    failRuns: e.fail_count !== null && e.run_count !== null ? { fail: e.fail_count, runs: e.run_count } : null,
  };
}

/** Counts as stored: a class missing from the JSON counts 0. */
function diffCountsOf(text: string): DiffCounts {
  const raw = JSON.parse(text) as Partial<Record<string, number>>;
  return Object.fromEntries(DIFF_CLASSES.map((c) => [c, raw[c] ?? 0])) as DiffCounts;
}
