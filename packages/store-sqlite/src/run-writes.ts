// The write steps of a run's life on SQLite: each is one statement or its own transaction, and
// SqliteStore.recordImportedRun nests them all in one (their transactions become savepoints there).
import Database from 'better-sqlite3';
import type { ArtifactRecord, BuildRecord, CaseResult, KernelRecord, LabStore, RunRecord, StageName, StageStatus } from '@testlab/core';
import { toBuild, toKernel, toRun, type BuildRow, type KernelRow, type RunRow } from './rows.js';

type Prepare = <P extends unknown[] = unknown[], R = unknown>(sql: string) => Database.Statement<P, R>;
export type FinishOutcome = Parameters<LabStore['finishRun']>[1];

// Milliseconds between a stored ISO timestamp and @now, never negative (the wall clock can step back).
// unixepoch(..., 'subsec') needs SQLite 3.42+; better-sqlite3 12 bundles a newer one.
const ELAPSED_MS = `max(0, CAST(round((unixepoch(@now, 'subsec') - unixepoch(started_at, 'subsec')) * 1000) AS INTEGER))`;

export class RunWrites {
  constructor(
    private readonly db: Database.Database,
    private readonly q: Prepare,
    private readonly now: () => Date,
    /** The host this process runs on: runs it starts name it. */
    private readonly host: string,
  ) {}

