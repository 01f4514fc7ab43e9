// What one step's attempts say about its commit (pure). A commit is bad when a regressed case FAILs, good
// when every regressed case passes; both only when every attempt agrees, because one flaky case that
// happens to pass once would send the whole search into the wrong half and blame an innocent commit. So the
// attempts stop at the first disagreement and the bisection ends inconclusive with that evidence, rather than
// guessing. ERROR and NA judge nothing about the kernel (the lab could not judge; the case did not apply): a
// step that gets one is skipped, as `git bisect skip` skips a commit that cannot be tested.
import type { StepOutcome, Verdict } from '@testlab/core';

/** How one verdict counts at a step: WARN is allowed behaviour, so it passes as it does in the diffs. */
type Reading = 'pass' | 'fail' | 'unjudged';

function reading(verdict: Verdict): Reading {
  if (verdict === 'PASS' || verdict === 'WARN') return 'pass';
  if (verdict === 'FAIL') return 'fail';
  return 'unjudged';
}

export type StepJudgement =
  /** More attempts are needed before the step can say anything. */
  | { outcome: 'pending'; attemptsLeft: number }
  | { outcome: StepOutcome; reason: string };

/**
 * Judges a step from its attempts so far. `cases` are the cases the step runs; a case missing from an
 * attempt (the run ended before it) is unjudged, like an ERROR.
 */
export function judgeAttempts(cases: readonly string[], attempts: readonly Record<string, Verdict>[], confirmRuns: number): StepJudgement {
  for (const [i, attempt] of attempts.entries()) {
    for (const id of cases) {
      const verdict = attempt[id];
      if (verdict === undefined || reading(verdict) === 'unjudged') {
        return { outcome: 'skip', reason: `${id}: ${verdict ?? 'no verdict'} at attempt ${i + 1} (the lab could not judge the kernel)` };
      }
    }
  }
  for (const id of cases) {
    const seen = attempts.map((a) => a[id]!);
    if (new Set(seen.map(reading)).size > 1) {
      return { outcome: 'disagree', reason: `${id}: ${seen.join(', ')} over ${seen.length} attempts of the same kernel (flaky: no side can be trusted)` };
    }
  }
  if (attempts.length < confirmRuns) return { outcome: 'pending', attemptsLeft: confirmRuns - attempts.length };
  const failing = cases.filter((id) => reading(attempts[0]![id]!) === 'fail');
  const times = `${attempts.length}/${attempts.length}`;
  if (failing.length > 0) return { outcome: 'bad', reason: `${failing.join(', ')} FAIL ${times}` };
  return { outcome: 'good', reason: `${cases.length === 1 ? cases[0] : `all ${cases.length} cases`} pass ${times}` };
}
