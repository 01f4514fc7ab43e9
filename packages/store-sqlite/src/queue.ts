// JobQueue on the lab's SQLite file (table `jobs`, migration 2). Every state change is one IMMEDIATE
// transaction that re-checks the lease it acts under, so a worker killed with SIGKILL at any instant leaves
// each job either as it was or fully moved, and a worker whose lease was taken back cannot record anything.
import type Database from 'better-sqlite3';
import {
  decodeJobPayload,
  encodeJobPayload,
  InvalidJobPayload,
  LeaseLostError,
  type FailureOwner,
  type JobFailure,
  type JobKind,
  type JobQueue,
  type JobRecord,
  type JobSpec,
  type JobStatus,
  type LeaseRequest,
} from '@testlab/core';
import { openMigrated } from './connection.js';

export interface SqliteJobQueueOptions {
  now?: () => Date;
}

interface JobRow {
  id: number;
  kind: JobKind;
  key: string;
  priority: number;
  payload: string;
  grp: string;
  after_key: string | null;
  req_profile: string | null;
  req_mode: string | null;
  status: JobStatus;
  attempts: number;
  max_attempts: number;
  not_before: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  nut: string | null;
  progress: string;
  result: string | null;
  error: string | null;
  failure_owner: FailureOwner | null;
  created_at: string;
  updated_at: string;
}

const KEY_MAX = 500;
const KINDS: readonly JobKind[] = ['build', 'run', 'bisect'];