  upsertKernel(k: Omit<KernelRecord, 'id' | 'createdAt'>): KernelRecord {
    const { text, kind } = k.version;
    // The first sighting of (version, source hash) wins; a later label for the same tree is ignored.
    const tx = this.db.transaction(() => {
      this.q(
        `INSERT INTO kernels (version, kind, source_label, source_hash, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (version, source_hash) DO NOTHING`,
      ).run(text, kind, k.sourceLabel, k.sourceHash, this.#iso());
      return this.q<[string, string], KernelRow>('SELECT * FROM kernels WHERE version = ? AND source_hash = ?').get(text, k.sourceHash);
    });
    const row = tx();
    if (!row) throw new Error(`kernel ${text} (${k.sourceHash}) vanished right after its insert`);
    return toKernel(row);
  }

  recordBuild(b: Omit<BuildRecord, 'id' | 'createdAt'>): BuildRecord {
    const row = this.q<unknown[], BuildRow>(
      `INSERT INTO builds (kernel_id, cache_key, kernel_release, from_cache, created_at) VALUES (?, ?, ?, ?, ?)
       RETURNING *`,
    ).get(b.kernelId, b.cacheKey, b.kernelRelease, b.fromCache ? 1 : 0, this.#iso());
    return toBuild(this.#returned(row));
  }

  startRun(r: { testset: string; nut: string; sourceLabel: string; ownerPid: number; setupDigest?: string }): RunRecord {
    const row = this.q<unknown[], RunRow>(
      `INSERT INTO runs (testset, nut, status, source_label, started_at, owner_pid, setup_digest, owner_host) VALUES (?, ?, 'running', ?, ?, ?, ?, ?)
       RETURNING *`,
    ).get(r.testset, r.nut, r.sourceLabel, this.#iso(), r.ownerPid, r.setupDigest ?? null, this.host);
    return toRun(this.#returned(row));
  }

  attachKernel(runId: number, kernelId: number, buildId: number): void {
    // Checked here because a build of another kernel would make every later report lie about the kernel.
    const build = this.q<[number], { kernel_id: number }>('SELECT kernel_id FROM builds WHERE id = ?').get(buildId);
    if (!build) throw new Error(`cannot attach build ${buildId} to run ${runId}: no such build`);
    if (build.kernel_id !== kernelId) {
      throw new Error(`cannot attach build ${buildId} to run ${runId}: it is a build of kernel ${build.kernel_id}, not ${kernelId}`);
    }
    const info = this.q('UPDATE runs SET kernel_id = ?, build_id = ? WHERE id = ?').run(kernelId, buildId, runId);
    if (info.changes === 0) throw new Error(`cannot attach kernel ${kernelId} to run ${runId}: no such run`);
  }

  startStage(runId: number, stage: StageName, logPath?: string): void {
    this.#explain(`cannot start stage ${stage} of run ${runId}`, () =>
      this.q(
        `INSERT INTO stages (run_id, stage, status, started_at, log_path) VALUES (?, ?, 'running', ?, ?)`,
      ).run(runId, stage, this.#iso(), logPath ?? null),
    );
  }

  finishStage(
    runId: number,
    stage: StageName,
    status: Exclude<StageStatus, 'running'>,
    detail?: string,
  ): void {
    const info = this.q(
      `UPDATE stages SET status = @status, finished_at = @now, duration_ms = ${ELAPSED_MS},
         detail = coalesce(@detail, detail)
       WHERE run_id = @runId AND stage = @stage AND status = 'running'`,
    ).run({ status, now: this.#iso(), detail: detail ?? null, runId, stage });
    if (info.changes === 0) throw new Error(`cannot finish stage ${stage} of run ${runId}: it is not running`);
  }

  addResult(runId: number, result: CaseResult): void {
    const tx = this.db.transaction(() => {
      const { id } = this.#returned(
        this.q<unknown[], { id: number }>(
          `INSERT INTO results (run_id, case_id, title, verdict, reason, duration_ms, log, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
        ).get(runId, result.caseId, result.title, result.verdict, result.reason, result.durationMs, result.log, this.#iso()),
      );
      const pcap = this.q('INSERT INTO result_pcaps (result_id, position, path) VALUES (?, ?, ?)');
      result.pcaps.forEach((path, position) => pcap.run(id, position, path));
    });
    this.#explain(`cannot record result ${result.caseId} of run ${runId}`, tx);
  }

  addArtifact(a: ArtifactRecord): void {
    this.#explain(`cannot record artifact ${a.path} of run ${a.runId}`, () =>
      this.q('INSERT INTO artifacts (run_id, kind, path, size_bytes, created_at) VALUES (?, ?, ?, ?, ?)').run(
        a.runId,
        a.kind,
        a.path,
        a.sizeBytes,
        this.#iso(),
      ),
    );
  }

  finishRun(runId: number, outcome: FinishOutcome): void {
    const now = this.#iso();
    const failed = outcome.status === 'failed' ? outcome : null;
    const tx = this.db.transaction(() => {
      const run = this.q<[number], { status: string }>('SELECT status FROM runs WHERE id = ?').get(runId);
      if (!run) throw new Error(`cannot finish run ${runId}: no such run`);
      if (run.status !== 'running') throw new Error(`cannot finish run ${runId}: it is already ${run.status}`);
      this.q(`UPDATE runs SET status = ?, failed_stage = ?, error = ?, finished_at = ? WHERE id = ?`).run(
        outcome.status,
        failed?.stage ?? null,
        failed?.error ?? null,
        now,
        runId,
      );
      if (failed) this.#recordFailedStage(runId, failed.stage, failed.error, now);
      // Stages the caller left open: a successful run vouches for them; after a failure elsewhere they
      // were cut short.
      this.q(
        `UPDATE stages SET status = @status, finished_at = @now, duration_ms = ${ELAPSED_MS}
         WHERE run_id = @runId AND status = 'running'`,
      ).run({ status: failed ? 'unfinished' : 'done', now, runId });
    });
    tx.immediate();
  }

  /** The failed stage carries the error; if it never got started (or was already closed) that is kept. */
  #recordFailedStage(runId: number, stage: StageName, error: string, now: string): void {
    const info = this.q(
      `UPDATE stages SET status = 'failed', finished_at = @now, duration_ms = ${ELAPSED_MS}, detail = @error
       WHERE run_id = @runId AND stage = @stage AND status = 'running'`,
    ).run({ now, error, runId, stage });
    if (info.changes > 0) return;
    // A stage that failed before startStage (bad arguments, say) still shows up where the operator looks.
    this.q(
      `INSERT INTO stages (run_id, stage, status, started_at, finished_at, duration_ms, detail)
       VALUES (?, ?, 'failed', ?, ?, 0, ?) ON CONFLICT (run_id, stage) DO NOTHING`,
    ).run(runId, stage, now, now, error);
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

  #iso(): string {
    return this.now().toISOString();
  }
}
