// BisectionStore on the lab's SQLite file (tables bisections and bisection_steps, migration 6). Every change
// re-reads what it acts on inside an IMMEDIATE transaction, so a second lab process (a worker resuming, the CLI)
// never acts on a state that is no longer there.
import type Database from 'better-sqlite3';
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

type StepEnd = { outcome: StepOutcome; reason?: string; facts?: StepFacts; logs?: string[] };

export class SqliteBisections implements BisectionStore {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(spec: BisectionSpec): Promise<{ bisection: BisectionRecord; created: boolean }> {
    const key = checkBisectionSpec(spec);
    return this.db.transaction(() => {
      const existing = this.#byKey(key);
      if (existing !== undefined) return { bisection: toBisection(existing), created: false };
      for (const side of ['good', 'bad'] as const) {
        const runId = spec[side].runId;
        if (runId !== null && this.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(runId) === undefined) {
          throw new Error(`bisection spec: ${side}.runId ${runId}: no such run`);
        }
      }
      const row = this.db
        .prepare<unknown[], BisectionRow>(
          `INSERT INTO bisections (key, tree, good_commit, good_run_id, bad_commit, bad_run_id, testset, profile, cases, confirm_runs, max_steps,
             requested_by, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?) RETURNING *`,
        )
        .get(key, spec.tree, spec.good.commit, spec.good.runId, spec.bad.commit, spec.bad.runId, spec.testset, spec.profile,
          JSON.stringify(spec.cases), spec.confirmRuns, spec.maxSteps, spec.requestedBy, this.now().toISOString());
      return { bisection: toBisection(row!), created: true };
    }).immediate();
  }

  async get(id: number): Promise<BisectionRecord | undefined> {
    const row = this.#row(id);
    return row && toBisection(row);
  }

  async byKey(key: string): Promise<BisectionRecord | undefined> {
    const row = this.#byKey(key);
    return row && toBisection(row);
  }

  async list(options: { status?: BisectionStatus; limit?: number } = {}): Promise<BisectionRecord[]> {
    checkListOptions(options);
    return this.db
      .prepare<[{ status: string | null; limit: number }], BisectionRow>('SELECT * FROM bisections WHERE @status IS NULL OR status = @status ORDER BY id DESC LIMIT @limit')
      .all({ status: options.status ?? null, limit: options.limit ?? -1 })
      .map(toBisection);
  }

  async forRun(runId: number): Promise<BisectionRecord[]> {
    return this.db
      .prepare<[number, number], BisectionRow>('SELECT * FROM bisections WHERE good_run_id = ? OR bad_run_id = ? ORDER BY id DESC')
      .all(runId, runId)
      .map(toBisection);
  }

  async start(id: number, commitsInRange: number): Promise<BisectionRecord> {
    checkStart(id, commitsInRange);
    return this.db.transaction(() => {
      this.#changeable(id);
      const row = this.db
        .prepare<unknown[], BisectionRow>(
          `UPDATE bisections SET status = 'running', commits_in_range = ?, started_at = coalesce(started_at, ?) WHERE id = ? RETURNING *`,
        )
        .get(commitsInRange, this.now().toISOString(), id);
      return toBisection(row!);
    }).immediate();
  }

  async beginStep(id: number, step: { role: StepRole; commit: string }): Promise<BisectionStep> {
    checkStepStart(id, step);
    return this.db.transaction(() => {
      const b = this.#changeable(id);
      if (b.status === 'queued') throw new Error(`bisection ${id}: it is queued; start it before beginning a step`);
      const last = this.db.prepare<[number], StepRow>('SELECT * FROM bisection_steps WHERE bisection_id = ? ORDER BY n DESC LIMIT 1').get(id);
      const newest = last && toStep(last);
      if (newest !== undefined && newest.endedAt === null) {
        if (newest.role === step.role && newest.commit === step.commit) return newest;
        throw new Error(`bisection ${id}: step ${newest.n} (${newest.role} ${newest.commit}) is unfinished; finish it before beginning another (${step.role} ${step.commit})`);
      }
      const row = this.db
        .prepare<unknown[], StepRow>(
          `INSERT INTO bisection_steps (bisection_id, n, role, tested_commit, attempts, logs, started_at) VALUES (?, ?, ?, ?, '[]', '[]', ?) RETURNING *`,
        )
        .get(id, (newest?.n ?? 0) + 1, step.role, step.commit, this.now().toISOString());
      return toStep(row!);
    }).immediate();
  }

