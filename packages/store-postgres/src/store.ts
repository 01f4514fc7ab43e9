// LabStore on PostgreSQL: the same records and refusals as the SQLite store, for labs spread over several hosts.
// Every write that touches more than one row runs in one transaction; a run being finished is locked (FOR
// UPDATE) so that two processes can never both finish it.
import type pg from 'pg';
import type {
  ArtifactRecord,
  BuildRecord,
  CaseResult,
  ImportedRun,
  KernelRecord,
  LabStore,
  ResultRecord,
  RunRecord,
  RunSummary,
  SameRun,
  StageName,
  StageRecord,
  StageStatus,
  Verdict,
} from '@testlab/core';
import { explainRefusal, inTransaction } from './connection.js';
import {
  countsLateral,
  toArtifact,
  toBuild,
  toKernel,
  toRun,
  toStage,
  toSummary,
  type ArtifactRow,
  type BuildRow,
  type KernelRow,
  type RunRow,
  type RunSummaryRow,
  type StageRow,
} from './rows.js';

type FinishOutcome = Parameters<LabStore['finishRun']>[1];
/** Where a write step runs: any connection of the pool, or the one holding a transaction. */
type Db = pg.Pool | pg.PoolClient;

// Milliseconds between started_at and $now, never negative (the wall clock can step back).
const elapsedMs = (now: string) => `greatest(0, round(extract(epoch FROM (${now}::timestamptz - started_at)) * 1000))::integer`;

const SUMMARY = `
  SELECT r.*, k.version AS kernel_version,
    c.c_pass AS n_pass, c.c_fail AS n_fail, c.c_warn AS n_warn, c.c_na AS n_na, c.c_error AS n_error
  FROM runs r LEFT JOIN kernels k ON k.id = r.kernel_id ${countsLateral()}`;

