// LabStore on one SQLite file. better-sqlite3 is synchronous; the methods are async only because the
// interface must also fit a networked store. Every write that touches more than one row runs in a
// transaction, so a lab process killed at any point leaves either all of a step or none of it. The write
// steps themselves are in run-writes.ts; here are the contract's methods, the imported run and the reads.
import { hostname } from 'node:os';
import type Database from 'better-sqlite3';
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
import { toArtifact, toCounts, toRun, toStage, type ArtifactRow, type ResultRow, type RunSummaryRow, type StageRow } from './rows.js';
import { RunWrites, type FinishOutcome } from './run-writes.js';

export interface SqliteStoreOptions {
  /** The clock for every timestamp the store writes; tests pin it. */
  now?: () => Date;
  /** The host this process runs on (runs it starts name it; only its runs' pids are judged here). Default: os.hostname(). */
  host?: string;
}

// Correlated counts run after WHERE/LIMIT, one index range on results_by_run per run shown.
const count = (v: Verdict) => `(SELECT count(*) FROM results x WHERE x.run_id = r.id AND x.verdict = '${v}')`;
const SUMMARY = `
  SELECT r.*, k.version AS kernel_version,
    ${count('PASS')} AS n_pass, ${count('FAIL')} AS n_fail, ${count('WARN')} AS n_warn,
    ${count('NA')} AS n_na, ${count('ERROR')} AS n_error
  FROM runs r LEFT JOIN kernels k ON k.id = r.kernel_id`;

export class SqliteStore implements LabStore {
  readonly #db: Database.Database;
  readonly #host: string;
  readonly #statements = new Map<string, Database.Statement<unknown[]>>();
  /** The write steps (run-writes.ts), on this connection and its prepared statements. */
  readonly #writes: RunWrites;

  /** Opens (creating if needed) and migrates the database at `path`; `':memory:'` for a throwaway one. */
  static open(path: string, options: SqliteStoreOptions = {}): SqliteStore {
    const now = options.now ?? (() => new Date());
    return new SqliteStore(openMigrated(path, now), now, options.host ?? hostname());
  }

  private constructor(db: Database.Database, now: () => Date, host: string) {
    this.#db = db;
    this.#host = host;
    this.#writes = new RunWrites(db, (sql) => this.#q(sql), now, host);
  }

  /** The underlying connection, for tests and maintenance (backup, VACUUM); not for lab code. */
  get database(): Database.Database {
    return this.#db;
  }

  async upsertKernel(k: Omit<KernelRecord, 'id' | 'createdAt'>): Promise<KernelRecord> {
    return this.#writes.upsertKernel(k);
  }

  async recordBuild(b: Omit<BuildRecord, 'id' | 'createdAt'>): Promise<BuildRecord> {
    return this.#writes.recordBuild(b);
  }

  async startRun(r: { testset: string; nut: string; sourceLabel: string; ownerPid: number; setupDigest?: string }): Promise<RunRecord> {
    return this.#writes.startRun(r);
  }

  async attachKernel(runId: number, kernelId: number, buildId: number): Promise<void> {
    this.#writes.attachKernel(runId, kernelId, buildId);
  }

  async startStage(runId: number, stage: StageName, logPath?: string): Promise<void> {
    this.#writes.startStage(runId, stage, logPath);
  }

  async finishStage(runId: number, stage: StageName, status: Exclude<StageStatus, 'running'>, detail?: string): Promise<void> {
    this.#writes.finishStage(runId, stage, status, detail);
  }

  async addResult(runId: number, result: CaseResult): Promise<void> {
    this.#writes.addResult(runId, result);
  }

  async addArtifact(a: ArtifactRecord): Promise<void> {
    this.#writes.addArtifact(a);
  }

  async finishRun(runId: number, outcome: FinishOutcome): Promise<void> {
    this.#writes.finishRun(runId, outcome);
  }

  async recordImportedRun(imported: ImportedRun): Promise<RunSummary> {
    // Every step in one IMMEDIATE transaction (the steps' own transactions become savepoints): killed at any
    // point, the import leaves nothing, never a half-filled run for markOrphanedRuns to call unfinished.
    const tx = this.#db.transaction(() => {
      const kernel = this.#writes.upsertKernel(imported.kernel);
      const build = this.#writes.recordBuild({ ...imported.build, kernelId: kernel.id });
      const run = this.#writes.startRun(imported.run);
      this.#writes.attachKernel(run.id, kernel.id, build.id);
      this.#writes.startStage(run.id, imported.stage);
      const { results, artifacts } = imported.contents(run.id);
      for (const result of results) this.#writes.addResult(run.id, result);
      for (const artifact of artifacts) this.#writes.addArtifact({ ...artifact, runId: run.id });
      this.#writes.finishStage(run.id, imported.stage, 'done', imported.detail);
      this.#writes.finishRun(run.id, { status: 'done' });
      return run.id;
    });
    const runId = tx.immediate();
    const stored = await this.getRun(runId);
    if (!stored) throw new Error(`run ${runId} vanished from the store right after its import`);
    return stored;
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

  // Statements are prepared once per connection; better-sqlite3 does not cache them itself.
  #q<P extends unknown[] = unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    let s = this.#statements.get(sql);
    if (!s) {
      s = this.#db.prepare(sql);
      this.#statements.set(sql, s);
    }
    return s as unknown as Database.Statement<P, R>;
  }
}

function toSummary(row: RunSummaryRow): RunSummary {
  return { ...toRun(row), kernelVersion: row.kernel_version, counts: toCounts(row) };
}

/** Opens (creating and migrating if needed) the lab database; `':memory:'` for a throwaway one. */
export function openSqliteStore(path: string, options?: SqliteStoreOptions): SqliteStore {
  return SqliteStore.open(path, options);
}
