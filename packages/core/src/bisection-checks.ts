// What every BisectionStore backend checks, in one wording whichever database holds the lab: what comes in (a
// spec, an attempt, an end), refused before anything is written, and what is read back, where a value the lab
// never writes (a hand's edit, JSON no CHECK can look into) is an error naming the bisection and the field
// rather than a record that lies about what was tested.
import {
  BISECTION_STATUSES,
  bisectionKey,
  type BisectionFinish,
  type BisectionSpec,
  type BisectionStatus,
  type StepOutcome,
  type StepRole,
  type StepFacts,
} from './bisections.js';
import { VERDICTS, type Verdict } from './results.js';

export const STEP_ROLES: readonly StepRole[] = ['search', 'culprit', 'parent', 'revert'];
export const STEP_OUTCOMES: readonly StepOutcome[] = ['good', 'bad', 'skip', 'disagree'];
export const ENDED_BISECTION_STATUSES: readonly BisectionStatus[] = ['found', 'inconclusive', 'failed'];

// Abbreviated ids are refused: another commit may come to share the prefix, and the key would name two ranges.
const FULL_COMMIT = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

const shown = (value: unknown) => (value === undefined ? 'nothing' : JSON.stringify(value));
const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value !== '';

function commitField(field: string, value: unknown): void {
  if (typeof value !== 'string' || !FULL_COMMIT.test(value)) {
    throw new Error(`${field} must be a full commit id (40 or 64 lowercase hex digits), got ${shown(value)}`);
  }
}

function runIdField(field: string, value: unknown): void {
  if (value !== null && !(Number.isSafeInteger(value) && (value as number) >= 1)) throw new Error(`${field} must be a run id or null, got ${shown(value)}`);
}

function countField(field: string, value: unknown, least: number): void {
  if (!Number.isSafeInteger(value) || (value as number) < least) throw new Error(`${field} must be an integer >= ${least}, got ${shown(value)}`);
}

/** Refuses a spec the lab could not bisect, naming the field; returns the bisection's key. */
export function checkBisectionSpec(spec: BisectionSpec): string {
  const field = (name: string) => `bisection spec: ${name}`;
  if (!nonEmpty(spec.tree)) throw new Error(`${field('tree')} must name a repository, got ${shown(spec.tree)}`);
  commitField(field('good.commit'), spec.good?.commit);
  commitField(field('bad.commit'), spec.bad?.commit);
  if (spec.good.commit === spec.bad.commit) throw new Error(`${field('bad.commit')} is good.commit: there is no range to bisect`);
  runIdField(field('good.runId'), spec.good.runId);
  runIdField(field('bad.runId'), spec.bad.runId);
  for (const name of ['testset', 'profile', 'requestedBy'] as const) {
    if (!nonEmpty(spec[name])) throw new Error(`${field(name)} must not be empty, got ${shown(spec[name])}`);
  }
  if (!Array.isArray(spec.cases) || spec.cases.length === 0) throw new Error(`${field('cases')} must list at least one case, got ${shown(spec.cases)}`);
  spec.cases.forEach((c, i) => {
    if (!nonEmpty(c)) throw new Error(`${field(`cases[${i}]`)} must be a case id, got ${shown(c)}`);
    if (spec.cases.indexOf(c) !== i) throw new Error(`${field('cases')} lists ${c} twice`);
  });
  countField(field('confirmRuns'), spec.confirmRuns, 1);
  countField(field('maxSteps'), spec.maxSteps, 1);
  return bisectionKey(spec);
}

export function checkStepStart(id: number, step: { role: StepRole; commit: string }): void {
  if (!STEP_ROLES.includes(step.role)) throw new Error(`bisection ${id}: step role must be one of ${STEP_ROLES.join(', ')}, got ${shown(step.role)}`);
  commitField(`bisection ${id}: step commit`, step.commit);
}

export function checkAttempt(id: number, n: number, verdicts: Record<string, Verdict>, facts: StepFacts | undefined): void {
  const where = `step ${n} of bisection ${id}`;
  if (typeof verdicts !== 'object' || verdicts === null || Array.isArray(verdicts) || Object.keys(verdicts).length === 0) {
    throw new Error(`${where}: an attempt's verdicts must map at least one case to a verdict, got ${shown(verdicts)}`);
  }
  for (const [caseId, verdict] of Object.entries(verdicts)) {
    if (caseId === '') throw new Error(`${where}: an attempt's verdict names no case`);
    if (!VERDICTS.includes(verdict)) throw new Error(`${where}: verdict of ${caseId} must be one of ${VERDICTS.join(', ')}, got ${shown(verdict)}`);
  }
  checkFacts(where, facts);
}