/** A row as a job, its payload validated: InvalidJobPayload names the job and the field when it is not. */
function toJob(row: JobRow): JobRecord {
  const rest = {
    group: row.grp,
    after: row.after_key,
    requires: row.req_profile === null || row.req_mode === null ? null : { profile: row.req_profile, mode: row.req_mode },
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    notBefore: row.not_before,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at,
    nut: row.nut,
    progress: JSON.parse(row.progress) as Record<string, unknown>,
    result: row.result === null ? null : (JSON.parse(row.result) as Record<string, unknown>),
    error: row.error,
    failureOwner: row.failure_owner,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  const typed = decodeJobPayload(row.kind, row.payload, { id: row.id, key: row.key });
  // Field for field in the order jobs always had (`testlab queue --json` prints them).
  // One branch per kind: TypeScript pairs each kind with its payload only when it is narrowed.
  if (typed.kind === 'build') return { id: row.id, kind: typed.kind, key: row.key, priority: row.priority, payload: typed.payload, ...rest };
  if (typed.kind === 'run') return { id: row.id, kind: typed.kind, key: row.key, priority: row.priority, payload: typed.payload, ...rest };
  return { id: row.id, kind: typed.kind, key: row.key, priority: row.priority, payload: typed.payload, ...rest };
}

function checkSpec(spec: JobSpec): void {
  if (!KINDS.includes(spec.kind)) throw new Error(`job kind must be one of ${KINDS.join(', ')}, got ${JSON.stringify(spec.kind)}`);
  if (typeof spec.key !== 'string' || spec.key === '' || spec.key.length > KEY_MAX) throw new Error(`job key must be 1..${KEY_MAX} characters`);
  if (!Number.isInteger(spec.priority)) throw new Error(`job ${spec.key}: priority must be an integer`);
  if (spec.maxAttempts !== undefined && (!Number.isInteger(spec.maxAttempts) || spec.maxAttempts < 1)) {
    throw new Error(`job ${spec.key}: maxAttempts must be a positive integer`);
  }
  // Both boot kernels on a NUT: only a NUT of the right kind may lease them.
  if ((spec.kind === 'run' || spec.kind === 'bisect') && spec.requires === undefined) throw new Error(`${spec.kind} job ${spec.key} must say which NUT profile and mode it requires`);
  if (spec.after === spec.key) throw new Error(`job ${spec.key} cannot wait for itself`);
}

export class SqliteJobQueue implements JobQueue {
  readonly #db: Database.Database;
  readonly #now: () => Date;

  static open(path: string, options: SqliteJobQueueOptions = {}): SqliteJobQueue {
    const now = options.now ?? (() => new Date());
    return new SqliteJobQueue(openMigrated(path, now), now);
  }

  /** The queue on a connection another contract already opened (and migrated): one file, one connection. */
  static on(db: Database.Database, now: () => Date = () => new Date()): SqliteJobQueue {
    return new SqliteJobQueue(db, now);
  }

  private constructor(db: Database.Database, now: () => Date) {
    this.#db = db;
    this.#now = now;
  }

  #iso(offsetMs = 0): string {
    return new Date(this.#now().getTime() + offsetMs).toISOString();
  }

  #row(where: string, value: number | string): JobRow | undefined {
    return this.#db.prepare<[number | string], JobRow>(`SELECT * FROM jobs WHERE ${where} = ?`).get(value);
  }

  /** The job, if `owner` holds its lease; otherwise LeaseLostError. Call inside a transaction. */
  #held(jobId: number, owner: string): JobRow {
    const row = this.#row('id', jobId);
    if (row === undefined || row.status !== 'leased' || row.lease_owner !== owner) throw new LeaseLostError(jobId, owner);
    return row;
  }

  async enqueue(spec: JobSpec): Promise<{ job: JobRecord; created: boolean }> {
    checkSpec(spec);
    const payload = encodeJobPayload(spec);
    return this.#db.transaction(() => {
      const existing = this.#row('key', spec.key);
      if (existing !== undefined) return { job: toJob(existing), created: false };
      let status: JobStatus = 'queued';
      let error: string | null = null;
      let failureOwner: FailureOwner | null = null;
      if (spec.after !== undefined) {
        const first = this.#row('key', spec.after);
        if (first === undefined) throw new Error(`job ${spec.key} waits for ${spec.after}, which is not in the queue`);
        // Waiting for a job that already failed for good would wait forever: fail now, saying why.
        if (first.status === 'failed') {
          status = 'failed';
          error = `not run: ${first.kind} job ${first.key} failed: ${first.error ?? ''}`;
          failureOwner = first.failure_owner ?? 'lab';
        }
      }
      const now = this.#iso();
      const info = this.#db
        .prepare(
          `INSERT INTO jobs (kind, key, priority, payload, grp, after_key, req_profile, req_mode, status, max_attempts,
             not_before, error, failure_owner, created_at, updated_at)
           VALUES (@kind, @key, @priority, @payload, @grp, @after, @profile, @mode, @status, @max, @now, @error, @failureOwner, @now, @now)`,
        )
        .run({
          kind: spec.kind, key: spec.key, priority: spec.priority, payload, grp: spec.group, after: spec.after ?? null,
          profile: spec.requires?.profile ?? null, mode: spec.requires?.mode ?? null, status, max: spec.maxAttempts ?? 2,
          now, error, failureOwner,
        });
      return { job: toJob(this.#row('id', Number(info.lastInsertRowid))!), created: true };
    }).immediate();
  }

  async lease(request: LeaseRequest): Promise<JobRecord | undefined> {
    if (!(request.leaseMs > 0)) throw new Error('leaseMs must be positive');
    if (request.owner === '') throw new Error('a lease needs an owner');
    const kinds = request.kinds.filter((k) => KINDS.includes(k));
    if (kinds.length === 0) return undefined;
    const leased = this.#db.transaction((): JobRecord | InvalidJobPayload | undefined => {
      const nut = request.nut;
      if (nut !== undefined) {
        const holding = this.#db.prepare<[string], { id: number }>(`SELECT id FROM jobs WHERE status = 'leased' AND nut = ?`).get(nut.name);
        if (holding !== undefined) throw new Error(`NUT ${nut.name} already holds job ${holding.id}: one NUT runs one job at a time`);
      }
      const row = this.#db
        .prepare<Record<string, unknown>, JobRow>(
          `SELECT j.* FROM jobs j
           WHERE j.status = 'queued' AND j.not_before <= @now
             AND j.kind IN (SELECT value FROM json_each(@kinds))
             AND (j.after_key IS NULL OR EXISTS (SELECT 1 FROM jobs d WHERE d.key = j.after_key AND d.status = 'done'))
             AND (j.req_profile IS NULL
                  OR (@nut IS NOT NULL AND j.req_profile = @profile AND j.req_mode IN (SELECT value FROM json_each(@modes))))
           ORDER BY (j.grp IS @prefer) DESC, j.priority, j.id
           LIMIT 1`,
        )
        .get({
          now: this.#iso(), kinds: JSON.stringify(kinds), nut: nut?.name ?? null, profile: nut?.profile ?? null,
          modes: JSON.stringify(nut?.modes ?? []), prefer: request.preferGroup ?? null,
        });
      if (row === undefined) return undefined;
      this.#db
        .prepare(
          `UPDATE jobs SET status = 'leased', attempts = attempts + 1, lease_owner = @owner, lease_expires_at = @expires,
             nut = @nut, updated_at = @now WHERE id = @id`,
        )
        // A build job holds no NUT even when a NUT's worker leased it.
        .run({ id: row.id, owner: request.owner, expires: this.#iso(request.leaseMs), nut: row.req_profile === null ? null : (nut?.name ?? null), now: this.#iso() });
      try {
        return toJob(this.#row('id', row.id)!);
      } catch (error) {
        if (!(error instanceof InvalidJobPayload)) throw error;
        // Retrying cannot mend a payload: the job fails for good, as the lab's failure, with the reason.
        const now = this.#iso();
        this.#db
          .prepare(
            `UPDATE jobs SET status = 'failed', lease_owner = NULL, lease_expires_at = NULL, nut = NULL, error = ?,
               failure_owner = 'lab', updated_at = ? WHERE id = ?`,
          )
          .run(error.message, now, row.id);
        this.#failDependents(row.key, `${row.kind} job ${row.key} failed: ${error.message}`, 'lab', now);
        return error;
      }
    }).immediate();
    if (leased instanceof InvalidJobPayload) throw leased;
    return leased;
  }

  async renew(jobId: number, owner: string, leaseMs: number): Promise<void> {
    this.#db.transaction(() => {
      this.#held(jobId, owner);
      this.#db.prepare('UPDATE jobs SET lease_expires_at = ?, updated_at = ? WHERE id = ?').run(this.#iso(leaseMs), this.#iso(), jobId);
    }).immediate();
  }

  async noteProgress(jobId: number, owner: string, facts: Record<string, unknown>): Promise<void> {
    this.#db.transaction(() => {
      const row = this.#held(jobId, owner);
      const merged = { ...(JSON.parse(row.progress) as Record<string, unknown>), ...facts };
      this.#db.prepare('UPDATE jobs SET progress = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(merged), this.#iso(), jobId);
    }).immediate();
  }

  async complete(jobId: number, owner: string, result: Record<string, unknown>): Promise<JobRecord> {
    return this.#db.transaction(() => {
      this.#held(jobId, owner);
      this.#db
        .prepare(
          `UPDATE jobs SET status = 'done', result = ?, lease_owner = NULL, lease_expires_at = NULL, error = NULL,
             failure_owner = NULL, updated_at = ? WHERE id = ?`,
        )
        .run(JSON.stringify(result), this.#iso(), jobId);
      return toJob(this.#row('id', jobId)!);
    }).immediate();
  }

  async fail(jobId: number, owner: string, failure: JobFailure): Promise<JobRecord> {
    if (failure.owner !== 'kernel' && failure.owner !== 'lab') throw new Error(`failure owner must be kernel or lab, got ${String(failure.owner)}`);
    return this.#db.transaction(() => {
      const row = this.#held(jobId, owner);
      const retry = failure.retryAfterMs !== undefined && row.attempts < row.max_attempts;
      const now = this.#iso();
      this.#db
        .prepare(
          `UPDATE jobs SET status = @status, lease_owner = NULL, lease_expires_at = NULL, nut = NULL, error = @error,
             failure_owner = @fowner, not_before = @notBefore, updated_at = @now WHERE id = @id`,
        )
        .run({
          id: jobId, status: retry ? 'queued' : 'failed', error: failure.error, fowner: failure.owner,
          notBefore: retry ? this.#iso(failure.retryAfterMs) : row.not_before, now,
        });
      if (!retry) this.#failDependents(row.key, `${row.kind} job ${row.key} failed: ${failure.error}`, failure.owner, now);
      return toJob(this.#row('id', jobId)!);
    }).immediate();
  }

  /** Jobs waiting (transitively) on `key` can never run: fail them with the reason. */
  #failDependents(key: string, reason: string, owner: FailureOwner, now: string): void {
    const waiting = this.#db.prepare<[string], { key: string }>(`SELECT key FROM jobs WHERE after_key = ? AND status = 'queued'`).all(key);
    for (const { key: dependent } of waiting) {
      this.#db
        .prepare(`UPDATE jobs SET status = 'failed', error = ?, failure_owner = ?, updated_at = ? WHERE key = ?`)
        .run(`not run: ${reason}`, owner, now, dependent);
      this.#failDependents(dependent, reason, owner, now);
    }
  }

  async release(jobId: number, owner: string): Promise<void> {
    this.#db.transaction(() => {
      this.#held(jobId, owner);
      this.#db
        .prepare(
          `UPDATE jobs SET status = 'queued', attempts = max(attempts - 1, 0), lease_owner = NULL, lease_expires_at = NULL,
             nut = NULL, updated_at = ? WHERE id = ?`,
        )
        .run(this.#iso(), jobId);
    }).immediate();
  }

  async reclaim(isOwnerAlive: (owner: string) => boolean): Promise<number[]> {
    return this.#db.transaction(() => {
      const now = this.#iso();
      const leased = this.#db.prepare<[], JobRow>(`SELECT * FROM jobs WHERE status = 'leased'`).all();
      const taken: number[] = [];
      for (const row of leased) {
        if (row.lease_expires_at! > now && isOwnerAlive(row.lease_owner!)) continue;
        this.#db
          .prepare(`UPDATE jobs SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL, nut = NULL, updated_at = ? WHERE id = ?`)
          .run(now, row.id);
        taken.push(row.id);
      }
      return taken;
    }).immediate();
  }

  async get(jobId: number): Promise<JobRecord | undefined> {
    const row = this.#row('id', jobId);
    return row === undefined ? undefined : toJob(row);
  }

  async byKey(key: string): Promise<JobRecord | undefined> {
    const row = this.#row('key', key);
    return row === undefined ? undefined : toJob(row);
  }

  async list(options: { status?: JobStatus; limit?: number } = {}): Promise<JobRecord[]> {
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? 1000), 1), 100_000);
    const rows = options.status === undefined
      ? this.#db.prepare<[number], JobRow>('SELECT * FROM jobs ORDER BY id LIMIT ?').all(limit)
      : this.#db.prepare<[string, number], JobRow>('SELECT * FROM jobs WHERE status = ? ORDER BY id LIMIT ?').all(options.status, limit);
    return rows.map(toJob);
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}

export function openSqliteJobQueue(path: string, options: SqliteJobQueueOptions = {}): SqliteJobQueue {
  return SqliteJobQueue.open(path, options);
}
