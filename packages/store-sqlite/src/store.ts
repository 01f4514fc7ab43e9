// LabStore on one SQLite file. better-sqlite3 is synchronous; the methods are async only because the
// interface must also fit a networked store. Every write that touches more than one row runs in a
// transaction, so a lab process killed at any point leaves either all of a step or none of it.
import { hostname } from 'node:os';
import Database from 'better-sqlite3';
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
import { openMigrated } from './connection.js';
import {
  toArtifact,
  toBuild,
  toCounts,
  toKernel,
  toRun,
  toStage,
  type ArtifactRow,
  type BuildRow,
  type KernelRow,
  type ResultRow,
  type RunRow,
  type RunSummaryRow,
  type StageRow,
} from './rows.js';

export interface SqliteStoreOptions {
  /** The clock for every timestamp the store writes; tests pin it. */
  now?: () => Date;
  /** The host this process runs on (runs it starts name it; only its runs' pids are judged here). Default: os.hostname(). */
  host?: string;
}

type FinishOutcome = Parameters<LabStore['finishRun']>[1];

// Milliseconds between a stored ISO timestamp and @now, never negative (the wall clock can step back).
// unixepoch(..., 'subsec') needs SQLite 3.42+; better-sqlite3 12 bundles a newer one.
const ELAPSED_MS = `max(0, CAST(round((unixepoch(@now, 'subsec') - unixepoch(started_at, 'subsec')) * 1000) AS INTEGER))`;

// Correlated counts run after WHERE/LIMIT, one index range on results_by_run per run shown.
const count = (v: Verdict) => `(SELECT count(*) FROM results x WHERE x.run_id = r.id AND x.verdict = '${v}')`;
const SUMMARY = `
  SELECT r.*, k.version AS kernel_version,
    ${count('PASS')} AS n_pass, ${count('FAIL')} AS n_fail, ${count('WARN')} AS n_warn,
    ${count('NA')} AS n_na, ${count('ERROR')} AS n_error
  FROM runs r LEFT JOIN kernels k ON k.id = r.kernel_id`;

export class SqliteStore implements LabStore {
  readonly #db: Database.Database;
  readonly #now: () => Date;
  readonly #host: string;
  readonly #statements = new Map<string, Database.Statement<unknown[]>>();

