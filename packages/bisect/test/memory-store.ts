// A BisectionStore in memory, for the search's unit tests: the rules the contract suite checks on SQLite and
// PostgreSQL (a step resumed when unfinished, ended steps and bisections frozen), nothing more.
import { bisectionKey, type BisectionRecord, type BisectionSpec, type BisectionStep, type BisectionStore, type StepFacts } from '@testlab/core';

export class MemoryBisectionStore implements BisectionStore {
  private readonly bisections: BisectionRecord[] = [];
  private readonly stepsOf = new Map<number, BisectionStep[]>();

  async create(spec: BisectionSpec) {
    const key = bisectionKey(spec);
    const existing = this.bisections.find((b) => b.key === key);
    if (existing) return { bisection: structuredClone(existing), created: false };
    const bisection: BisectionRecord = { ...structuredClone(spec), id: this.bisections.length + 1, key, status: 'queued', commitsInRange: null, culprit: null, reason: null, createdAt: now(), startedAt: null, endedAt: null };
    this.bisections.push(bisection);
    this.stepsOf.set(bisection.id, []);
    return { bisection: structuredClone(bisection), created: true };
  }
  async get(id: number) {
    const b = this.bisections.find((x) => x.id === id);
    return b && structuredClone(b);
  }
  async byKey(key: string) {
    const b = this.bisections.find((x) => x.key === key);
    return b && structuredClone(b);
  }
  async list() {
    return structuredClone([...this.bisections].reverse());
  }
  async forRun(runId: number) {
    return structuredClone(this.bisections.filter((b) => b.good.runId === runId || b.bad.runId === runId));
  }
  async start(id: number, commitsInRange: number) {
    const b = this.mustOpen(id);
    b.status = 'running';
    b.commitsInRange = commitsInRange;
    b.startedAt ??= now();
    return structuredClone(b);
  }
  async beginStep(id: number, step: { role: BisectionStep['role']; commit: string }) {
    this.mustOpen(id);
    const steps = this.stepsOf.get(id)!;
    const last = steps[steps.length - 1];
    if (last && last.outcome === null) {
      if (last.role === step.role && last.commit === step.commit) return structuredClone(last);
      throw new Error(`bisection ${id}: step ${last.n} is unfinished`);
    }
    const created: BisectionStep = { bisectionId: id, n: steps.length + 1, ...step, attempts: [], outcome: null, reason: null, buildMs: null, bootMs: null, testMs: null, runId: null, logs: [], startedAt: now(), endedAt: null };
    steps.push(created);
    return structuredClone(created);
  }
  async recordAttempt(id: number, n: number, verdicts: BisectionStep['attempts'][number], facts?: StepFacts) {
    const step = this.openStep(id, n);
    step.attempts.push({ ...verdicts });
    applyFacts(step, facts);
    return structuredClone(step);
  }
  async finishStep(id: number, n: number, end: { outcome: NonNullable<BisectionStep['outcome']>; reason?: string; facts?: StepFacts; logs?: string[] }) {
    const step = this.openStep(id, n);
    step.outcome = end.outcome;
    step.reason = end.reason ?? null;
    step.logs = end.logs ?? [];
    applyFacts(step, end.facts);
    step.endedAt = now();
    return structuredClone(step);
  }
  async steps(id: number) {
    return structuredClone(this.stepsOf.get(id) ?? []);
  }
  async finish(id: number, end: { status: 'found' | 'inconclusive' | 'failed'; culprit?: BisectionRecord['culprit'] & object; reason: string }) {
    const b = this.mustOpen(id);
    b.status = end.status;
    b.culprit = end.culprit ?? null;
    b.reason = end.reason;
    b.endedAt = now();
    return structuredClone(b);
  }

  private mustOpen(id: number): BisectionRecord {
    const b = this.bisections.find((x) => x.id === id);
    if (!b) throw new Error(`bisection ${id} does not exist`);
    if (b.endedAt !== null) throw new Error(`bisection ${id} has ended`);
    return b;
  }
  private openStep(id: number, n: number): BisectionStep {
    this.mustOpen(id);
    const step = this.stepsOf.get(id)!.find((s) => s.n === n);
    if (!step) throw new Error(`bisection ${id} has no step ${n}`);
    if (step.outcome !== null) throw new Error(`bisection ${id} step ${n} has ended`);
    return step;
  }
}

function applyFacts(step: BisectionStep, facts: StepFacts | undefined): void {
  if (facts?.buildMs !== undefined) step.buildMs = facts.buildMs;
  if (facts?.bootMs !== undefined) step.bootMs = facts.bootMs;
  if (facts?.testMs !== undefined) step.testMs = facts.testMs;
  if (facts?.runId !== undefined) step.runId = facts.runId;
}

function now(): string {
  return new Date().toISOString();
}
