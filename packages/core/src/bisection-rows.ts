// The rows both backends keep a bisection and its steps in (the same columns, migration 6 on each), and how a
// row becomes the record the contract returns: one mapping for SQLite and PostgreSQL, every stored value checked.
import { STEP_OUTCOMES, STEP_ROLES, storedAttempts, storedChoice, storedStrings } from './bisection-checks.js';
import { BISECTION_STATUSES, type BisectionRecord, type BisectionStep, type StepFacts } from './bisections.js';

export interface BisectionRow {
  id: number;
  key: string;
  tree: string;
  good_commit: string;
  good_run_id: number | null;
  bad_commit: string;
  bad_run_id: number | null;
  testset: string;
  profile: string;
  cases: string;
  confirm_runs: number;
  max_steps: number;
  requested_by: string;
  status: string;
  commits_in_range: number | null;
  culprit_commit: string | null;
  culprit_subject: string | null;
  culprit_author: string | null;
  reason: string | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
}

export interface StepRow {
  bisection_id: number;
  n: number;
  role: string;
  tested_commit: string;
  attempts: string;
  outcome: string | null;
  reason: string | null;
  build_ms: number | null;
  boot_ms: number | null;
  test_ms: number | null;
  run_id: number | null;
  logs: string;
  started_at: string;
  ended_at: string | null;
}

/** A fact given replaces the stored one; one not given leaves it as it is. */
export function factColumns(facts: StepFacts = {}): Record<string, number> {
  const columns = { build_ms: facts.buildMs, boot_ms: facts.bootMs, test_ms: facts.testMs, run_id: facts.runId };
  return Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined)) as Record<string, number>;
}

export function toBisection(r: BisectionRow): BisectionRecord {
  const where = `bisection ${r.id}`;
  return {
    id: r.id,
    key: r.key,
    tree: r.tree,
    good: { commit: r.good_commit, runId: r.good_run_id },
    bad: { commit: r.bad_commit, runId: r.bad_run_id },
    testset: r.testset,
    profile: r.profile,
    cases: storedStrings(where, 'cases', r.cases),
    confirmRuns: r.confirm_runs,
    maxSteps: r.max_steps,
    requestedBy: r.requested_by,
    status: storedChoice(where, 'status', r.status, BISECTION_STATUSES),
    commitsInRange: r.commits_in_range,
    culprit: r.culprit_commit === null ? null : { commit: r.culprit_commit, subject: r.culprit_subject ?? '', author: r.culprit_author ?? '' },
    reason: r.reason,
    createdAt: r.created_at,
    startedAt: r.started_at,
    endedAt: r.ended_at,
  };
}

export function toStep(r: StepRow): BisectionStep {
  const where = `step ${r.n} of bisection ${r.bisection_id}`;
  return {
    bisectionId: r.bisection_id,
    n: r.n,
    role: storedChoice(where, 'role', r.role, STEP_ROLES),
    commit: r.tested_commit,
    attempts: storedAttempts(where, r.attempts),
    outcome: r.outcome === null ? null : storedChoice(where, 'outcome', r.outcome, STEP_OUTCOMES),
    reason: r.reason,
    buildMs: r.build_ms,
    bootMs: r.boot_ms,
    testMs: r.test_ms,
    runId: r.run_id,
    logs: storedStrings(where, 'logs', r.logs),
    startedAt: r.started_at,
    endedAt: r.ended_at,
  };
}
