// The read side of the results service on PostgreSQL: what the dashboard and the JSON API show, read straight
// from the lab's database by any host. Kernel version order is applied in JS (it is not a string order), on
// versions parsed once as their rows are read, exactly as on SQLite.
import type pg from 'pg';
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
  type RunIdentity,
  type RunListFilter,
  type RunListPage,
  type RunRetentionFacts,
  type RunSummary,
  type RunTotals,
  type StoredArtifact,
  type StoredDiff,
  type Verdict,
} from '@testlab/core';
import { inTransaction } from './connection.js';
import { PostgresDiffs } from './diffs.js';
import { toHost } from './hosts.js';
import { RUN_LIST_ORDER, runPageQuery } from './run-list.js';
import { countsLateral, storedVersion, toArtifact, toCounts, toStage, toSummary, type ArtifactRow, type RunSummaryRow, type StageRow } from './rows.js';

// Stored totals when the run's diffs were recorded; counted (one index range per run) otherwise.
const SUMMARY = `
  SELECT r.*, k.version AS kernel_version,
    coalesce(t.n_pass, c.c_pass) AS n_pass, coalesce(t.n_fail, c.c_fail) AS n_fail, coalesce(t.n_warn, c.c_warn) AS n_warn,
    coalesce(t.n_na, c.c_na) AS n_na, coalesce(t.n_error, c.c_error) AS n_error, t.n_regression
  FROM runs r LEFT JOIN kernels k ON k.id = r.kernel_id LEFT JOIN run_totals t ON t.run_id = r.id
  ${countsLateral('t.run_id IS NOT NULL')}`;

interface SummaryRow extends RunSummaryRow {
  n_regression: number | null;
}

const RESULT_LINE = `x.id AS "resultId", x.case_id AS "caseId", x.title, x.verdict, x.reason, x.duration_ms AS "durationMs",
  (SELECT count(*) FROM result_pcaps p WHERE p.result_id = x.id) AS "pcapCount"`;

export class PostgresResults implements ResultsQuery {
  readonly #diffs: PostgresDiffs;

  constructor(
    private readonly pool: pg.Pool,
    now: () => Date = () => new Date(),
  ) {
    this.#diffs = new PostgresDiffs(pool, now);
  }

  diffInputs(runId: number): Promise<DiffInputs | undefined> {
    return this.#diffs.diffInputs(runId);
  }
  verdictsOf(runId: number): Promise<CaseVerdict[]> {
    return this.#diffs.verdictsOf(runId);
  }
  priorRuns(runId: number, limit: number): Promise<RunIdentity[]> {
    return this.#diffs.priorRuns(runId, limit);
  }
  verdictsIn(runIds: readonly number[], caseIds: readonly string[]): Promise<Map<number, Map<string, Verdict>>> {
    return this.#diffs.verdictsIn(runIds, caseIds);
  }
  failingSinceOf(runId: number, caseIds: readonly string[]): Promise<Map<string, { runId: number; kernelVersion: string }>> {
    return this.#diffs.failingSinceOf(runId, caseIds);
  }
  saveDiffs(runId: number, diffs: StoredDiff[], failingSince: ReadonlyMap<string, { runId: number; kernelVersion: string }>, totals: RunTotals): Promise<void> {
    return this.#diffs.saveDiffs(runId, diffs, failingSince, totals);
  }
  diffsOf(runId: number): Promise<StoredDiff[]> {
    return this.#diffs.diffsOf(runId);
  }

