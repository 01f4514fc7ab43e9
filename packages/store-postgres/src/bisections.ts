// BisectionStore on PostgreSQL (tables bisections and bisection_steps, migration 6). Every change locks the
// bisection's row (FOR UPDATE) and re-reads what it acts on in the same transaction: two lab processes on two
// hosts (a worker resuming, the CLI ending it) take turns on one bisection, and neither acts on a stale state.
import type pg from 'pg';
import {
  checkAttempt,
  checkBisectionSpec,
  checkFinish,
  checkListOptions,
  checkStart,
  checkStepEnd,
  checkStepStart,
  ENDED_BISECTION_STATUSES,
  type BisectionFinish,
  type BisectionRecord,
  type BisectionSpec,
  type BisectionStatus,
  type BisectionStep,
  type BisectionStore,
  type StepOutcome,
  type StepRole,
  type StepFacts,
  type Verdict,
  factColumns,
  toBisection,
  toStep,
  type BisectionRow,
  type StepRow,
} from '@testlab/core';
import { inTransaction } from './connection.js';

type StepEnd = { outcome: StepOutcome; reason?: string; facts?: StepFacts; logs?: string[] };
type Db = pg.Pool | pg.PoolClient;

export class PostgresBisections implements BisectionStore {
  constructor(
    private readonly pool: pg.Pool,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(spec: BisectionSpec): Promise<{ bisection: BisectionRecord; created: boolean }> {
    const key = checkBisectionSpec(spec);
    return inTransaction(this.pool, async (c) => {
      const existing = await this.#byKey(c, key);
      if (existing !== undefined) return { bisection: toBisection(existing), created: false };
      for (const side of ['good', 'bad'] as const) {
        const runId = spec[side].runId;
        if (runId !== null && (await c.query('SELECT 1 FROM runs WHERE id = $1', [runId])).rowCount === 0) {
          throw new Error(`bisection spec: ${side}.runId ${runId}: no such run`);
        }
      }
      const { rows } = await c.query<BisectionRow>(
        `INSERT INTO bisections (key, tree, good_commit, good_run_id, bad_commit, bad_run_id, testset, profile, cases, confirm_runs, max_steps,
           requested_by, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'queued', $13)
         ON CONFLICT (key) DO NOTHING RETURNING *`,
        [key, spec.tree, spec.good.commit, spec.good.runId, spec.bad.commit, spec.bad.runId, spec.testset, spec.profile,
          JSON.stringify(spec.cases), spec.confirmRuns, spec.maxSteps, spec.requestedBy, this.now().toISOString()],
      );
      if (rows[0] !== undefined) return { bisection: toBisection(rows[0]), created: true };
      // Another process created it between the read and the insert: theirs is the one.
      const theirs = await this.#byKey(c, key);
      if (theirs === undefined) throw new Error(`bisection ${key} vanished right after a conflicting insert`);
      return { bisection: toBisection(theirs), created: false };
    });
  }

  async get(id: number): Promise<BisectionRecord | undefined> {
    const row = await this.#row(this.pool, id);
    return row && toBisection(row);
  }

  async byKey(key: string): Promise<BisectionRecord | undefined> {
    const row = await this.#byKey(this.pool, key);
    return row && toBisection(row);
  }

  async list(options: { status?: BisectionStatus; limit?: number } = {}): Promise<BisectionRecord[]> {
    checkListOptions(options);
    const { rows } = await this.pool.query<BisectionRow>(
      'SELECT * FROM bisections WHERE $1::text IS NULL OR status = $1 ORDER BY id DESC LIMIT $2',
      [options.status ?? null, options.limit ?? null],
    );
    return rows.map(toBisection);
  }

  async forRun(runId: number): Promise<BisectionRecord[]> {
    const { rows } = await this.pool.query<BisectionRow>('SELECT * FROM bisections WHERE good_run_id = $1 OR bad_run_id = $1 ORDER BY id DESC', [runId]);
    return rows.map(toBisection);
  }

  async start(id: number, commitsInRange: number): Promise<BisectionRecord> {
    checkStart(id, commitsInRange);
    return inTransaction(this.pool, async (c) => {
      await this.#changeable(c, id);
      const { rows } = await c.query<BisectionRow>(
        `UPDATE bisections SET status = 'running', commits_in_range = $1, started_at = coalesce(started_at, $2) WHERE id = $3 RETURNING *`,
        [commitsInRange, this.now().toISOString(), id],
      );
      return toBisection(rows[0]!);
    });
  }

  async beginStep(id: number, step: { role: StepRole; commit: string }): Promise<BisectionStep> {
    checkStepStart(id, step);
    return inTransaction(this.pool, async (c) => {
      const b = await this.#changeable(c, id);
      if (b.status === 'queued') throw new Error(`bisection ${id}: it is queued; start it before beginning a step`);
      const { rows: [last] } = await c.query<StepRow>('SELECT * FROM bisection_steps WHERE bisection_id = $1 ORDER BY n DESC LIMIT 1', [id]);
      const newest = last && toStep(last);
      if (newest !== undefined && newest.endedAt === null) {
        if (newest.role === step.role && newest.commit === step.commit) return newest;
        throw new Error(`bisection ${id}: step ${newest.n} (${newest.role} ${newest.commit}) is unfinished; finish it before beginning another (${step.role} ${step.commit})`);
      }
      const { rows } = await c.query<StepRow>(
        `INSERT INTO bisection_steps (bisection_id, n, role, tested_commit, attempts, logs, started_at) VALUES ($1, $2, $3, $4, '[]', '[]', $5) RETURNING *`,
        [id, (newest?.n ?? 0) + 1, step.role, step.commit, this.now().toISOString()],
      );
      return toStep(rows[0]!);
    });
  }

  async recordAttempt(id: number, n: number, verdicts: Record<string, Verdict>, facts?: StepFacts): Promise<BisectionStep> {
    checkAttempt(id, n, verdicts, facts);
    return inTransaction(this.pool, async (c) => {
      const attempts = [...toStep(await this.#openStep(c, id, n, facts)).attempts, verdicts];
      return this.#update(c, id, n, { attempts: JSON.stringify(attempts) }, facts);
    });
  }

  async finishStep(id: number, n: number, end: StepEnd): Promise<BisectionStep> {
    checkStepEnd(id, n, end);
    return inTransaction(this.pool, async (c) => {
      await this.#openStep(c, id, n, end.facts);
      const logs = end.logs !== undefined ? { logs: JSON.stringify(end.logs) } : {};
      return this.#update(c, id, n, { outcome: end.outcome, reason: end.reason ?? null, ...logs, ended_at: this.now().toISOString() }, end.facts);
    });
  }

  async steps(id: number): Promise<BisectionStep[]> {
    const { rows } = await this.pool.query<StepRow>('SELECT * FROM bisection_steps WHERE bisection_id = $1 ORDER BY n', [id]);
    return rows.map(toStep);
  }

  async finish(id: number, end: BisectionFinish): Promise<BisectionRecord> {
    checkFinish(id, end);
    return inTransaction(this.pool, async (c) => {
      await this.#changeable(c, id);
      const { rows } = await c.query<BisectionRow>(
        `UPDATE bisections SET status = $1, culprit_commit = $2, culprit_subject = $3, culprit_author = $4, reason = $5, ended_at = $6 WHERE id = $7 RETURNING *`,
        [end.status, end.culprit?.commit ?? null, end.culprit?.subject ?? null, end.culprit?.author ?? null, end.reason, this.now().toISOString(), id],
      );
      return toBisection(rows[0]!);
    });
  }

  async #row(db: Db, id: number, lock = ''): Promise<BisectionRow | undefined> {
    const { rows } = await db.query<BisectionRow>(`SELECT * FROM bisections WHERE id = $1 ${lock}`, [id]);
    return rows[0];
  }

  async #byKey(db: Db, key: string): Promise<BisectionRow | undefined> {
    const { rows } = await db.query<BisectionRow>('SELECT * FROM bisections WHERE key = $1', [key]);
    return rows[0];
  }

  /** The bisection, locked, when it exists and has not ended. */
  async #changeable(c: pg.PoolClient, id: number): Promise<BisectionRecord> {
    const row = await this.#row(c, id, 'FOR UPDATE');
    if (row === undefined) throw new Error(`bisection ${id}: no such bisection`);
    const b = toBisection(row);
    if (ENDED_BISECTION_STATUSES.includes(b.status)) throw new Error(`bisection ${id}: it is already ${b.status}; an ended bisection cannot be changed`);
    return b;
  }