  /** Opens (creating if needed) and migrates the database at `path`; `':memory:'` for a throwaway one. */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    const now = options.now ?? (() => new Date());
    return new SqliteStore(openMigrated(path, now), now, options.host ?? hostname());
  }

  private constructor(db: Database.Database, now: () => Date, host: string) {
    this.#db = db;
    this.#now = now;
    this.#host = host;
  }

  /** The underlying connection, for tests and maintenance (backup, VACUUM); not for lab code. */
  get database(): Database.Database {
    return this.#db;
  }

  async upsertKernel(k: Omit<KernelRecord, 'id' | 'createdAt'>): Promise<KernelRecord> {
    return this.#upsertKernel(k);
  }

  async recordBuild(b: Omit<BuildRecord, 'id' | 'createdAt'>): Promise<BuildRecord> {
    return this.#recordBuild(b);
  }

  async startRun(r: { testset: string; nut: string; sourceLabel: string; ownerPid: number; setupDigest?: string }): Promise<RunRecord> {
    return this.#startRun(r);
  }

  async attachKernel(runId: number, kernelId: number, buildId: number): Promise<void> {
    this.#attachKernel(runId, kernelId, buildId);
  }

  async startStage(runId: number, stage: StageName, logPath?: string): Promise<void> {
    this.#startStage(runId, stage, logPath);
  }

  async finishStage(runId: number, stage: StageName, status: Exclude<StageStatus, 'running'>, detail?: string): Promise<void> {
    this.#finishStage(runId, stage, status, detail);
  }

  async addResult(runId: number, result: CaseResult): Promise<void> {
    this.#addResult(runId, result);
  }

  async addArtifact(a: ArtifactRecord): Promise<void> {
    this.#addArtifact(a);
  }

  async finishRun(runId: number, outcome: FinishOutcome): Promise<void> {
    this.#finishRun(runId, outcome);
  }

  async recordImportedRun(imported: ImportedRun): Promise<RunSummary> {
    // Every step in one IMMEDIATE transaction (the steps' own transactions become savepoints): killed at any
    // point, the import leaves nothing, never a half-filled run for markOrphanedRuns to call unfinished.
    const tx = this.#db.transaction(() => {
      const kernel = this.#upsertKernel(imported.kernel);
      const build = this.#recordBuild({ ...imported.build, kernelId: kernel.id });
      const run = this.#startRun(imported.run);
      this.#attachKernel(run.id, kernel.id, build.id);
      this.#startStage(run.id, imported.stage);
      const { results, artifacts } = imported.contents(run.id);
      for (const result of results) this.#addResult(run.id, result);
      for (const artifact of artifacts) this.#addArtifact({ ...artifact, runId: run.id });
      this.#finishStage(run.id, imported.stage, 'done', imported.detail);
      this.#finishRun(run.id, { status: 'done' });
      return run.id;
    });
    const runId = tx.immediate();
    const stored = await this.getRun(runId);
    if (!stored) throw new Error(`run ${runId} vanished from the store right after its import`);
    return stored;
  }

  #upsertKernel(k: Omit<KernelRecord, 'id' | 'createdAt'>): KernelRecord {
    const { text, kind } = k.version;
    // The first sighting of (version, source hash) wins; a later label for the same tree is ignored.
    const tx = this.#db.transaction(() => {
      this.#q(
        `INSERT INTO kernels (version, kind, source_label, source_hash, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (version, source_hash) DO NOTHING`,
      ).run(text, kind, k.sourceLabel, k.sourceHash, this.#iso());
      return this.#q<[string, string], KernelRow>('SELECT * FROM kernels WHERE version = ? AND source_hash = ?').get(text, k.sourceHash);
    });
    const row = tx();
    if (!row) throw new Error(`kernel ${text} (${k.sourceHash}) vanished right after its insert`);
    return toKernel(row);
  }

  #recordBuild(b: Omit<BuildRecord, 'id' | 'createdAt'>): BuildRecord {
    const row = this.#q<unknown[], BuildRow>(
      `INSERT INTO builds (kernel_id, cache_key, kernel_release, from_cache, created_at) VALUES (?, ?, ?, ?, ?)
       RETURNING *`,
    ).get(b.kernelId, b.cacheKey, b.kernelRelease, b.fromCache ? 1 : 0, this.#iso());
    return toBuild(this.#returned(row));
  }

  #startRun(r: { testset: string; nut: string; sourceLabel: string; ownerPid: number; setupDigest?: string }): RunRecord {
    const row = this.#q<unknown[], RunRow>(
      `INSERT INTO runs (testset, nut, status, source_label, started_at, owner_pid, setup_digest, owner_host) VALUES (?, ?, 'running', ?, ?, ?, ?, ?)
       RETURNING *`,
    ).get(r.testset, r.nut, r.sourceLabel, this.#iso(), r.ownerPid, r.setupDigest ?? null, this.#host);
    return toRun(this.#returned(row));
  }

  #attachKernel(runId: number, kernelId: number, buildId: number): void {
    // Checked here because a build of another kernel would make every later report lie about the kernel.
    const build = this.#q<[number], { kernel_id: number }>('SELECT kernel_id FROM builds WHERE id = ?').get(buildId);
    if (!build) throw new Error(`cannot attach build ${buildId} to run ${runId}: no such build`);
    if (build.kernel_id !== kernelId) {
      throw new Error(`cannot attach build ${buildId} to run ${runId}: it is a build of kernel ${build.kernel_id}, not ${kernelId}`);
    }
    const info = this.#q('UPDATE runs SET kernel_id = ?, build_id = ? WHERE id = ?').run(kernelId, buildId, runId);
    if (info.changes === 0) throw new Error(`cannot attach kernel ${kernelId} to run ${runId}: no such run`);
  }

  #startStage(runId: number, stage: StageName, logPath?: string): void {
    this.#explain(`cannot start stage ${stage} of run ${runId}`, () =>
      this.#q(
        `INSERT INTO stages (run_id, stage, status, started_at, log_path) VALUES (?, ?, 'running', ?, ?)`,
      ).run(runId, stage, this.#iso(), logPath ?? null),
    );
  }

  #finishStage(
    runId: number,
    stage: StageName,
    status: Exclude<StageStatus, 'running'>,
    detail?: string,
  ): void {
    const info = this.#q(
      `UPDATE stages SET status = @status, finished_at = @now, duration_ms = ${ELAPSED_MS},
         detail = coalesce(@detail, detail)
       WHERE run_id = @runId AND stage = @stage AND status = 'running'`,
    ).run({ status, now: this.#iso(), detail: detail ?? null, runId, stage });
    if (info.changes === 0) throw new Error(`cannot finish stage ${stage} of run ${runId}: it is not running`);
  }

  #addResult(runId: number, result: CaseResult): void {
    const tx = this.#db.transaction(() => {
      const { id } = this.#returned(
        this.#q<unknown[], { id: number }>(
          `INSERT INTO results (run_id, case_id, title, verdict, reason, duration_ms, log, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        ).get(runId, result.caseId, result.title, result.verdict, result.reason, result.durationMs, result.log, this.#iso()),
      );
      const pcap = this.#q('INSERT INTO result_pcaps (result_id, position, path) VALUES (?, ?, ?)');
      result.pcaps.forEach((path, position) => pcap.run(id, position, path));
    });
    this.#explain(`cannot record result ${result.caseId} of run ${runId}`, tx);
  }

  #addArtifact(a: ArtifactRecord): void {
    this.#explain(`cannot record artifact ${a.path} of run ${a.runId}`, () =>
      this.#q('INSERT INTO artifacts (run_id, kind, path, size_bytes, created_at) VALUES (?, ?, ?, ?, ?)').run(
        a.runId,
        a.kind,
        a.path,
        a.sizeBytes,
        this.#iso(),
      ),
    );
  }

  #finishRun(runId: number, outcome: FinishOutcome): void {
    const now = this.#iso();
    const failed = outcome.status === 'failed' ? outcome : null;
    const tx = this.#db.transaction(() => {
      const run = this.#q<[number], { status: string }>('SELECT status FROM runs WHERE id = ?').get(runId);
      if (!run) throw new Error(`cannot finish run ${runId}: no such run`);
      if (run.status !== 'running') throw new Error(`cannot finish run ${runId}: it is already ${run.status}`);
      this.#q(`UPDATE runs SET status = ?, failed_stage = ?, error = ?, finished_at = ? WHERE id = ?`).run(
        outcome.status,
        failed?.stage ?? null,
        failed?.error ?? null,
        now,
        runId,
      );
      if (failed) this.#recordFailedStage(runId, failed.stage, failed.error, now);
      // Stages the caller left open: a successful run vouches for them; after a failure elsewhere they
      // were cut short.
      this.#q(
        `UPDATE stages SET status = @status, finished_at = @now, duration_ms = ${ELAPSED_MS}
         WHERE run_id = @runId AND status = 'running'`,
      ).run({ status: failed ? 'unfinished' : 'done', now, runId });
    });
    tx.immediate();
  }

  async markOrphanedRuns(isAlive: (pid: number) => boolean): Promise<number[]> {
    // A pid names a process on the host that started the run; runs from before hosts were recorded have none.
    const running = this.#q<[string], { id: number; owner_pid: number }>(
      `SELECT id, owner_pid FROM runs WHERE status = 'running' AND (owner_host IS NULL OR owner_host = ?) ORDER BY id`,
    ).all(this.#host);
    // Asked outside the transaction: isAlive is the caller's code and may be slow.
    const alive = new Map<number, boolean>();
    const dead = running.filter(({ owner_pid: pid }) => {
      if (!alive.has(pid)) alive.set(pid, isAlive(pid));
      return !alive.get(pid);
    });
    const tx = this.#db.transaction(() => {
      const marked: number[] = [];
      for (const { id, owner_pid } of dead) {
        // finished_at stays NULL: nobody knows when the owner died. `status = 'running'` again, in case the
        // run was finished between the scan and this transaction.
        const info = this.#q(
          `UPDATE runs SET status = 'unfinished', error = coalesce(error, ?) WHERE id = ? AND status = 'running'`,
        ).run(`lab process ${owner_pid} ended before the run finished`, id);
        if (info.changes === 0) continue;
        this.#q(`UPDATE stages SET status = 'unfinished' WHERE run_id = ? AND status = 'running'`).run(id);
        marked.push(id);
      }
      return marked;
    });
    return tx.immediate();
  }

  async abandonRun(runId: number, reason: string): Promise<boolean> {
    const tx = this.#db.transaction(() => {
      const info = this.#q(`UPDATE runs SET status = 'unfinished', error = coalesce(error, ?) WHERE id = ? AND status = 'running'`).run(reason, runId);
      if (info.changes === 0) return false;
      this.#q(`UPDATE stages SET status = 'unfinished' WHERE run_id = ? AND status = 'running'`).run(runId);
      return true;
    });
    return tx.immediate();
  }

  async doneRunLike(same: SameRun): Promise<RunSummary | undefined> {
    const row = this.#q<[string, string, string, string], RunSummaryRow>(
      `${SUMMARY} WHERE r.id = (SELECT r2.id FROM builds b JOIN runs r2 ON r2.build_id = b.id
         WHERE b.cache_key = ? AND r2.testset = ? AND r2.nut = ? AND r2.setup_digest = ? AND r2.status = 'done'
         ORDER BY r2.id DESC LIMIT 1)`,
    ).get(same.cacheKey, same.testset, same.nut, same.setupDigest);
    return row && toSummary(row);
  }

  async getRun(runId: number): Promise<RunSummary | undefined> {
    const row = this.#q<[number], RunSummaryRow>(`${SUMMARY} WHERE r.id = ?`).get(runId);
    return row && toSummary(row);
  }

  async listRuns(options: { limit?: number } = {}): Promise<RunSummary[]> {
    const limit = options.limit ?? -1; // SQLite: a negative LIMIT means none.
    if (!Number.isInteger(limit) || limit < -1) throw new Error(`listRuns: limit must be a non-negative integer, got ${limit}`);
    return this.#q<[number], RunSummaryRow>(`${SUMMARY} ORDER BY r.started_at DESC, r.id DESC LIMIT ?`)
      .all(limit)
      .map(toSummary);
  }

  async stagesOf(runId: number): Promise<StageRecord[]> {
    return this.#q<[number], StageRow>('SELECT * FROM stages WHERE run_id = ? ORDER BY id').all(runId).map(toStage);
  }

  async resultsOf(runId: number): Promise<ResultRecord[]> {
    const read = this.#db.transaction(() => ({
      results: this.#q<[number], ResultRow>('SELECT * FROM results WHERE run_id = ? ORDER BY id').all(runId),
      pcaps: this.#q<[number], { result_id: number; path: string }>(
        `SELECT p.result_id, p.path FROM result_pcaps p JOIN results r ON r.id = p.result_id
         WHERE r.run_id = ? ORDER BY p.result_id, p.position`,
      ).all(runId),
    }));
    // One snapshot for both reads, so a result and its pcaps are never seen half-written.
    const { results, pcaps } = read.deferred();
    const byResult = new Map<number, string[]>();
    for (const p of pcaps) {
      const list = byResult.get(p.result_id) ?? [];
      list.push(p.path);
      byResult.set(p.result_id, list);
    }
    return results.map((r) => ({
      runId: r.run_id,
      caseId: r.case_id,
      title: r.title,
      verdict: r.verdict as Verdict,
      reason: r.reason,
      durationMs: r.duration_ms,
      log: r.log,
      pcaps: byResult.get(r.id) ?? [],
    }));
  }

  async artifactsOf(runId: number): Promise<ArtifactRecord[]> {
    return this.#q<[number], ArtifactRow>('SELECT * FROM artifacts WHERE run_id = ? ORDER BY id')
      .all(runId)
      .map(toArtifact);
  }

  async close(): Promise<void> {
    this.#statements.clear();
    if (this.#db.open) this.#db.close();
  }

  /** The failed stage carries the error; if it never got started (or was already closed) that is kept. */
  #recordFailedStage(runId: number, stage: StageName, error: string, now: string): void {
    const info = this.#q(
      `UPDATE stages SET status = 'failed', finished_at = @now, duration_ms = ${ELAPSED_MS}, detail = @error
       WHERE run_id = @runId AND stage = @stage AND status = 'running'`,
    ).run({ now, error, runId, stage });
    if (info.changes > 0) return;
    // A stage that failed before startStage (bad arguments, say) still shows up where the operator looks.
    this.#q(
      `INSERT INTO stages (run_id, stage, status, started_at, finished_at, duration_ms, detail)
       VALUES (?, ?, 'failed', ?, ?, 0, ?) ON CONFLICT (run_id, stage) DO NOTHING`,
    ).run(runId, stage, now, now, error);
  }

  // Statements are prepared once per connection; better-sqlite3 does not cache them itself.
  #q<P extends unknown[] = unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    let s = this.#statements.get(sql);
    if (!s) {
      s = this.#db.prepare(sql);
      this.#statements.set(sql, s);
    }
    return s as unknown as Database.Statement<P, R>;
  }

  #iso(): string {
    return this.#now().toISOString();
  }

  #returned<T>(row: T | undefined): T {
    if (row === undefined) throw new Error('INSERT ... RETURNING returned no row');
    return row;
  }

  /** Turns SQLite's terse constraint messages into ones that say which run, stage or case was refused. */
  #explain<T>(what: string, write: () => T): T {
    try {
      return write();
    } catch (e) {
      if (!(e instanceof Database.SqliteError)) throw e;
      const why =
        e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY'
          ? 'already recorded'
          : e.code === 'SQLITE_CONSTRAINT_FOREIGNKEY'
            ? 'no such run'
            : e.code === 'SQLITE_CONSTRAINT_CHECK'
              ? `value refused by the schema (${e.message})`
              : e.message;
      throw new Error(`${what}: ${why}`, { cause: e });
    }
  }
}

function toSummary(row: RunSummaryRow): RunSummary {
  return { ...toRun(row), kernelVersion: row.kernel_version, counts: toCounts(row) };
}

/** Opens (creating and migrating if needed) the lab database; `':memory:'` for a throwaway one. */
export function openSqliteStore(path: string, options?: SqliteStoreOptions): SqliteStore {
  return SqliteStore.open(path, options);
}