export class PostgresStore implements LabStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => Date,
    private readonly closePool: () => Promise<void>,
    /** The host this process runs on: runs it starts name it, and only its runs' pids are judged here. */
    private readonly host: string,
  ) {}

  async upsertKernel(k: Omit<KernelRecord, 'id' | 'createdAt'>): Promise<KernelRecord> {
    return this.#upsertKernel(this.pool, k);
  }

  async recordBuild(b: Omit<BuildRecord, 'id' | 'createdAt'>): Promise<BuildRecord> {
    return this.#recordBuild(this.pool, b);
  }

  async startRun(r: { testset: string; nut: string; sourceLabel: string; ownerPid: number; setupDigest?: string }): Promise<RunRecord> {
    return this.#startRun(this.pool, r);
  }

  async attachKernel(runId: number, kernelId: number, buildId: number): Promise<void> {
    await this.#attachKernel(this.pool, runId, kernelId, buildId);
  }

  async startStage(runId: number, stage: StageName, logPath?: string): Promise<void> {
    await this.#startStage(this.pool, runId, stage, logPath);
  }

  async finishStage(runId: number, stage: StageName, status: Exclude<StageStatus, 'running'>, detail?: string): Promise<void> {
    await this.#finishStage(this.pool, runId, stage, status, detail);
  }

  async addResult(runId: number, result: CaseResult): Promise<void> {
    await this.#explain(`cannot record result ${result.caseId} of run ${runId}`, () => inTransaction(this.pool, (c) => this.#insertResult(c, runId, result)));
  }

  async addArtifact(a: ArtifactRecord): Promise<void> {
    await this.#addArtifact(this.pool, a);
  }

  async finishRun(runId: number, outcome: FinishOutcome): Promise<void> {
    await inTransaction(this.pool, (c) => this.#finishRun(c, runId, outcome));
  }

  async recordImportedRun(imported: ImportedRun): Promise<RunSummary> {
    // Every step on one connection in one transaction: killed at any point, the import leaves nothing, never a
    // half-filled run for markOrphanedRuns to call unfinished.
    const runId = await inTransaction(this.pool, async (c) => {
      const kernel = await this.#upsertKernel(c, imported.kernel);
      const build = await this.#recordBuild(c, { ...imported.build, kernelId: kernel.id });
      const run = await this.#startRun(c, imported.run);
      await this.#attachKernel(c, run.id, kernel.id, build.id);
      await this.#startStage(c, run.id, imported.stage);
      const { results, artifacts } = imported.contents(run.id);
      for (const result of results) {
        await this.#explain(`cannot record result ${result.caseId} of run ${run.id}`, () => this.#insertResult(c, run.id, result));
      }
      for (const artifact of artifacts) await this.#addArtifact(c, { ...artifact, runId: run.id });
      await this.#finishStage(c, run.id, imported.stage, 'done', imported.detail);
      await this.#finishRun(c, run.id, { status: 'done' });
      return run.id;
    });
    const stored = await this.getRun(runId);
    if (!stored) throw new Error(`run ${runId} vanished from the store right after its import`);
    return stored;
  }

  async #upsertKernel(db: Db, k: Omit<KernelRecord, 'id' | 'createdAt'>): Promise<KernelRecord> {
    const { text, kind } = k.version;
    // The first sighting of (version, source hash) wins; a later label for the same tree is ignored. Two
    // statements: the SELECT's snapshot then sees a row another process inserted while we waited on it.
    await db.query(
      `INSERT INTO kernels (version, kind, source_label, source_hash, created_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (version, source_hash) DO NOTHING`,
      [text, kind, k.sourceLabel, k.sourceHash, this.#iso()],
    );
    const { rows } = await db.query<KernelRow>('SELECT * FROM kernels WHERE version = $1 AND source_hash = $2', [text, k.sourceHash]);
    if (!rows[0]) throw new Error(`kernel ${text} (${k.sourceHash}) vanished right after its insert`);
    return toKernel(rows[0]);
  }

  async #recordBuild(db: Db, b: Omit<BuildRecord, 'id' | 'createdAt'>): Promise<BuildRecord> {
    const { rows } = await db.query<BuildRow>(
      `INSERT INTO builds (kernel_id, cache_key, kernel_release, from_cache, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
      [b.kernelId, b.cacheKey, b.kernelRelease, b.fromCache, this.#iso()],
    );
    return toBuild(rows[0]!);
  }

  async #startRun(db: Db, r: { testset: string; nut: string; sourceLabel: string; ownerPid: number; setupDigest?: string }): Promise<RunRecord> {
    const { rows } = await db.query<RunRow>(
      `INSERT INTO runs (testset, nut, status, source_label, started_at, owner_pid, setup_digest, owner_host)
       VALUES ($1, $2, 'running', $3, $4, $5, $6, $7) RETURNING *`,
      [r.testset, r.nut, r.sourceLabel, this.#iso(), r.ownerPid, r.setupDigest ?? null, this.host],
    );
    return toRun(rows[0]!);
  }

  async #attachKernel(db: Db, runId: number, kernelId: number, buildId: number): Promise<void> {
    // Checked here because a build of another kernel would make every later report lie about the kernel.
    const { rows } = await db.query<{ kernel_id: number }>('SELECT kernel_id FROM builds WHERE id = $1', [buildId]);
    const build = rows[0];
    if (!build) throw new Error(`cannot attach build ${buildId} to run ${runId}: no such build`);
    if (build.kernel_id !== kernelId) {
      throw new Error(`cannot attach build ${buildId} to run ${runId}: it is a build of kernel ${build.kernel_id}, not ${kernelId}`);
    }
    const { rowCount } = await db.query('UPDATE runs SET kernel_id = $1, build_id = $2 WHERE id = $3', [kernelId, buildId, runId]);
    if (rowCount === 0) throw new Error(`cannot attach kernel ${kernelId} to run ${runId}: no such run`);
  }

  async #startStage(db: Db, runId: number, stage: StageName, logPath?: string): Promise<void> {
    await this.#explain(`cannot start stage ${stage} of run ${runId}`, () =>
      db.query(`INSERT INTO stages (run_id, stage, status, started_at, log_path) VALUES ($1, $2, 'running', $3, $4)`, [
        runId, stage, this.#iso(), logPath ?? null,
      ]),
    );
  }

  async #finishStage(db: Db, runId: number, stage: StageName, status: Exclude<StageStatus, 'running'>, detail?: string): Promise<void> {
    const { rowCount } = await this.#explain(`cannot finish stage ${stage} of run ${runId}`, () =>
      db.query(
        `UPDATE stages SET status = $1, finished_at = $2, duration_ms = ${elapsedMs('$2')}, detail = coalesce($3, detail)
         WHERE run_id = $4 AND stage = $5 AND status = 'running'`,
        [status, this.#iso(), detail ?? null, runId, stage],
      ),
    );
    if (rowCount === 0) throw new Error(`cannot finish stage ${stage} of run ${runId}: it is not running`);
  }

  /** A result and its pcaps; `c` holds the transaction that makes them one. */
  async #insertResult(c: pg.PoolClient, runId: number, result: CaseResult): Promise<void> {
    const { rows } = await c.query<{ id: number }>(
      `INSERT INTO results (run_id, case_id, title, verdict, reason, duration_ms, log, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [runId, result.caseId, result.title, result.verdict, result.reason, result.durationMs, result.log, this.#iso()],
    );
    if (result.pcaps.length > 0) {
      await c.query(
        `INSERT INTO result_pcaps (result_id, position, path) SELECT $1, p.ord - 1, p.path FROM unnest($2::text[]) WITH ORDINALITY AS p (path, ord)`,
        [rows[0]!.id, result.pcaps],
      );
    }
  }

  async #addArtifact(db: Db, a: ArtifactRecord): Promise<void> {
    await this.#explain(`cannot record artifact ${a.path} of run ${a.runId}`, () =>
      db.query('INSERT INTO artifacts (run_id, kind, path, size_bytes, created_at) VALUES ($1, $2, $3, $4, $5)', [
        a.runId, a.kind, a.path, a.sizeBytes, this.#iso(),
      ]),
    );
  }

  /** `c` holds a transaction: the run is locked while its stages are closed. */
  async #finishRun(c: pg.PoolClient, runId: number, outcome: FinishOutcome): Promise<void> {
    const now = this.#iso();
    const failed = outcome.status === 'failed' ? outcome : null;
    const { rows } = await c.query<{ status: string }>('SELECT status FROM runs WHERE id = $1 FOR UPDATE', [runId]);
    const run = rows[0];
    if (!run) throw new Error(`cannot finish run ${runId}: no such run`);
    if (run.status !== 'running') throw new Error(`cannot finish run ${runId}: it is already ${run.status}`);
    await c.query('UPDATE runs SET status = $1, failed_stage = $2, error = $3, finished_at = $4 WHERE id = $5', [
      outcome.status, failed?.stage ?? null, failed?.error ?? null, now, runId,
    ]);
    if (failed) await this.#recordFailedStage(c, runId, failed.stage, failed.error, now);
    // Stages left open: a successful run vouches for them; after a failure elsewhere they were cut short.
    await c.query(
      `UPDATE stages SET status = $1, finished_at = $2, duration_ms = ${elapsedMs('$2')} WHERE run_id = $3 AND status = 'running'`,
      [failed ? 'unfinished' : 'done', now, runId],
    );
  }

  async markOrphanedRuns(isAlive: (pid: number) => boolean): Promise<number[]> {
    // A pid names a process on the host that started the run: another host's runs are not ours to judge.
    const { rows: running } = await this.pool.query<{ id: number; owner_pid: number }>(
      `SELECT id, owner_pid FROM runs WHERE status = 'running' AND (owner_host IS NULL OR owner_host = $1) ORDER BY id`,
      [this.host],
    );
    // Asked outside the transaction: isAlive is the caller's code and may be slow.
    const alive = new Map<number, boolean>();
    const dead = running.filter(({ owner_pid: pid }) => {
      if (!alive.has(pid)) alive.set(pid, isAlive(pid));
      return !alive.get(pid);
    });
    return inTransaction(this.pool, async (c) => {
      const marked: number[] = [];
      for (const { id, owner_pid } of dead) {
        // `status = 'running'` again, in case the run was finished between the scan and this transaction.
        const { rowCount } = await c.query(
          `UPDATE runs SET status = 'unfinished', error = coalesce(error, $1) WHERE id = $2 AND status = 'running'`,
          [`lab process ${owner_pid} ended before the run finished`, id],
        );
        if (rowCount === 0) continue;
        await c.query(`UPDATE stages SET status = 'unfinished' WHERE run_id = $1 AND status = 'running'`, [id]);
        marked.push(id);
      }
      return marked;
    });
  }

  async abandonRun(runId: number, reason: string): Promise<boolean> {
    return inTransaction(this.pool, async (c) => {
      const { rowCount } = await c.query(`UPDATE runs SET status = 'unfinished', error = coalesce(error, $1) WHERE id = $2 AND status = 'running'`, [reason, runId]);
      if (!rowCount) return false;
      await c.query(`UPDATE stages SET status = 'unfinished' WHERE run_id = $1 AND status = 'running'`, [runId]);
      return true;
    });
  }

  async doneRunLike(same: SameRun): Promise<RunSummary | undefined> {
    const { rows } = await this.pool.query<RunSummaryRow>(
      `${SUMMARY} WHERE r.id = (SELECT r2.id FROM builds b JOIN runs r2 ON r2.build_id = b.id
         WHERE b.cache_key = $1 AND r2.testset = $2 AND r2.nut = $3 AND r2.setup_digest = $4 AND r2.status = 'done'
         ORDER BY r2.id DESC LIMIT 1)`,
      [same.cacheKey, same.testset, same.nut, same.setupDigest],
    );
    return rows[0] && toSummary(rows[0]);
  }

  async getRun(runId: number): Promise<RunSummary | undefined> {
    const { rows } = await this.pool.query<RunSummaryRow>(`${SUMMARY} WHERE r.id = $1`, [runId]);
    return rows[0] && toSummary(rows[0]);
  }

  async listRuns(options: { limit?: number } = {}): Promise<RunSummary[]> {
    const limit = options.limit ?? null; // LIMIT NULL: no limit.
    if (limit !== null && (!Number.isInteger(limit) || limit < 0)) throw new Error(`listRuns: limit must be a non-negative integer, got ${limit}`);
    const { rows } = await this.pool.query<RunSummaryRow>(`${SUMMARY} ORDER BY r.started_at DESC, r.id DESC LIMIT $1`, [limit]);
    return rows.map(toSummary);
  }

  async stagesOf(runId: number): Promise<StageRecord[]> {
    const { rows } = await this.pool.query<StageRow>('SELECT * FROM stages WHERE run_id = $1 ORDER BY id', [runId]);
    return rows.map(toStage);
  }

  async resultsOf(runId: number): Promise<ResultRecord[]> {
    // One statement, so a result and its pcaps come from one snapshot.
    const { rows } = await this.pool.query<{
      run_id: number; case_id: string; title: string; verdict: string; reason: string; duration_ms: number; log: string; pcaps: string[];
    }>(
      `SELECT x.run_id, x.case_id, x.title, x.verdict, x.reason, x.duration_ms, x.log,
         coalesce((SELECT array_agg(p.path ORDER BY p.position) FROM result_pcaps p WHERE p.result_id = x.id), '{}') AS pcaps
       FROM results x WHERE x.run_id = $1 ORDER BY x.id`,
      [runId],
    );
    return rows.map((r) => ({
      runId: r.run_id,
      caseId: r.case_id,
      title: r.title,
      verdict: r.verdict as Verdict,
      reason: r.reason,
      durationMs: r.duration_ms,
      log: r.log,
      pcaps: r.pcaps,
    }));
  }

  async artifactsOf(runId: number): Promise<ArtifactRecord[]> {
    const { rows } = await this.pool.query<ArtifactRow>('SELECT * FROM artifacts WHERE run_id = $1 ORDER BY id', [runId]);
    return rows.map(toArtifact);
  }

  /** Ends the connection pool every contract of this lab database shares (idempotent). */
  async close(): Promise<void> {
    await this.closePool();
  }

  async #recordFailedStage(c: pg.PoolClient, runId: number, stage: StageName, error: string, now: string): Promise<void> {
    const { rowCount } = await c.query(
      `UPDATE stages SET status = 'failed', finished_at = $1, duration_ms = ${elapsedMs('$1')}, detail = $2
       WHERE run_id = $3 AND stage = $4 AND status = 'running'`,
      [now, error, runId, stage],
    );
    if (rowCount) return;
    // A stage that failed before startStage still shows up where the operator looks.
    await c.query(
      `INSERT INTO stages (run_id, stage, status, started_at, finished_at, duration_ms, detail)
       VALUES ($1, $2, 'failed', $3, $3, 0, $4) ON CONFLICT (run_id, stage) DO NOTHING`,
      [runId, stage, now, error],
    );
  }

  #iso(): string {
    return this.now().toISOString();
  }

  async #explain<T>(what: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (e) {
      throw explainRefusal(what, e);
    }
  }
}