export function checkStepEnd(id: number, n: number, end: { outcome: StepOutcome; reason?: string; facts?: StepFacts; logs?: string[] }): void {
  const where = `step ${n} of bisection ${id}`;
  if (!STEP_OUTCOMES.includes(end.outcome)) throw new Error(`${where}: outcome must be one of ${STEP_OUTCOMES.join(', ')}, got ${shown(end.outcome)}`);
  if (end.reason !== undefined && typeof end.reason !== 'string') throw new Error(`${where}: reason must be text, got ${shown(end.reason)}`);
  if (end.logs !== undefined && (!Array.isArray(end.logs) || !end.logs.every(nonEmpty))) throw new Error(`${where}: logs must be paths, got ${shown(end.logs)}`);
  checkFacts(where, end.facts);
}

function checkFacts(where: string, facts: StepFacts | undefined): void {
  for (const name of ['buildMs', 'bootMs', 'testMs'] as const) {
    const ms = facts?.[name];
    if (ms !== undefined && !(Number.isFinite(ms) && ms >= 0)) throw new Error(`${where}: ${name} must be a duration >= 0, got ${shown(ms)}`);
  }
  if (facts?.runId !== undefined) countField(`${where}: runId`, facts.runId, 1);
}

export function checkStart(id: number, commitsInRange: number): void {
  countField(`bisection ${id}: commitsInRange`, commitsInRange, 0);
}

export function checkFinish(id: number, end: BisectionFinish): void {
  const where = `bisection ${id}`;
  if (!ENDED_BISECTION_STATUSES.includes(end.status)) throw new Error(`${where}: it ends as one of ${ENDED_BISECTION_STATUSES.join(', ')}, got ${shown(end.status)}`);
  if (end.status === 'found') {
    if (end.culprit === undefined) throw new Error(`${where}: found names its culprit`);
    commitField(`${where}: culprit.commit`, end.culprit.commit);
    for (const name of ['subject', 'author'] as const) {
      if (typeof end.culprit[name] !== 'string') throw new Error(`${where}: culprit.${name} must be text, got ${shown(end.culprit[name])}`);
    }
  } else if (end.culprit !== undefined) {
    throw new Error(`${where}: a bisection that ends ${end.status} blames nobody, yet names culprit ${end.culprit.commit}`);
  }
  if (!nonEmpty(end.reason)) throw new Error(`${where}: reason must say why it ended ${end.status}, got ${shown(end.reason)}`);
}

export function checkListOptions(options: { status?: BisectionStatus; limit?: number }): void {
  if (options.status !== undefined && !BISECTION_STATUSES.includes(options.status)) {
    throw new Error(`bisection status must be one of ${BISECTION_STATUSES.join(', ')}, got ${shown(options.status)}`);
  }
  if (options.limit !== undefined) countField('limit', options.limit, 1);
}

// Reading back.

function neverWritten(where: string, field: string, value: unknown): Error {
  return new Error(`${where}: the database holds ${field} ${shown(value)}, which the lab never writes (edited by hand?)`);
}

/** A column of a string union, as read: one of `allowed`, or an error naming the bisection (or step) and the field. */
export function storedChoice<T extends string>(where: string, field: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) throw neverWritten(where, field, value);
  return value as T;
}

function storedJson(where: string, field: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw neverWritten(where, field, text);
  }
}

/** A JSON list of non-empty strings (a bisection's cases, a step's logs). */
export function storedStrings(where: string, field: string, text: string): string[] {
  const value = storedJson(where, field, text);
  if (!Array.isArray(value) || !value.every(nonEmpty)) throw neverWritten(where, field, value);
  return value;
}

/** A step's attempts: a JSON list of case -> verdict maps. */
export function storedAttempts(where: string, text: string): Record<string, Verdict>[] {
  const value = storedJson(where, 'attempts', text);
  if (!Array.isArray(value)) throw neverWritten(where, 'attempts', value);
  value.forEach((attempt: unknown, i) => {
    if (typeof attempt !== 'object' || attempt === null || Array.isArray(attempt)) throw neverWritten(where, `attempts[${i}]`, attempt);
    for (const [caseId, verdict] of Object.entries(attempt)) storedChoice(where, `attempts[${i}] verdict of ${caseId}`, verdict as string, VERDICTS);
  });
  return value as Record<string, Verdict>[];
}
