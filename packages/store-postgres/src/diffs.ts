// The write side of the results service on PostgreSQL: what a diff computation reads, and the stored diffs.
import type pg from 'pg';
import {
  BASELINE_ROLES,
  diffEntryOf,
  storedDiffOf,
  type CaseVerdict,
  type DiffColumns,
  type DiffEntryColumns,
  type DiffInputs,
  type RunIdentity,
  type RunTotals,
  type StoredDiff,
  type Verdict,
} from '@testlab/core';
import { inTransaction, sqlState } from './connection.js';
import { storedVersion } from './rows.js';

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

export class PostgresDiffs {
  constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => Date,
  ) {}

  async diffInputs(runId: number): Promise<DiffInputs | undefined> {
    // One snapshot for the run, its results and its candidates.
    return inTransaction(this.pool, async (c) => {
      const { rows: [row] } = await c.query<IdentityRow>(`${IDENTITY} WHERE r.id = $1 AND r.status <> 'running'`, [runId]);
      if (!row) return undefined;
      // Only runs that completed count as baselines: a failed run's missing cases would read as "removed".
      const { rows } = await c.query<IdentityRow>(
        `${IDENTITY} WHERE r.testset = $1 AND r.nut = $2 AND r.status = 'done' AND r.id <> $3 ORDER BY r.started_at, r.id`,
        [row.testset, row.nut, runId],
      );
      const newestPerVersion = new Map<string, IdentityRow>();
      for (const r of rows) if (r.version !== row.version) newestPerVersion.set(r.version, r);
      return {
        run: toIdentity(row),
        complete: row.status === 'done',
        results: await this.#verdictsOf(c, runId),
        candidates: [...newestPerVersion.values()].map(toIdentity),
      };
    }, 'ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  verdictsOf(runId: number): Promise<CaseVerdict[]> {
    return this.#verdictsOf(this.pool, runId);
  }

  async #verdictsOf(db: pg.Pool | pg.PoolClient, runId: number): Promise<CaseVerdict[]> {
    const { rows } = await db.query<CaseVerdict>(
      'SELECT case_id AS "caseId", title, verdict FROM results WHERE run_id = $1 ORDER BY id',
      [runId],
    );
    return rows;
  }

  async priorRuns(runId: number, limit: number): Promise<RunIdentity[]> {
    if (!Number.isInteger(limit) || limit < 0) throw new Error(`priorRuns: limit must be a non-negative integer, got ${limit}`);
    const { rows } = await this.pool.query<IdentityRow>(
      `${IDENTITY} JOIN runs me ON me.id = $1
       WHERE r.testset = me.testset AND r.nut = me.nut AND r.status = 'done' AND (r.started_at, r.id) < (me.started_at, me.id)
       ORDER BY r.started_at DESC, r.id DESC LIMIT $2`,
      [runId, limit],
    );
    return rows.map(toIdentity);
  }

  async verdictsIn(runIds: readonly number[], caseIds: readonly string[]): Promise<Map<number, Map<string, Verdict>>> {
    const out = new Map<number, Map<string, Verdict>>(runIds.map((id) => [id, new Map()]));
    if (runIds.length === 0 || caseIds.length === 0) return out;
    const { rows } = await this.pool.query<{ run_id: number; case_id: string; verdict: Verdict }>(
      'SELECT run_id, case_id, verdict FROM results WHERE run_id = ANY($1::bigint[]) AND case_id = ANY($2::text[])',
      [[...runIds], [...caseIds]],
    );
    for (const r of rows) out.get(r.run_id)?.set(r.case_id, r.verdict);
    return out;
  }

  async failingSinceOf(runId: number, caseIds: readonly string[]): Promise<Map<string, { runId: number; kernelVersion: string }>> {
    const out = new Map<string, { runId: number; kernelVersion: string }>();
    if (caseIds.length === 0) return out;
    const { rows } = await this.pool.query<{ case_id: string; since_run_id: number; version: string }>(
      `SELECT f.case_id, f.since_run_id, k.version FROM failing_since f
       JOIN runs r ON r.id = f.since_run_id JOIN kernels k ON k.id = r.kernel_id
       WHERE f.run_id = $1 AND f.case_id = ANY($2::text[])`,
      [runId, [...caseIds]],
    );
    for (const r of rows) out.set(r.case_id, { runId: r.since_run_id, kernelVersion: r.version });
    return out;
  }

  async saveDiffs(
    runId: number,
    diffs: readonly StoredDiff[],
    failingSince: ReadonlyMap<string, { runId: number; kernelVersion: string }>,
    totals: RunTotals,
  ): Promise<void> {
    for (const d of diffs) {
      if (d.runId !== runId) throw new Error(`cannot store a diff of run ${d.runId} under run ${runId}`);
      for (const r of d.roles) if (!BASELINE_ROLES.includes(r)) throw new Error(`unknown baseline role ${JSON.stringify(r)}`);
    }
    try {
      await inTransaction(this.pool, async (c) => {
        // Recomputing replaces: the diffs of a run are a function of its results and its baselines.
        await c.query('DELETE FROM run_diffs WHERE run_id = $1', [runId]);
        await c.query('DELETE FROM failing_since WHERE run_id = $1', [runId]);
        for (const [position, d] of diffs.entries()) {
          const { rows } = await c.query<{ id: number }>(
            `INSERT INTO run_diffs (run_id, baseline_run_id, position, roles, wanted, counts) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
            [runId, d.baselineRunId, position, d.roles.join(','), d.wanted, JSON.stringify(d.counts)],
          );
          if (d.entries.length === 0) continue;
          // One statement per diff, however many entries: arrays unnested side by side.
          await c.query(
            `INSERT INTO diff_entries (diff_id, position, case_id, title, class, before, after, fail_count, run_count)
             SELECT $1, e.ord - 1, e.case_id, e.title, e.class, e.before, e.after, e.fail_count, e.run_count
             FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::int[])
               WITH ORDINALITY AS e (case_id, title, class, before, after, fail_count, run_count, ord)`,
            [
              rows[0]!.id,
              d.entries.map((e) => e.caseId), d.entries.map((e) => e.title), d.entries.map((e) => e.class),
              d.entries.map((e) => e.before), d.entries.map((e) => e.after),
              d.entries.map((e) => e.failRuns?.fail ?? null), d.entries.map((e) => e.failRuns?.runs ?? null),
            ],
          );
        }
        if (failingSince.size > 0) {
          await c.query(
            `INSERT INTO failing_since (run_id, case_id, since_run_id) SELECT $1, f.case_id, f.since FROM unnest($2::text[], $3::bigint[]) AS f (case_id, since)`,
            [runId, [...failingSince.keys()], [...failingSince.values()].map((s) => s.runId)],
          );
        }
        const t = totals.counts;
        await c.query(
          `INSERT INTO run_totals (run_id, n_pass, n_fail, n_warn, n_na, n_error, n_regression, n_regression_any, n_fix, n_flaky, computed_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
           ON CONFLICT (run_id) DO UPDATE SET n_pass = excluded.n_pass, n_fail = excluded.n_fail, n_warn = excluded.n_warn,
             n_na = excluded.n_na, n_error = excluded.n_error, n_regression = excluded.n_regression,
             n_regression_any = excluded.n_regression_any, n_fix = excluded.n_fix, n_flaky = excluded.n_flaky,
             computed_at = excluded.computed_at`,
          [runId, t.PASS, t.FAIL, t.WARN, t.NA, t.ERROR, totals.regressions, totals.regressionsAny ?? totals.regressions, totals.fixes, totals.flaky, this.now().toISOString()],
        );
      });
    } catch (e) {
      if (sqlState(e) === '23503') throw new Error(`cannot store diffs of run ${runId}: no such run or baseline run`, { cause: e });
      throw e;
    }
  }

  async diffsOf(runId: number): Promise<StoredDiff[]> {
    // One statement (one snapshot, one round trip): each diff's row once per entry, or once with no entry.
    const { rows } = await this.pool.query<DiffColumns & { id: number } & Partial<DiffEntryColumns>>(
      `SELECT d.id, d.baseline_run_id, d.roles, d.wanted, d.counts, k.version,
         e.case_id, e.title, e.class, e.before, e.after, e.fail_count, e.run_count, f.since_run_id, sk.version AS since_version
       FROM run_diffs d JOIN runs b ON b.id = d.baseline_run_id LEFT JOIN kernels k ON k.id = b.kernel_id
       LEFT JOIN diff_entries e ON e.diff_id = d.id
       LEFT JOIN failing_since f ON f.run_id = d.run_id AND f.case_id = e.case_id AND e.after IN ('FAIL', 'ERROR')
       LEFT JOIN runs sr ON sr.id = f.since_run_id LEFT JOIN kernels sk ON sk.id = sr.kernel_id
       WHERE d.run_id = $1 ORDER BY d.position, e.position`,
      [runId],
    );
    const diffs = new Map<number, StoredDiff>();
    for (const row of rows) {
      let diff = diffs.get(row.id);
      if (diff === undefined) {
        diff = storedDiffOf(runId, row, []);
        diffs.set(row.id, diff);
      }
      if (row.case_id != null) diff.entries.push(diffEntryOf(row as DiffEntryColumns));
    }
    return [...diffs.values()];
  }
}
