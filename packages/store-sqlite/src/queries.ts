// The read side of the results service on SQLite: what the dashboard and the JSON API show. Every query
// here is an index range (see migration 3); kernel version order is applied in JS because it is not
// a string order (6.9 < 6.10, rc < final < stable), on versions parsed once as their rows are read.
import type Database from 'better-sqlite3';
import {
  compareKernelVersions,
  releaseStream,
  type CaseDetail,
  type CaseHistory,
  type CaseVerdict,
  type DiffInputs,
  type FeedItem,
  type HistoryPoint,
  type LabStatus,
  type Matrix,
  type MatrixCell,
  type MatrixOptions,
  type ResultFilter,
  type ResultLine,
  type ResultsQuery,
  type RunListFilter,
  type RunListPage,
  type RunRetentionFacts,
  type RunIdentity,
  type RunSummary,
  type RunTotals,
  type StoredArtifact,
  type StoredDiff,
  type Verdict,
} from '@testlab/core';
import { SqliteDiffs } from './diffs.js';
import { toHost } from './hosts.js';
import { RUN_LIST_ORDER, runPageQuery } from './run-list.js';
import { storedVersion, toArtifact, toCounts, toRun, toStage, type ArtifactRow, type RunSummaryRow, type StageRow } from './rows.js';
import type { SqliteStore } from './store.js';

const count = (v: Verdict) => `(SELECT count(*) FROM results x WHERE x.run_id = r.id AND x.verdict = '${v}')`;
// Stored totals when the run's diffs were recorded; counted (one index range per run) otherwise.
const total = (col: string, v: Verdict) => `coalesce(t.${col}, ${count(v)})`;
const SUMMARY = `
  SELECT r.*, k.version AS kernel_version,
    ${total('n_pass', 'PASS')} AS n_pass, ${total('n_fail', 'FAIL')} AS n_fail, ${total('n_warn', 'WARN')} AS n_warn,
    ${total('n_na', 'NA')} AS n_na, ${total('n_error', 'ERROR')} AS n_error, t.n_regression
  FROM runs r LEFT JOIN kernels k ON k.id = r.kernel_id LEFT JOIN run_totals t ON t.run_id = r.id`;

interface SummaryRow extends RunSummaryRow {
  n_regression: number | null;
}

const toSummary = (row: RunSummaryRow): RunSummary => ({ ...toRun(row), kernelVersion: row.kernel_version, counts: toCounts(row) });

export class SqliteResults implements ResultsQuery {
  readonly #db: Database.Database;
  readonly #statements = new Map<string, Database.Statement<unknown[]>>();
  readonly #diffs: SqliteDiffs;

  constructor(db: Database.Database, now: () => Date = () => new Date()) {
    this.#db = db;
    this.#diffs = new SqliteDiffs(db, (sql) => this.#q(sql), now);
  }

  async diffInputs(runId: number): Promise<DiffInputs | undefined> {
    return this.#diffs.diffInputs(runId);
  }
  async verdictsOf(runId: number): Promise<CaseVerdict[]> {
    return this.#diffs.verdictsOf(runId);
  }
  async priorRuns(runId: number, limit: number): Promise<RunIdentity[]> {
    return this.#diffs.priorRuns(runId, limit);
  }
  async verdictsIn(runIds: readonly number[], caseIds: readonly string[]): Promise<Map<number, Map<string, Verdict>>> {
    return this.#diffs.verdictsIn(runIds, caseIds);
  }
  async failingSinceOf(runId: number, caseIds: readonly string[]): Promise<Map<string, { runId: number; kernelVersion: string }>> {
    return this.#diffs.failingSinceOf(runId, caseIds);
  }
  async saveDiffs(
    runId: number,
    diffs: StoredDiff[],
    failingSince: ReadonlyMap<string, { runId: number; kernelVersion: string }>,
    totals: RunTotals,
  ): Promise<void> {
    this.#diffs.saveDiffs(runId, diffs, failingSince, totals);
  }
  async diffsOf(runId: number): Promise<StoredDiff[]> {
    return this.#diffs.diffsOf(runId);
  }