  async matrix(options: MatrixOptions = {}): Promise<Matrix> {
    const limit = options.kernels ?? 30;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new Error(`matrix: kernels must be 1..1000, got ${limit}`);
    const { rows: kernelRows } = await this.pool.query<{ id: number; version: string; kind: string; last: string }>(
      `SELECT k.id, k.version, k.kind, r.last FROM kernels k
       JOIN (SELECT kernel_id, max(started_at) AS last FROM runs WHERE kernel_id IS NOT NULL GROUP BY kernel_id) r ON r.kernel_id = k.id`,
    );
    const all = kernelRows.map((k) => {
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
      ? (await this.pool.query<SummaryRow>(`${SUMMARY} WHERE r.kernel_id = ANY($1::bigint[]) ORDER BY r.started_at, r.id`, [ids])).rows
      : [];
    const versionOf = new Map(all.map((k) => [k.id, k.version]));
    const cells = new Map<string, Record<string, MatrixCell>>();
    const columns = new Set<string>();
    for (const r of runs) {
      const column = `${r.testset}@${r.nut}`;
      columns.add(column);
      const version = versionOf.get(r.kernel_id ?? -1) ?? '?';
      const byColumn = cells.get(version) ?? {};
      byColumn[column] = { runId: r.id, status: r.status as MatrixCell['status'], counts: toCounts(r), regressions: r.n_regression, finishedAt: r.finished_at };
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
    return inTransaction(this.pool, async (c) => {
      const { rows: nuts } = await c.query<{ nut: string; running: number; last: string | null }>(
        `SELECT nut, count(*) FILTER (WHERE status = 'running') AS running, max(started_at) AS last FROM runs GROUP BY nut ORDER BY nut`,
      );
      const { rows: running } = await c.query<SummaryRow>(`${SUMMARY} WHERE r.status = 'running' ORDER BY r.started_at, r.id`);
      const { rows: stages } = await c.query<StageRow>(
        `SELECT DISTINCT ON (run_id) * FROM stages WHERE run_id = ANY($1::bigint[]) ORDER BY run_id, id DESC`,
        [running.map((r) => r.id)],
      );
      const { rows: queue } = await c.query<{ status: string; n: number }>(
        `SELECT status, count(*) AS n FROM jobs WHERE status IN ('queued', 'leased') GROUP BY status`,
      );
      const { rows: [totals] } = await c.query<{ runs: number; kernels: number }>(
        'SELECT (SELECT count(*) FROM runs) AS runs, (SELECT count(*) FROM kernels) AS kernels',
      );
      const { rows: hostRows } = await c.query<Parameters<typeof toHost>[0]>('SELECT * FROM lab_hosts ORDER BY name');
      const stageOf = new Map(stages.map((s) => [s.run_id, s]));
      return {
        queue: { queued: queue.find((q) => q.status === 'queued')?.n ?? 0, leased: queue.find((q) => q.status === 'leased')?.n ?? 0 },
        nuts: nuts.map((n) => ({ nut: n.nut, running: n.running, lastRunAt: n.last })),
        running: running.map((r) => {
          const s = stageOf.get(r.id);
          return { run: toSummary(r), stage: s ? toStage(s) : null };
        }),
        totals: totals ?? { runs: 0, kernels: 0 },
        hosts: hostRows.map(toHost),
      };
    }, 'ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

  async changeStamp(): Promise<string> {
    const { rows } = await this.pool.query<{ s: string }>(
      `SELECT concat_ws(':', coalesce((SELECT max(id) FROM runs), 0), (SELECT count(*) FROM runs WHERE finished_at IS NOT NULL),
         (SELECT count(*) FROM runs WHERE status = 'running'), (SELECT count(*) FROM runs WHERE status = 'unfinished'),
         (SELECT count(*) FROM run_totals), (SELECT max(computed_at) FROM run_totals)) AS s`,
    );
    return rows[0]?.s ?? '';
  }

  async retentionFacts(): Promise<RunRetentionFacts[]> {
    const { rows } = await this.pool.query<RunRetentionFacts>(
      `SELECT r.id AS "runId", r.testset, r.nut, k.version AS "kernelVersion", r.status, r.started_at AS "startedAt", b.cache_key AS "cacheKey",
         k.source_hash AS "sourceHash", t.n_regression AS regressions,
         coalesce((SELECT array_agg(d.baseline_run_id ORDER BY d.position) FROM run_diffs d WHERE d.run_id = r.id), '{}') AS "baselineRunIds"
       FROM runs r LEFT JOIN kernels k ON k.id = r.kernel_id LEFT JOIN builds b ON b.id = r.build_id LEFT JOIN run_totals t ON t.run_id = r.id
       ORDER BY r.id`,
    );
    return rows;
  }

  async run(runId: number): Promise<(RunSummary & { regressions: number | null }) | undefined> {
    const { rows: [row] } = await this.pool.query<SummaryRow>(`${SUMMARY} WHERE r.id = $1`, [runId]);
    return row && { ...toSummary(row), regressions: row.n_regression };
  }

  async runs(filter: RunListFilter): Promise<RunListPage> {
    const page = runPageQuery(filter);
    // One statement: the page's ids and their rows come from the same snapshot.
    const { rows } = await this.pool.query<SummaryRow>(`${SUMMARY} WHERE r.id IN (${page.sql}) ${RUN_LIST_ORDER}`, page.params);
    const more = rows.length > filter.limit;
    const shown = more ? rows.slice(0, filter.limit) : rows;
    return { runs: shown.map((row) => ({ ...toSummary(row), regressions: row.n_regression })), next: more ? shown.at(-1)!.id : null };
  }

  async results(runId: number, filter: ResultFilter = {}): Promise<ResultLine[]> {
    const params: unknown[] = [runId];
    const where = ['x.run_id = $1'];
    if (filter.verdict !== undefined) where.push(`x.verdict = $${params.push(filter.verdict)}`);
    if (filter.section !== undefined) {
      if (!Number.isInteger(filter.section) || filter.section < 0) throw new Error(`section must be a whole number, got ${filter.section}`);
      where.push(`x.case_id LIKE $${params.push(`v6LC.${filter.section}.%`)}`);
    }
    if (filter.changedOnly) {
      where.push(`x.case_id IN (SELECT e.case_id FROM run_diffs d JOIN diff_entries e ON e.diff_id = d.id
        WHERE d.run_id = $1 AND e.class <> 'still-failing')`);
    }
    const { rows } = await this.pool.query<ResultLine>(`SELECT ${RESULT_LINE} FROM results x WHERE ${where.join(' AND ')} ORDER BY x.id`, params);
    return rows;
  }

  async caseDetail(runId: number, caseId: string): Promise<CaseDetail | undefined> {
    const { rows: [row] } = await this.pool.query<ResultLine & { log: string; runId: number; pcaps: { position: number; path: string }[] }>(
      `SELECT ${RESULT_LINE}, x.run_id AS "runId", x.log,
         coalesce((SELECT json_agg(json_build_object('position', p.position, 'path', p.path) ORDER BY p.position)
                   FROM result_pcaps p WHERE p.result_id = x.id), '[]') AS pcaps
       FROM results x WHERE x.run_id = $1 AND x.case_id = $2`,
      [runId, caseId],
    );
    if (!row) return undefined;
    const { pcaps, ...line } = row;
    return { ...line, pcaps: JSON.parse(pcaps as unknown as string) as { position: number; path: string }[] };
  }

  async artifact(id: number): Promise<StoredArtifact | undefined> {
    const { rows: [row] } = await this.pool.query<ArtifactRow>('SELECT * FROM artifacts WHERE id = $1', [id]);
    return row && { ...toArtifact(row), id: row.id };
  }

  async artifactsWithIds(runId: number): Promise<StoredArtifact[]> {
    const { rows } = await this.pool.query<ArtifactRow>('SELECT * FROM artifacts WHERE run_id = $1 ORDER BY id', [runId]);
    return rows.map((row) => ({ ...toArtifact(row), id: row.id }));
  }

  async pcap(runId: number, caseId: string, position: number): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ path: string }>(
      `SELECT p.path FROM results x JOIN result_pcaps p ON p.result_id = x.id WHERE x.run_id = $1 AND x.case_id = $2 AND p.position = $3`,
      [runId, caseId, position],
    );
    return rows[0]?.path;
  }

  async caseHistory(testset: string, nut: string, caseId: string, options: { limit?: number } = {}): Promise<CaseHistory> {
    // No title here: results_by_case covers (case, run, verdict), so a year of points never reads the table.
    const { rows: found } = await this.pool.query<HistoryPoint>(
      `SELECT r.id AS "runId", k.version AS "kernelVersion", x.verdict, r.finished_at AS "finishedAt"
       FROM results x JOIN runs r ON r.id = x.run_id JOIN kernels k ON k.id = r.kernel_id
       WHERE x.case_id = $1 AND r.testset = $2 AND r.nut = $3 AND r.status <> 'running'`,
      [caseId, testset, nut],
    );
    const rows = found.map((point) => ({ point, version: storedVersion(point.kernelVersion) }));
    rows.sort((a, b) => compareKernelVersions(a.version, b.version) || a.point.runId - b.point.runId);
    const points = rows.map((r) => r.point);
    const firstFailure = points.find((p) => p.verdict === 'FAIL' || p.verdict === 'ERROR') ?? null;
    const limit = options.limit;
    const newest = points.at(-1);
    const title = newest
      ? ((await this.pool.query<{ title: string }>('SELECT title FROM results WHERE run_id = $1 AND case_id = $2', [newest.runId, caseId])).rows[0]?.title ?? null)
      : null;
    return { caseId, testset, nut, title, points: limit !== undefined && points.length > limit ? points.slice(points.length - limit) : points, firstFailure };
  }

  async streamsOfCase(caseId: string): Promise<{ testset: string; nut: string }[]> {
    const { rows } = await this.pool.query<{ testset: string; nut: string }>(
      `SELECT DISTINCT r.testset, r.nut FROM results x JOIN runs r ON r.id = x.run_id WHERE x.case_id = $1 ORDER BY 1, 2`,
      [caseId],
    );
    return rows;
  }

  async feed(options: { limit?: number } = {}): Promise<FeedItem[]> {
    const limit = options.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new Error(`feed: limit must be 1..500, got ${limit}`);
    return inTransaction(this.pool, async (c) => {
      const { rows: runs } = await c.query<{ id: number; version: string | null; testset: string; nut: string; status: string; finished_at: string }>(
        `SELECT r.id, k.version, r.testset, r.nut, r.status, r.finished_at FROM runs r LEFT JOIN kernels k ON k.id = r.kernel_id
         WHERE r.finished_at IS NOT NULL ORDER BY r.finished_at DESC, r.id DESC LIMIT $1`,
        [limit],
      );
      // Every listed run's regressions in one query, not one per run.
      const { rows: regressions } = await c.query<{ run_id: number; case_id: string; title: string; version: string | null }>(
        `SELECT d.run_id, e.case_id, e.title, k.version FROM run_diffs d JOIN diff_entries e ON e.diff_id = d.id
         JOIN runs b ON b.id = d.baseline_run_id LEFT JOIN kernels k ON k.id = b.kernel_id
         WHERE d.run_id = ANY($1::bigint[]) AND e.class = 'regression' ORDER BY d.run_id, d.position, e.position`,
        [runs.map((r) => r.id)],
      );
      const byRun = new Map<number, { caseId: string; title: string; baselineKernel: string }[]>();
      for (const f of regressions) {
        const list = byRun.get(f.run_id) ?? [];
        list.push({ caseId: f.case_id, title: f.title, baselineKernel: f.version ?? '?' });
        byRun.set(f.run_id, list);
      }
      const items: FeedItem[] = [];
      for (const r of runs) {
        const base = { runId: r.id, kernelVersion: r.version, testset: r.testset, nut: r.nut, status: r.status as FeedItem['status'], at: r.finished_at };
        const found = byRun.get(r.id);
        if (found) items.push({ ...base, kind: 'regression', regressions: found });
        items.push({ ...base, kind: 'run' });
      }
      return items;
    }, 'ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }
}
