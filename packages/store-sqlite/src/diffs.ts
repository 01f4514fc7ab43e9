// The write side of the results service on SQLite: what a diff computation reads, and the stored diffs.
import type Database from 'better-sqlite3';
import {
  BASELINE_ROLES,
  diffEntryOf,
  storedDiffOf,
  type CaseVerdict,
  type DiffColumns,
  type DiffEntry,
  type DiffEntryColumns,
  type DiffInputs,
  type RunIdentity,
  type RunTotals,
  type StoredDiff,
  type Verdict,
} from '@testlab/core';
import { storedVersion } from './rows.js';

type Prepare = <P extends unknown[] = unknown[], R = unknown>(sql: string) => Database.Statement<P, R>;

interface IdentityRow {
  id: number;
  version: string;
  testset: string;
  nut: string;
  finished_at: string | null;
  started_at: string;
  status: string;
}

const IDENTITY = `SELECT r.id, k.version, r.testset, r.nut, r.finished_at, r.started_at, r.status
  FROM runs r JOIN kernels k ON k.id = r.kernel_id`;

const toIdentity = (r: IdentityRow): RunIdentity => ({
  runId: r.id,
  kernelVersion: storedVersion(r.version),
  testset: r.testset,
  nut: r.nut,
  finishedAt: r.finished_at ?? r.started_at,
});

/** SQLite caps bound parameters (32766 by default); chunks stay far below it. */
const CHUNK = 500;

export class SqliteDiffs {
  constructor(
    private readonly db: Database.Database,
    private readonly q: Prepare,
    private readonly now: () => Date,
  ) {}

  diffInputs(runId: number): DiffInputs | undefined {
    const row = this.q<[number], IdentityRow>(`${IDENTITY} WHERE r.id = ? AND r.status <> 'running'`).get(runId);
    if (!row) return undefined;
    // Only runs that completed count as baselines: a failed run's missing cases would read as "removed".
    const rows = this.q<[string, string, number], IdentityRow>(
      `${IDENTITY} WHERE r.testset = ? AND r.nut = ? AND r.status = 'done' AND r.id <> ? ORDER BY r.started_at, r.id`,
    ).all(row.testset, row.nut, runId);
    const newestPerVersion = new Map<string, IdentityRow>();
    for (const r of rows) if (r.version !== row.version) newestPerVersion.set(r.version, r);
    return {
      run: toIdentity(row),
      complete: row.status === 'done',
      results: this.verdictsOf(runId),
      candidates: [...newestPerVersion.values()].map(toIdentity),
    };
  }

  verdictsOf(runId: number): CaseVerdict[] {
    return this.q<[number], CaseVerdict>(
      'SELECT case_id AS caseId, title, verdict FROM results WHERE run_id = ? ORDER BY id',
    ).all(runId);
  }

  priorRuns(runId: number, limit: number): RunIdentity[] {
    if (!Number.isInteger(limit) || limit < 0) throw new Error(`priorRuns: limit must be a non-negative integer, got ${limit}`);
    return this.q<[number, number], IdentityRow>(
      `${IDENTITY} JOIN runs me ON me.id = ?
       WHERE r.testset = me.testset AND r.nut = me.nut AND r.status = 'done'
         AND (r.started_at < me.started_at OR (r.started_at = me.started_at AND r.id < me.id))
       ORDER BY r.started_at DESC, r.id DESC LIMIT ?`,
    )
      .all(runId, limit)
      .map(toIdentity);
  }

  verdictsIn(runIds: readonly number[], caseIds: readonly string[]): Map<number, Map<string, Verdict>> {
    const out = new Map<number, Map<string, Verdict>>();
    const stmt = this.q<[number, string], { verdict: Verdict }>('SELECT verdict FROM results WHERE run_id = ? AND case_id = ?');
    // Point lookups on UNIQUE (run_id, case_id): a handful of runs times the few cases that changed.
    for (const runId of runIds) {
      const found = new Map<string, Verdict>();
      for (const caseId of caseIds) {
        const v = stmt.get(runId, caseId);
        if (v) found.set(caseId, v.verdict);
      }
      out.set(runId, found);
    }
    return out;
  }

  failingSinceOf(runId: number, caseIds: readonly string[]): Map<string, { runId: number; kernelVersion: string }> {
    const out = new Map<string, { runId: number; kernelVersion: string }>();
    for (let i = 0; i < caseIds.length; i += CHUNK) {
      const part = caseIds.slice(i, i + CHUNK);
      const rows = this.db
        .prepare<unknown[], { case_id: string; since_run_id: number; version: string }>(
          `SELECT f.case_id, f.since_run_id, k.version FROM failing_since f
           JOIN runs r ON r.id = f.since_run_id JOIN kernels k ON k.id = r.kernel_id
           WHERE f.run_id = ? AND f.case_id IN (${part.map(() => '?').join(', ')})`,
        )
        .all(runId, ...part);
      for (const r of rows) out.set(r.case_id, { runId: r.since_run_id, kernelVersion: r.version });
    }
    return out;
  }