  async matrix(options: MatrixOptions = {}): Promise<Matrix> {
    const limit = options.kernels ?? 30;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new Error(`matrix: kernels must be 1..1000, got ${limit}`);
    // Every tested kernel with its latest run (runs_by_kernel covers it): a year is about a thousand rows.
    const all = this.#q<[], { id: number; version: string; kind: string; last: string }>(
      `SELECT k.id, k.version, k.kind, max(r.started_at) AS last FROM kernels k JOIN runs r ON r.kernel_id = k.id GROUP BY k.id`,
    )
      .all()
      .map((k) => {
        // Fields named, not spread: spreading a row object costs more than parsing its version.
        const parsed = storedVersion(k.version);
        return { id: k.id, version: k.version, kind: k.kind, last: k.last, parsed, stream: releaseStream(parsed) };
      });
    const streams = [...new Set(all.map((k) => k.stream))].sort();
    const stream = options.stream ?? null;
    const kernels = stream === null
      ? all.sort((a, b) => (a.last < b.last ? 1 : a.last > b.last ? -1 : compareKernelVersions(b.parsed, a.parsed)))
      : all.filter((k) => k.stream === stream).sort((a, b) => compareKernelVersions(b.parsed, a.parsed) || b.id - a.id);
    // One row per version: a version built from two sources shares the row (the newest run wins a cell).
    const rows = new Map<string, { kernelVersion: string; kernelKind: string; ids: number[] }>();
    for (const k of kernels) {
      const row = rows.get(k.version);
      if (row) row.ids.push(k.id);
      else if (rows.size < limit) rows.set(k.version, { kernelVersion: k.version, kernelKind: k.kind, ids: [k.id] });
    }
    const ids = [...rows.values()].flatMap((r) => r.ids);
    const runs = ids.length
      ? this.#db
          .prepare<number[], SummaryRow>(`${SUMMARY} WHERE r.kernel_id IN (${ids.map(() => '?').join(',')}) ORDER BY r.started_at, r.id`)
          .all(...ids)
      : [];
    const versionOf = new Map(all.map((k) => [k.id, k.version]));
    const cells = new Map<string, Record<string, MatrixCell>>();
    const columns = new Set<string>();
    for (const r of runs) {
      const column = `${r.testset}@${r.nut}`;
      columns.add(column);
      const version = versionOf.get(r.kernel_id ?? -1) ?? '?';
      const byColumn = cells.get(version) ?? {};
      byColumn[column] = {
        runId: r.id,
        status: r.status as MatrixCell['status'],
        counts: toCounts(r),
        regressions: r.n_regression,
        finishedAt: r.finished_at,
      };
      cells.set(version, byColumn);
    }
    return {
      columns: [...columns].sort(),
      rows: [...rows.values()].map((r) => ({ kernelVersion: r.kernelVersion, kernelKind: r.kernelKind, cells: cells.get(r.kernelVersion) ?? {} })),
      stream,
      streams,
    };
  }

  async labStatus(): Promise<LabStatus> {
    const nuts = this.#q<[], { nut: string; running: number; last: string | null }>(
      `SELECT nut, sum(status = 'running') AS running, max(started_at) AS last FROM runs GROUP BY nut ORDER BY nut`,
    ).all();
    const running = this.#q<[], SummaryRow>(`${SUMMARY} WHERE r.status = 'running' ORDER BY r.started_at, r.id`).all();
    const stage = this.#q<[number], StageRow>('SELECT * FROM stages WHERE run_id = ? ORDER BY id DESC LIMIT 1');
    const queue = this.#q<[], { status: string; n: number }>(
      `SELECT status, count(*) AS n FROM jobs WHERE status IN ('queued', 'leased') GROUP BY status`,
    ).all();
    const hosts = this.#q<[], Parameters<typeof toHost>[0]>('SELECT * FROM lab_hosts ORDER BY name').all().map(toHost);
    const totals = this.#q<[], { runs: number; kernels: number }>(
      'SELECT (SELECT count(*) FROM runs) AS runs, (SELECT count(*) FROM kernels) AS kernels',
    ).get() ?? { runs: 0, kernels: 0 };
    return {
      queue: { queued: queue.find((q) => q.status === 'queued')?.n ?? 0, leased: queue.find((q) => q.status === 'leased')?.n ?? 0 },
      nuts: nuts.map((n) => ({ nut: n.nut, running: n.running, lastRunAt: n.last })),
      running: running.map((r) => {
        const s = stage.get(r.id);
        return { run: toSummary(r), stage: s ? toStage(s) : null };
      }),
      totals,
      hosts,
    };
  }

  async changeStamp(): Promise<string> {
    // Index-only counts over a few thousand rows: well under a millisecond.
    const row = this.#q<[], { s: string }>(
      `SELECT coalesce((SELECT max(id) FROM runs), 0) || ':' || (SELECT count(*) FROM runs WHERE finished_at IS NOT NULL) || ':' ||
         (SELECT count(*) FROM runs WHERE status = 'running') || ':' || (SELECT count(*) FROM runs WHERE status = 'unfinished') || ':' ||
         (SELECT count(*) FROM run_totals) || ':' || coalesce((SELECT max(computed_at) FROM run_totals), '') AS s`,
    ).get();
    return row?.s ?? '';
  }

  async retentionFacts(): Promise<RunRetentionFacts[]> {
    return this.#q<[], { runId: number; testset: string; nut: string; kernelVersion: string | null; status: RunSummary['status']; startedAt: string;
      cacheKey: string | null; sourceHash: string | null; regressions: number | null; baselines: string | null }>(
      `SELECT r.id AS runId, r.testset, r.nut, k.version AS kernelVersion, r.status, r.started_at AS startedAt, b.cache_key AS cacheKey,
         k.source_hash AS sourceHash, t.n_regression AS regressions,
         (SELECT group_concat(d.baseline_run_id) FROM run_diffs d WHERE d.run_id = r.id) AS baselines
       FROM runs r LEFT JOIN kernels k ON k.id = r.kernel_id LEFT JOIN builds b ON b.id = r.build_id LEFT JOIN run_totals t ON t.run_id = r.id
       ORDER BY r.id`,
    ).all().map(({ baselines, ...r }) => ({ ...r, baselineRunIds: baselines ? baselines.split(',').map(Number) : [] }));
  }

  /** The run with its counts (stored totals when known): the header of the run page. */
  async run(runId: number): Promise<(RunSummary & { regressions: number | null }) | undefined> {
    const row = this.#q<[number], SummaryRow>(`${SUMMARY} WHERE r.id = ?`).get(runId);
    return row && { ...toSummary(row), regressions: row.n_regression };
  }

  async runs(filter: RunListFilter): Promise<RunListPage> {
    const page = runPageQuery(filter);
    // One read transaction: the page's ids and their rows come from the same snapshot.
    const rows = this.#db.transaction(() => {
      const ids = this.#q<[Record<string, string | number>], number>(page.sql).pluck().all(page.params);
      if (ids.length === 0) return [];
      return this.#db
        .prepare<number[], SummaryRow>(`${SUMMARY} WHERE r.id IN (${ids.map(() => '?').join(',')}) ${RUN_LIST_ORDER}`)
        .all(...ids);
    }).deferred();
    const more = rows.length > filter.limit;
    const shown = more ? rows.slice(0, filter.limit) : rows;
    return { runs: shown.map((row) => ({ ...toSummary(row), regressions: row.n_regression })), next: more ? shown.at(-1)!.id : null };
  }

  async results(runId: number, filter: ResultFilter = {}): Promise<ResultLine[]> {
    const where = ['x.run_id = @runId'];
    if (filter.verdict !== undefined) where.push('x.verdict = @verdict');
    if (filter.section !== undefined) {
      if (!Number.isInteger(filter.section) || filter.section < 0) throw new Error(`section must be a whole number, got ${filter.section}`);
      where.push(`x.case_id LIKE @section`);
    }
    if (filter.changedOnly) {
      where.push(`x.case_id IN (SELECT e.case_id FROM run_diffs d JOIN diff_entries e ON e.diff_id = d.id
        WHERE d.run_id = @runId AND e.class <> 'still-failing')`);
    }
    return this.#q<[Record<string, unknown>], ResultLine>(
      `SELECT x.id AS resultId, x.case_id AS caseId, x.title, x.verdict, x.reason, x.duration_ms AS durationMs,
         (SELECT count(*) FROM result_pcaps p WHERE p.result_id = x.id) AS pcapCount
       FROM results x WHERE ${where.join(' AND ')} ORDER BY x.id`,
    ).all({
      runId,
      ...(filter.verdict !== undefined ? { verdict: filter.verdict } : {}),
      ...(filter.section !== undefined ? { section: `v6LC.${filter.section}.%` } : {}),
    });
  }

  async caseDetail(runId: number, caseId: string): Promise<CaseDetail | undefined> {
    const row = this.#q<[number, string], ResultLine & { log: string; runId: number }>(
      `SELECT x.id AS resultId, x.run_id AS runId, x.case_id AS caseId, x.title, x.verdict, x.reason,
         x.duration_ms AS durationMs, x.log, (SELECT count(*) FROM result_pcaps p WHERE p.result_id = x.id) AS pcapCount
       FROM results x WHERE x.run_id = ? AND x.case_id = ?`,
    ).get(runId, caseId);
    if (!row) return undefined;
    const pcaps = this.#q<[number], { position: number; path: string }>(
      'SELECT position, path FROM result_pcaps WHERE result_id = ? ORDER BY position',
    ).all(row.resultId);
    return { ...row, pcaps };
  }

  async artifact(id: number): Promise<StoredArtifact | undefined> {
    const row = this.#q<[number], ArtifactRow & { id: number }>('SELECT * FROM artifacts WHERE id = ?').get(id);
    return row && { ...toArtifact(row), id: row.id };
  }

  async artifactsWithIds(runId: number): Promise<StoredArtifact[]> {
    return this.#q<[number], ArtifactRow & { id: number }>('SELECT * FROM artifacts WHERE run_id = ? ORDER BY id')
      .all(runId)
      .map((row) => ({ ...toArtifact(row), id: row.id }));
  }

  /** The pcap of one case by its position: the only way the web finds a pcap path. */
  async pcap(runId: number, caseId: string, position: number): Promise<string | undefined> {
    return this.#q<[number, string, number], { path: string }>(
      `SELECT p.path FROM results x JOIN result_pcaps p ON p.result_id = x.id WHERE x.run_id = ? AND x.case_id = ? AND p.position = ?`,
    ).get(runId, caseId, position)?.path;
  }

  async caseHistory(testset: string, nut: string, caseId: string, options: { limit?: number } = {}): Promise<CaseHistory> {
    // No title here: results_by_case covers (case, run, verdict), so a year of points never reads the table.
    const rows = this.#q<[string, string, string], HistoryPoint>(
      `SELECT r.id AS runId, k.version AS kernelVersion, x.verdict, r.finished_at AS finishedAt
       FROM results x JOIN runs r ON r.id = x.run_id JOIN kernels k ON k.id = r.kernel_id
       WHERE x.case_id = ? AND r.testset = ? AND r.nut = ? AND r.status <> 'running'`,
    )
      .all(caseId, testset, nut)
      .map((point) => ({ point, version: storedVersion(point.kernelVersion) }));
    rows.sort((a, b) => compareKernelVersions(a.version, b.version) || a.point.runId - b.point.runId);
    const points = rows.map((r) => r.point);
    const firstFailure = points.find((p) => p.verdict === 'FAIL' || p.verdict === 'ERROR') ?? null;
    const limit = options.limit;
    const newest = points.at(-1);
    const title = newest
      ? (this.#q<[number, string], { title: string }>('SELECT title FROM results WHERE run_id = ? AND case_id = ?').get(newest.runId, caseId)?.title ?? null)
      : null;
    return {
      caseId,
      testset,
      nut,
      title,
      points: limit !== undefined && points.length > limit ? points.slice(points.length - limit) : points,
      firstFailure,
    };
  }

  /** Test sets and NUT kinds that have runs with this case: the history page's choices. */
  async streamsOfCase(caseId: string): Promise<{ testset: string; nut: string }[]> {
    return this.#q<[string], { testset: string; nut: string }>(
      `SELECT DISTINCT r.testset, r.nut FROM results x JOIN runs r ON r.id = x.run_id WHERE x.case_id = ? ORDER BY 1, 2`,
    ).all(caseId);
  }

  async feed(options: { limit?: number } = {}): Promise<FeedItem[]> {
    const limit = options.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new Error(`feed: limit must be 1..500, got ${limit}`);
    const runs = this.#q<[number], { id: number; version: string | null; testset: string; nut: string; status: string; finished_at: string }>(
      `SELECT r.id, k.version, r.testset, r.nut, r.status, r.finished_at FROM runs r LEFT JOIN kernels k ON k.id = r.kernel_id
       WHERE r.finished_at IS NOT NULL ORDER BY r.finished_at DESC, r.id DESC LIMIT ?`,
    ).all(limit);
    const regressions = this.#q<[number], { case_id: string; title: string; version: string | null }>(
      `SELECT e.case_id, e.title, k.version FROM run_diffs d JOIN diff_entries e ON e.diff_id = d.id
       JOIN runs b ON b.id = d.baseline_run_id LEFT JOIN kernels k ON k.id = b.kernel_id
       WHERE d.run_id = ? AND e.class = 'regression' ORDER BY d.position, e.position`,
    );
    const items: FeedItem[] = [];
    for (const r of runs) {
      const base = {
        runId: r.id,
        kernelVersion: r.version,
        testset: r.testset,
        nut: r.nut,
        status: r.status as FeedItem['status'],
        at: r.finished_at,
      };
      const found = regressions.all(r.id);
      if (found.length > 0) {
        items.push({
          ...base,
          kind: 'regression',
          regressions: found.map((f) => ({ caseId: f.case_id, title: f.title, baselineKernel: f.version ?? '?' })),
        });
      }
      items.push({ ...base, kind: 'run' });
    }
    return items;
  }

  #q<P extends unknown[] = unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    let s = this.#statements.get(sql);
    if (!s) {
      s = this.#db.prepare(sql);
      this.#statements.set(sql, s);
    }
    return s as unknown as Database.Statement<P, R>;
  }
}

/** The results service on the same connection as the lab's store. */
export function resultsQueryOn(store: SqliteStore, now?: () => Date): SqliteResults {
  return new SqliteResults(store.database, now);
}