  async recordAttempt(id: number, n: number, verdicts: Record<string, Verdict>, facts?: StepFacts): Promise<BisectionStep> {
    checkAttempt(id, n, verdicts, facts);
    return this.db.transaction(() => {
      const attempts = [...toStep(this.#openStep(id, n, facts)).attempts, verdicts];
      return this.#update(id, n, { attempts: JSON.stringify(attempts) }, facts);
    }).immediate();
  }

  async finishStep(id: number, n: number, end: StepEnd): Promise<BisectionStep> {
    checkStepEnd(id, n, end);
    return this.db.transaction(() => {
      this.#openStep(id, n, end.facts);
      const logs = end.logs !== undefined ? { logs: JSON.stringify(end.logs) } : {};
      return this.#update(id, n, { outcome: end.outcome, reason: end.reason ?? null, ...logs, ended_at: this.now().toISOString() }, end.facts);
    }).immediate();
  }

  async steps(id: number): Promise<BisectionStep[]> {
    return this.db.prepare<[number], StepRow>('SELECT * FROM bisection_steps WHERE bisection_id = ? ORDER BY n').all(id).map(toStep);
  }

  async finish(id: number, end: BisectionFinish): Promise<BisectionRecord> {
    checkFinish(id, end);
    return this.db.transaction(() => {
      this.#changeable(id);
      const row = this.db
        .prepare<unknown[], BisectionRow>(
          `UPDATE bisections SET status = ?, culprit_commit = ?, culprit_subject = ?, culprit_author = ?, reason = ?, ended_at = ? WHERE id = ? RETURNING *`,
        )
        .get(end.status, end.culprit?.commit ?? null, end.culprit?.subject ?? null, end.culprit?.author ?? null, end.reason, this.now().toISOString(), id);
      return toBisection(row!);
    }).immediate();
  }

  #row(id: number): BisectionRow | undefined {
    return this.db.prepare<[number], BisectionRow>('SELECT * FROM bisections WHERE id = ?').get(id);
  }

  #byKey(key: string): BisectionRow | undefined {
    return this.db.prepare<[string], BisectionRow>('SELECT * FROM bisections WHERE key = ?').get(key);
  }

  /** The bisection, when it exists and has not ended; call inside a transaction. */
  #changeable(id: number): BisectionRecord {
    const row = this.#row(id);
    if (row === undefined) throw new Error(`bisection ${id}: no such bisection`);
    const b = toBisection(row);
    if (ENDED_BISECTION_STATUSES.includes(b.status)) throw new Error(`bisection ${id}: it is already ${b.status}; an ended bisection cannot be changed`);
    return b;
  }

  /** The step, when it exists, has not ended, and neither has its bisection (and the run it names exists); call inside a transaction. */
  #openStep(id: number, n: number, facts: StepFacts | undefined): StepRow {
    this.#changeable(id);
    const row = this.db.prepare<[number, number], StepRow>('SELECT * FROM bisection_steps WHERE bisection_id = ? AND n = ?').get(id, n);
    if (row === undefined) throw new Error(`step ${n} of bisection ${id}: no such step`);
    if (row.ended_at !== null) throw new Error(`step ${n} of bisection ${id}: it already ended (${row.outcome}); an ended step cannot be changed`);
    if (facts?.runId !== undefined && this.db.prepare('SELECT 1 FROM runs WHERE id = ?').get(facts.runId) === undefined) {
      throw new Error(`step ${n} of bisection ${id}: runId ${facts.runId}: no such run`);
    }
    return row;
  }

  #update(id: number, n: number, columns: Record<string, unknown>, facts: StepFacts | undefined): BisectionStep {
    const set = { ...columns, ...factColumns(facts) };
    const row = this.db
      .prepare<unknown[], StepRow>(`UPDATE bisection_steps SET ${Object.keys(set).map((c) => `${c} = ?`).join(', ')} WHERE bisection_id = ? AND n = ? RETURNING *`)
      .get(...Object.values(set), id, n);
    return toStep(row!);
  }
}