  saveDiffs(
    runId: number,
    diffs: readonly StoredDiff[],
    failingSince: ReadonlyMap<string, { runId: number; kernelVersion: string }>,
    totals: RunTotals,
  ): void {
    for (const d of diffs) {
      if (d.runId !== runId) throw new Error(`cannot store a diff of run ${d.runId} under run ${runId}`);
      for (const r of d.roles) if (!BASELINE_ROLES.includes(r)) throw new Error(`unknown baseline role ${JSON.stringify(r)}`);
    }
    const tx = this.db.transaction(() => {
      // Recomputing replaces: the diffs of a run are a function of its results and its baselines.
      this.q('DELETE FROM run_diffs WHERE run_id = ?').run(runId);
      this.q('DELETE FROM failing_since WHERE run_id = ?').run(runId);
      const diffRow = this.q<unknown[], { id: number }>(
        `INSERT INTO run_diffs (run_id, baseline_run_id, position, roles, wanted, counts) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
      );
      const entryRow = this.q(
        `INSERT INTO diff_entries (diff_id, position, case_id, title, class, before, after, fail_count, run_count)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      diffs.forEach((d, position) => {
        const row = diffRow.get(runId, d.baselineRunId, position, d.roles.join(','), d.wanted, JSON.stringify(d.counts));
        if (!row) throw new Error('INSERT ... RETURNING returned no row');
        d.entries.forEach((e, i) =>
          entryRow.run(row.id, i, e.caseId, e.title, e.class, e.before, e.after, e.failRuns?.fail ?? null, e.failRuns?.runs ?? null),
        );
      });
      const since = this.q('INSERT INTO failing_since (run_id, case_id, since_run_id) VALUES (?, ?, ?)');
      for (const [caseId, s] of failingSince) since.run(runId, caseId, s.runId);
      const c = totals.counts;
      this.q(
        `INSERT INTO run_totals (run_id, n_pass, n_fail, n_warn, n_na, n_error, n_regression, n_regression_any, n_fix, n_flaky, computed_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id) DO UPDATE SET n_pass = excluded.n_pass, n_fail = excluded.n_fail, n_warn = excluded.n_warn,
           n_na = excluded.n_na, n_error = excluded.n_error, n_regression = excluded.n_regression,
           n_regression_any = excluded.n_regression_any, n_fix = excluded.n_fix, n_flaky = excluded.n_flaky,
           computed_at = excluded.computed_at`,
      ).run(runId, c.PASS, c.FAIL, c.WARN, c.NA, c.ERROR, totals.regressions, totals.regressionsAny ?? totals.regressions, totals.fixes, totals.flaky, this.now().toISOString());
    });
    try {
      tx.immediate();
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') throw new Error(`cannot store diffs of run ${runId}: no such run or baseline run`, { cause: e });
      throw e;
    }
  }

  diffsOf(runId: number): StoredDiff[] {
    const read = this.db.transaction(() => ({
      diffs: this.q<[number], DiffColumns & { id: number }>(
        `SELECT d.id, d.baseline_run_id, d.roles, d.wanted, d.counts, k.version FROM run_diffs d
         JOIN runs b ON b.id = d.baseline_run_id LEFT JOIN kernels k ON k.id = b.kernel_id
         WHERE d.run_id = ? ORDER BY d.position`,
      ).all(runId),
      entries: this.q<[number, number], DiffEntryColumns & { diff_id: number }>(
        `SELECT e.diff_id, e.case_id, e.title, e.class, e.before, e.after, e.fail_count, e.run_count,
           f.since_run_id, sk.version AS since_version
         FROM run_diffs d JOIN diff_entries e ON e.diff_id = d.id
         LEFT JOIN failing_since f ON f.run_id = ? AND f.case_id = e.case_id AND e.after IN ('FAIL', 'ERROR')
         LEFT JOIN runs sr ON sr.id = f.since_run_id LEFT JOIN kernels sk ON sk.id = sr.kernel_id
         WHERE d.run_id = ? ORDER BY d.position, e.position`,
      ).all(runId, runId),
    }));
    const { diffs, entries } = read.deferred();
    const byDiff = new Map<number, DiffEntry[]>();
    for (const e of entries) {
      const list = byDiff.get(e.diff_id) ?? [];
      list.push(diffEntryOf(e));
      byDiff.set(e.diff_id, list);
    }
    return diffs.map((d) => storedDiffOf(runId, d, byDiff.get(d.id) ?? []));
  }
}
