// One bisection from where the store says it is to its end: search as `git bisect` would, then prove the
// culprit before anyone is told. Every decision is taken from the recorded steps (search-state.ts), and every
// attempt is recorded as soon as it ends, so killing the process loses at most the attempt under way and
// the next process resumes the step it was at.
//
// The proof, in the words: the culprit fails the cases every time, its (first) parent passes them
// every time, and the bad kernel with the culprit reverted passes them. A search step on the culprit or its
// parent that already ran every attempt is that evidence; what the search did not test is tested now. A
// revert that does not apply cleanly is recorded as skipped with git's reason and the proof stands on the
// first two; any other disagreement with the search makes the bisection inconclusive, blaming nobody.
import type { BisectionFinish, BisectionRecord, BisectionStep, BisectionStore, BisectRepository, Progress, StepFacts, StepRole, Verdict } from '@testlab/core';
import { estimatedSteps } from '@testlab/core';
import { provenBy, searchState } from './search-state.js';
import { judgeAttempts } from './step-outcome.js';

/** The step's kernel cannot be tested: it does not build or boot, or the revert does not apply. */
export class StepNotTestable extends Error {
  constructor(
    message: string,
    readonly facts: StepFacts = {},
    readonly logs: string[] = [],
  ) {
    super(message);
    this.name = 'StepNotTestable';
  }
}

export interface StepRequest {
  bisection: BisectionRecord;
  step: BisectionStep;
  /** For a `revert` step: the culprit to revert on the step's (bad) commit. */
  revertOf?: string;
  /** Attempts still owed (a resumed step has some already). */
  attempts: number;
  /**
   * Called after each attempt with its verdicts and what was learned (timings, the run); answers whether to
   * go on (false once the attempts disagree: the rest would prove nothing).
   */
  onAttempt(verdicts: Record<string, Verdict>, facts: StepFacts): Promise<boolean>;
}

/** Builds, boots and runs a step's cases (the lab's pipeline on a NUT); throws StepNotTestable for a kernel it cannot test. */
export interface StepTester {
  test(request: StepRequest): Promise<{ logs: string[] }>;
}

export interface BisectionDeps {
  store: BisectionStore;
  repo: BisectRepository;
  tester: StepTester;
  progress: Progress;
}

export async function runBisection(id: number, deps: BisectionDeps): Promise<BisectionRecord> {
  const { store, repo, progress } = deps;
  let bisection = await mustGet(store, id);
  if (isEnded(bisection)) return bisection;
  bisection = await store.start(id, bisection.commitsInRange ?? (await repo.countRange(bisection.good.commit, bisection.bad.commit)));
  const started = Date.now();
  for (;;) {
    const steps = await store.steps(id);
    const state = searchState(bisection, steps);
    if (state.unfinished) {
      await runStep(deps, bisection, state.unfinished, revertOfStep(state.unfinished, steps, bisection));
      continue;
    }
    if (state.disagreed) return finish(store, id, { status: 'inconclusive', reason: `step ${state.disagreed.n} (${short(state.disagreed.commit)}, ${state.disagreed.role}): ${state.disagreed.reason}` });
    const next = await repo.next(state.bad, state.goods, state.skipped);
    if ('onlySkipped' in next) {
      return finish(store, id, { status: 'inconclusive', reason: `only commits that could not be tested are left: the first bad commit could be any of ${next.onlySkipped.map(short).join(', ')}` });
    }
    if ('test' in next) {
      if (state.searchSteps >= bisection.maxSteps) {
        return finish(store, id, { status: 'inconclusive', reason: `${bisection.maxSteps} search steps (maxSteps) taken: the first bad commit is after ${state.goods.map(short).join(', ')} and at or before ${short(state.bad)}` });
      }
      const left = estimatedSteps(await repo.countRange(goodBoundary(state.goods), state.bad));
      progress.step(`step ${steps.length + 1}: testing ${short(next.test)} (search step ${state.searchSteps + 1}, about ${left} left, ${elapsed(started)} elapsed)`);
      await runStep(deps, bisection, await store.beginStep(id, { role: 'search', commit: next.test }));
      continue;
    }
    const verdict = await prove(deps, bisection, next.culprit, started);
    if (verdict) return finish(store, id, verdict);
  }
}

/**
 * One proof step at a time: returns the bisection's end once the proof is complete or broken, undefined
 * after running a step (the caller reads the steps again).
 */
