// JobQueue on PostgreSQL: the SQLite queue's promises for workers on several hosts. A lease is taken with
// FOR UPDATE SKIP LOCKED (two workers asking at once get two different jobs, neither waits for the other);
// every other change locks the job's row and re-checks the lease it acts under, in one transaction, so a
// worker whose lease lapsed and was taken over cannot record anything.
import type pg from 'pg';
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
import { inTransaction, sqlState } from './connection.js';

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

type Db = pg.Pool | pg.PoolClient;

export class PostgresJobQueue implements JobQueue {
  constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => Date,
    private readonly closePool: () => Promise<void>,
  ) {}

  #iso(offsetMs = 0): string {
    return new Date(this.now().getTime() + offsetMs).toISOString();
  }

  async #row(db: Db, where: 'id' | 'key', value: number | string, lock = ''): Promise<JobRow | undefined> {
    const { rows } = await db.query<JobRow>(`SELECT * FROM jobs WHERE ${where} = $1 ${lock}`, [value]);
    return rows[0];
  }

  /** The job, locked, if `owner` holds its lease; otherwise LeaseLostError. */
  async #held(c: pg.PoolClient, jobId: number, owner: string): Promise<JobRow> {
    const row = await this.#row(c, 'id', jobId, 'FOR UPDATE');
    if (row === undefined || row.status !== 'leased' || row.lease_owner !== owner) throw new LeaseLostError(jobId, owner);
    return row;
  }

  async enqueue(spec: JobSpec): Promise<{ job: JobRecord; created: boolean }> {
    checkSpec(spec);
    const payload = encodeJobPayload(spec);
    return inTransaction(this.pool, async (c) => {
      const existing = await this.#row(c, 'key', spec.key);
      if (existing !== undefined) return { job: toJob(existing), created: false };
      let status: JobStatus = 'queued';
      let error: string | null = null;
      let failureOwner: FailureOwner | null = null;
      if (spec.after !== undefined) {
        // FOR SHARE: a prerequisite failing right now either commits first (we see it failed) or waits for
        // this insert (its cascade then sees this job): no job is left waiting for a failed one.
        const first = await this.#row(c, 'key', spec.after, 'FOR SHARE');
        if (first === undefined) throw new Error(`job ${spec.key} waits for ${spec.after}, which is not in the queue`);
        if (first.status === 'failed') {
          status = 'failed';
          error = `not run: ${first.kind} job ${first.key} failed: ${first.error ?? ''}`;
          failureOwner = first.failure_owner ?? 'lab';
        }
      }
      const now = this.#iso();
      const { rows } = await c.query<JobRow>(
        `INSERT INTO jobs (kind, key, priority, payload, grp, after_key, req_profile, req_mode, status, max_attempts,
           not_before, error, failure_owner, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $11, $11)
         ON CONFLICT (key) DO NOTHING RETURNING *`,
        [
          spec.kind, spec.key, spec.priority, payload, spec.group, spec.after ?? null, spec.requires?.profile ?? null,
          spec.requires?.mode ?? null, status, spec.maxAttempts ?? 2, now, error, failureOwner,
        ],
      );
      if (rows[0]) return { job: toJob(rows[0]), created: true };
      // Another process enqueued the same key between our look and our insert: theirs is the job.
      const theirs = await this.#row(c, 'key', spec.key);
      if (!theirs) throw new Error(`job ${spec.key} vanished right after a conflicting insert`);
      return { job: toJob(theirs), created: false };
    });
  }

  async lease(request: LeaseRequest): Promise<JobRecord | undefined> {
    if (!(request.leaseMs > 0)) throw new Error('leaseMs must be positive');
    if (request.owner === '') throw new Error('a lease needs an owner');
    const kinds = request.kinds.filter((k) => KINDS.includes(k));
    if (kinds.length === 0) return undefined;
    const nut = request.nut;
    const leased = await inTransaction(this.pool, async (c): Promise<JobRecord | InvalidJobPayload | undefined> => {
      if (nut !== undefined) {
        const { rows } = await c.query<{ id: number }>(`SELECT id FROM jobs WHERE status = 'leased' AND nut = $1`, [nut.name]);
        if (rows[0]) throw new Error(`NUT ${nut.name} already holds job ${rows[0].id}: one NUT runs one job at a time`);
      }
      // SKIP LOCKED: a job another worker is leasing this instant is passed over, not waited for.
      const { rows } = await c.query<JobRow>(
        `SELECT j.* FROM jobs j
         WHERE j.status = 'queued' AND j.not_before <= $1 AND j.kind = ANY($2::text[])
           AND (j.after_key IS NULL OR EXISTS (SELECT 1 FROM jobs d WHERE d.key = j.after_key AND d.status = 'done'))
           AND (j.req_profile IS NULL OR ($3::text IS NOT NULL AND j.req_profile = $4 AND j.req_mode = ANY($5::text[])))
         ORDER BY (j.grp IS NOT DISTINCT FROM $6) DESC, j.priority, j.id
         LIMIT 1 FOR UPDATE OF j SKIP LOCKED`,
        [this.#iso(), kinds, nut?.name ?? null, nut?.profile ?? null, [...(nut?.modes ?? [])], request.preferGroup ?? null],
      );
      const row = rows[0];
      if (row === undefined) return undefined;
      const now = this.#iso();
      // A build job holds no NUT even when a NUT's worker leased it.
      const { rows: updated } = await c.query<JobRow>(
        `UPDATE jobs SET status = 'leased', attempts = attempts + 1, lease_owner = $1, lease_expires_at = $2, nut = $3,
           updated_at = $4 WHERE id = $5 RETURNING *`,
        [request.owner, this.#iso(request.leaseMs), row.req_profile === null ? null : (nut?.name ?? null), now, row.id],
      );
      try {
        return toJob(updated[0]!);
      } catch (error) {
        if (!(error instanceof InvalidJobPayload)) throw error;
        // Retrying cannot mend a payload: the job fails for good, as the lab's failure, with the reason.
        await c.query(
          `UPDATE jobs SET status = 'failed', lease_owner = NULL, lease_expires_at = NULL, nut = NULL, error = $1,
             failure_owner = 'lab', updated_at = $2 WHERE id = $3`,
          [error.message, now, row.id],
        );
        await this.#failDependents(c, row.key, `${row.kind} job ${row.key} failed: ${error.message}`, 'lab', now);
        return error;
      }
    }).catch((error: unknown) => {
      // Two workers naming the same NUT (a config mistake) race past the check: the unique index refuses one.
      if (sqlState(error) === '23505' && nut !== undefined) throw new Error(`NUT ${nut.name} already holds a job: one NUT runs one job at a time`, { cause: error });
      throw error;
    });
    if (leased instanceof InvalidJobPayload) throw leased;
    return leased;
  }

  async renew(jobId: number, owner: string, leaseMs: number): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      await this.#held(c, jobId, owner);
      await c.query('UPDATE jobs SET lease_expires_at = $1, updated_at = $2 WHERE id = $3', [this.#iso(leaseMs), this.#iso(), jobId]);
    });
  }

  async noteProgress(jobId: number, owner: string, facts: Record<string, unknown>): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      const row = await this.#held(c, jobId, owner);
      const merged = { ...(JSON.parse(row.progress) as Record<string, unknown>), ...facts };
      await c.query('UPDATE jobs SET progress = $1, updated_at = $2 WHERE id = $3', [JSON.stringify(merged), this.#iso(), jobId]);
    });
  }

  async complete(jobId: number, owner: string, result: Record<string, unknown>): Promise<JobRecord> {
    return inTransaction(this.pool, async (c) => {
      await this.#held(c, jobId, owner);
      const { rows } = await c.query<JobRow>(
        `UPDATE jobs SET status = 'done', result = $1, lease_owner = NULL, lease_expires_at = NULL, error = NULL,
           failure_owner = NULL, updated_at = $2 WHERE id = $3 RETURNING *`,
        [JSON.stringify(result), this.#iso(), jobId],
      );
      return toJob(rows[0]!);
    });
  }

  async fail(jobId: number, owner: string, failure: JobFailure): Promise<JobRecord> {
    if (failure.owner !== 'kernel' && failure.owner !== 'lab') throw new Error(`failure owner must be kernel or lab, got ${String(failure.owner)}`);
    return inTransaction(this.pool, async (c) => {
      const row = await this.#held(c, jobId, owner);
      const retry = failure.retryAfterMs !== undefined && row.attempts < row.max_attempts;
      const now = this.#iso();
      const { rows } = await c.query<JobRow>(
        `UPDATE jobs SET status = $1, lease_owner = NULL, lease_expires_at = NULL, nut = NULL, error = $2,
           failure_owner = $3, not_before = $4, updated_at = $5 WHERE id = $6 RETURNING *`,
        [retry ? 'queued' : 'failed', failure.error, failure.owner, retry ? this.#iso(failure.retryAfterMs) : row.not_before, now, jobId],
      );
      if (!retry) await this.#failDependents(c, row.key, `${row.kind} job ${row.key} failed: ${failure.error}`, failure.owner, now);
      return toJob(rows[0]!);
    });
  }

  /** Jobs waiting (transitively) on `key` can never run: fail them with the reason. */
  async #failDependents(c: pg.PoolClient, key: string, reason: string, owner: FailureOwner, now: string): Promise<void> {
    const { rows } = await c.query<{ key: string }>(
      `UPDATE jobs SET status = 'failed', error = $1, failure_owner = $2, updated_at = $3
       WHERE after_key = $4 AND status = 'queued' RETURNING key`,
      [`not run: ${reason}`, owner, now, key],
    );
    for (const { key: dependent } of rows) await this.#failDependents(c, dependent, reason, owner, now);
  }

  async release(jobId: number, owner: string): Promise<void> {
    await inTransaction(this.pool, async (c) => {
      await this.#held(c, jobId, owner);
      await c.query(
        `UPDATE jobs SET status = 'queued', attempts = greatest(attempts - 1, 0), lease_owner = NULL, lease_expires_at = NULL,
           nut = NULL, updated_at = $1 WHERE id = $2`,
        [this.#iso(), jobId],
      );
    });
  }

  async reclaim(isOwnerAlive: (owner: string) => boolean): Promise<number[]> {
    return inTransaction(this.pool, async (c) => {
      const now = this.#iso();
      // SKIP LOCKED: a lease being renewed or completed right now is its holder's, alive by definition.
      const { rows } = await c.query<{ id: number; lease_owner: string; lease_expires_at: string }>(
        `SELECT id, lease_owner, lease_expires_at FROM jobs WHERE status = 'leased' ORDER BY id FOR UPDATE SKIP LOCKED`,
      );
      const taken: number[] = [];
      for (const row of rows) {
        if (row.lease_expires_at > now && isOwnerAlive(row.lease_owner)) continue;
        await c.query(
          `UPDATE jobs SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL, nut = NULL, updated_at = $1 WHERE id = $2`,
          [now, row.id],
        );
        taken.push(row.id);
      }
      return taken;
    });
  }

  async get(jobId: number): Promise<JobRecord | undefined> {
    const row = await this.#row(this.pool, 'id', jobId);
    return row === undefined ? undefined : toJob(row);
  }

  async byKey(key: string): Promise<JobRecord | undefined> {
    const row = await this.#row(this.pool, 'key', key);
    return row === undefined ? undefined : toJob(row);
  }

  async list(options: { status?: JobStatus; limit?: number } = {}): Promise<JobRecord[]> {
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? 1000), 1), 100_000);
    const { rows } = options.status === undefined
      ? await this.pool.query<JobRow>('SELECT * FROM jobs ORDER BY id LIMIT $1', [limit])
      : await this.pool.query<JobRow>('SELECT * FROM jobs WHERE status = $1 ORDER BY id LIMIT $2', [options.status, limit]);
    return rows.map(toJob);
  }

  async close(): Promise<void> {
    await this.closePool();
  }
}
