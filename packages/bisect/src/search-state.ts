// Where a bisection stands, derived from its recorded steps alone (pure). Nothing else is kept between
// steps, so a lab process killed at any moment, or another host taking the job over, continues from exactly
// what the store says: the newest bad commit, every good one, the skipped ones, and a step left unfinished.
import type { BisectionRecord, BisectionStep } from '@testlab/core';

export interface SearchState {
  /** The newest commit known bad: the original bad until a search step proves an older one bad. */
  bad: string;
  /** Commits known good: the original good and every search step that passed. */
  goods: string[];
  /** Commits that could not be tested (no build, no boot, unjudged verdicts). */
  skipped: string[];
  /** Search steps taken, skipped ones included (what `maxSteps` limits). */
  searchSteps: number;
  /** A step a dead lab process left unfinished: resumed before anything else. */
  unfinished: BisectionStep | undefined;
  /** The first step whose attempts disagreed: the bisection cannot go on. */
  disagreed: BisectionStep | undefined;
}

export function searchState(bisection: BisectionRecord, steps: readonly BisectionStep[]): SearchState {
  let bad = bisection.bad.commit;
  const goods = [bisection.good.commit];
  const skipped: string[] = [];
  let searchSteps = 0;
  for (const step of steps) {
    if (step.role !== 'search') continue;
    searchSteps++;
    if (step.outcome === 'bad') bad = step.commit;
    else if (step.outcome === 'good') goods.push(step.commit);
    else if (step.outcome === 'skip') skipped.push(step.commit);
  }
  return {
    bad,
    goods,
    skipped,
    searchSteps,
    unfinished: steps.find((s) => s.outcome === null),
    disagreed: steps.find((s) => s.outcome === 'disagree'),
  };
}

/** A finished step on `commit` whose every attempt (at least `confirmRuns`) gave `outcome`: evidence the proof can reuse. */
export function provenBy(steps: readonly BisectionStep[], commit: string, outcome: 'good' | 'bad', confirmRuns: number): BisectionStep | undefined {
  return steps.find((s) => s.commit === commit && s.role !== 'revert' && s.outcome === outcome && s.attempts.length >= confirmRuns);
}