  /** The step, when it exists, has not ended, and neither has its bisection (locked), and the run it names exists. */
  async #openStep(c: pg.PoolClient, id: number, n: number, facts: StepFacts | undefined): Promise<StepRow> {
    await this.#changeable(c, id);
    const { rows: [row] } = await c.query<StepRow>('SELECT * FROM bisection_steps WHERE bisection_id = $1 AND n = $2', [id, n]);
    if (row === undefined) throw new Error(`step ${n} of bisection ${id}: no such step`);
    if (row.ended_at !== null) throw new Error(`step ${n} of bisection ${id}: it already ended (${row.outcome}); an ended step cannot be changed`);
    if (facts?.runId !== undefined && (await c.query('SELECT 1 FROM runs WHERE id = $1', [facts.runId])).rowCount === 0) {
      throw new Error(`step ${n} of bisection ${id}: runId ${facts.runId}: no such run`);
    }
    return row;
  }

  async #update(c: pg.PoolClient, id: number, n: number, columns: Record<string, unknown>, facts: StepFacts | undefined): Promise<BisectionStep> {
    const set = { ...columns, ...factColumns(facts) };
    const { rows } = await c.query<StepRow>(
      `UPDATE bisection_steps SET ${Object.keys(set).map((col, i) => `${col} = $${i + 3}`).join(', ')} WHERE bisection_id = $1 AND n = $2 RETURNING *`,
      [id, n, ...Object.values(set)],
    );
    return toStep(rows[0]!);
  }
}