async function prove(deps: BisectionDeps, bisection: BisectionRecord, culprit: string, started: number): Promise<BisectionFinish | undefined> {
  const { store, repo, progress } = deps;
  const steps = await store.steps(bisection.id);
  const n = bisection.confirmRuns;
  const parent = await repo.firstParent(culprit);
  const wanted: { role: StepRole; commit: string | null; outcome: 'good' | 'bad'; revertOf?: string }[] = [
    { role: 'culprit', commit: culprit, outcome: 'bad' },
    { role: 'parent', commit: parent, outcome: 'good' },
    { role: 'revert', commit: bisection.bad.commit, outcome: 'good', revertOf: culprit },
  ];
  const evidence: string[] = [];
  for (const want of wanted) {
    if (want.commit === null) return { status: 'inconclusive', reason: `${short(culprit)} is a root commit: no parent to prove it against` };
    const done = want.role === 'revert' ? steps.find((s) => s.role === 'revert' && s.commit === want.commit) : provenBy(steps, want.commit, want.outcome, n);
    const tried = done ?? steps.find((s) => s.role === want.role && s.commit === want.commit);
    if (!tried) {
      progress.step(`proof: ${want.role} ${short(want.commit)} (${elapsed(started)} elapsed)`);
      await runStep(deps, bisection, await store.beginStep(bisection.id, { role: want.role, commit: want.commit }), want.revertOf);
      return undefined;
    }
    if (want.role === 'revert' && tried.outcome === 'skip') {
      evidence.push(`the revert of ${short(culprit)} on ${short(want.commit)} was not tested: ${tried.reason}`);
      continue;
    }
    if (tried.outcome !== want.outcome) {
      return { status: 'inconclusive', reason: `the proof failed: ${describeRole(want.role, want.commit, culprit)} was expected ${want.outcome} but step ${tried.n} says ${tried.outcome} (${tried.reason})` };
    }
    evidence.push(`${describeRole(want.role, want.commit, culprit)}: ${tried.reason} (step ${tried.n})`);
  }
  const identity = await repo.identity(culprit);
  return { status: 'found', culprit: identity, reason: evidence.join('; ') };
}

function describeRole(role: StepRole, commit: string, culprit: string): string {
  if (role === 'revert') return `bad ${short(commit)} with ${short(culprit)} reverted`;
  return `${role} ${short(commit)}`;
}

/** Runs the attempts a step still owes and records its end. */
async function runStep(deps: BisectionDeps, bisection: BisectionRecord, step: BisectionStep, revertOf?: string): Promise<void> {
  const { store } = deps;
  let attempts = step.attempts;
  const judgement = judgeAttempts(bisection.cases, attempts, bisection.confirmRuns);
  if (judgement.outcome === 'pending') {
    if (step.role === 'revert' && revertOf === undefined) throw new Error(`step ${step.n} reverts nothing: the culprit it was for is not known`);
    try {
      const { logs } = await deps.tester.test({
        bisection,
        step,
        ...(revertOf !== undefined ? { revertOf } : {}),
        attempts: judgement.attemptsLeft,
        onAttempt: async (verdicts, facts) => {
          attempts = (await store.recordAttempt(bisection.id, step.n, verdicts, facts)).attempts;
          return judgeAttempts(bisection.cases, attempts, bisection.confirmRuns).outcome === 'pending';
        },
      });
      const end = judgeAttempts(bisection.cases, attempts, bisection.confirmRuns);
      if (end.outcome === 'pending') throw new Error(`step ${step.n} ran ${attempts.length} of ${bisection.confirmRuns} attempts: the tester stopped early`);
      await store.finishStep(bisection.id, step.n, { outcome: end.outcome, reason: end.reason, logs });
      return;
    } catch (error) {
      if (!(error instanceof StepNotTestable)) throw error;
      await store.finishStep(bisection.id, step.n, { outcome: 'skip', reason: error.message, facts: error.facts, logs: error.logs });
      return;
    }
  }
  // A process died after the last attempt was recorded and before the step ended: its verdicts decide it.
  await store.finishStep(bisection.id, step.n, { outcome: judgement.outcome, reason: judgement.reason });
}

/** A resumed revert step needs its culprit again: where the search ended (proof steps never move it). */
function revertOfStep(step: BisectionStep, steps: readonly BisectionStep[], bisection: BisectionRecord): string | undefined {
  return step.role === 'revert' ? searchState(bisection, steps).bad : undefined;
}

async function mustGet(store: BisectionStore, id: number): Promise<BisectionRecord> {
  const found = await store.get(id);
  if (!found) throw new Error(`bisection ${id} does not exist`);
  return found;
}

function isEnded(b: BisectionRecord): boolean {
  return b.status === 'found' || b.status === 'inconclusive' || b.status === 'failed';
}

async function finish(store: BisectionStore, id: number, end: BisectionFinish): Promise<BisectionRecord> {
  return store.finish(id, end);
}

/** With several goods, the range left is counted from the newest-looking one; the estimate is only that. */
function goodBoundary(goods: readonly string[]): string {
  return goods[goods.length - 1]!;
}

function short(commit: string): string {
  return commit.slice(0, 12);
}

function elapsed(since: number): string {
  const s = Math.round((Date.now() - since) / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}
