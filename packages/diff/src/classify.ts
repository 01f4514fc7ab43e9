// How one case differs between a baseline run and this run, in the words kernel CI dashboards use
// (SQUAD: regression = pass -> fail, fix = fail -> pass; NIPA: flaky = verdict flips in recent runs).
import { DIFF_CLASSES, type CaseVerdict, type DiffClass, type DiffCounts, type DiffEntry, type Verdict } from '@testlab/core';

/** FAIL and ERROR both mean "the case did not pass"; an ERROR is the harness's, but hides the kernel's state. */
export function isFailing(v: Verdict | null | undefined): boolean {
  return v === 'FAIL' || v === 'ERROR';
}

export interface FlakyPolicy {
  /** How many recent runs (this one included) the flip count looks at. */
  window: number;
  /** A case whose PASS/failing state changed at least this many times in the window is flaky. */
  minFlips: number;
}

export const DEFAULT_FLAKY_POLICY: FlakyPolicy = { window: 10, minFlips: 3 };

export interface CaseEvidence {
  /** Verdicts of the case in earlier runs of the same test set and NUT kind, newest first. */
  recent?: readonly Verdict[];
  /** Verdicts of reruns of this case in this run (the scheduler's), when the lab reran it. */
  reruns?: readonly Verdict[];
  /** Verdicts of the case in earlier runs of this same kernel (same set and NUT kind), newest first. */
  sameKernel?: readonly Verdict[];
  /**
   * Verdicts of the case in every run of the baseline's kernel (same set and NUT kind), the baseline run
   * included: a baseline kernel that both passed and failed it gives no firm "before" to differ from.
   */
  baselineKernel?: readonly Verdict[];
  failingSince?: { runId: number; kernelVersion: string } | null;
}

/** PASS <-> failing changes in a newest-first verdict list; WARN and NA neither break nor make a flip. */
export function countFlips(verdicts: readonly Verdict[]): number {
  let flips = 0;
  let last: boolean | undefined;
  for (const v of verdicts) {
    if (v !== 'PASS' && !isFailing(v)) continue;
    const failing = isFailing(v);
    if (last !== undefined && failing !== last) flips++;
    last = failing;
  }
  return flips;
}

const mixed = (verdicts: readonly Verdict[] | undefined): boolean =>
  verdicts !== undefined && verdicts.some((v) => v === 'PASS') && verdicts.some(isFailing);

/**
 * The class of one case given its baseline and current verdicts (null: absent on that side), or
 * undefined when nothing worth listing changed. A regression or fix becomes `flaky` when a rerun or an
 * earlier run of this kernel disagrees with it, when the baseline's kernel itself both passed and failed
 * the case across its runs (a flake there must not make a "fix" or "regression" here), or when the
 * recent history flips at least `policy.minFlips` times.
 */
export function classifyCase(
  before: Verdict | null,
  after: Verdict | null,
  evidence: CaseEvidence = {},
  policy: FlakyPolicy = DEFAULT_FLAKY_POLICY,
): DiffClass | undefined {
  if (before === null && after === null) return undefined;
  if (before === null) return 'new';
  if (after === null) return 'removed';
  const was = isFailing(before);
  const is = isFailing(after);
  if (was && is) return 'still-failing';
  const regression = before === 'PASS' && is;
  const fix = was && after === 'PASS';
  if (regression || fix) {
    const thisKernel = [...(evidence.reruns ?? []), ...(evidence.sameKernel ?? [])];
    if (regression && thisKernel.some((v) => v === 'PASS')) return 'flaky';
    if (fix && thisKernel.some(isFailing)) return 'flaky';
    if (mixed([before, ...(evidence.baselineKernel ?? [])])) return 'flaky';
    const history = [after, ...(evidence.recent ?? []).slice(0, Math.max(0, policy.window - 1))];
    if (countFlips(history) >= policy.minFlips) return 'flaky';
    return regression ? 'regression' : 'fix';
  }
  return before === after ? undefined : 'changed';
}

/**
 * fail:runs of a case in this run: how often this kernel failed it (this attempt, its reruns and earlier
 * runs of the same kernel), so a deterministic regression seen once reads 1/1, not "1 of 3" over other
 * kernels' runs. Only a flaky entry this kernel ran once counts over the recent window of its stream,
 * so "fails 3 of 10" shows how flaky it is.
 */
export function failRuns(
  after: Verdict | null,
  evidence: CaseEvidence,
  policy: FlakyPolicy = DEFAULT_FLAKY_POLICY,
  cls?: DiffClass,
): { fail: number; runs: number } | null {
  if (after === null) return null;
  const thisKernel = [after, ...(evidence.reruns ?? []), ...(evidence.sameKernel ?? [])];
  const attempts = cls === 'flaky' && thisKernel.length === 1
    ? [after, ...(evidence.recent ?? []).slice(0, Math.max(0, policy.window - 1))]
    : thisKernel;
  return { fail: attempts.filter(isFailing).length, runs: attempts.length };
}

export function emptyCounts(): DiffCounts {
  return Object.fromEntries(DIFF_CLASSES.map((c) => [c, 0])) as DiffCounts;
}

/**
 * Every difference between a baseline's verdicts and this run's, in this run's case order (removed cases
 * last, in the baseline's order). Unchanged passing cases are not listed.
 */
export function diffVerdicts(
  baseline: readonly CaseVerdict[],
  current: readonly CaseVerdict[],
  evidence: (caseId: string) => CaseEvidence = () => ({}),
  policy: FlakyPolicy = DEFAULT_FLAKY_POLICY,
  options: { listRemoved?: boolean } = {},
): { entries: DiffEntry[]; counts: DiffCounts } {
  const base = new Map(baseline.map((c) => [c.caseId, c]));
  const seen = new Set<string>();
  const entries: DiffEntry[] = [];
  const add = (caseId: string, title: string, before: Verdict | null, after: Verdict | null) => {
    const ev = evidence(caseId);
    const cls = classifyCase(before, after, ev, policy);
    if (!cls) return;
    const flakyOrFailing = cls === 'flaky' || cls === 'regression' || isFailing(after);
    entries.push({
      caseId,
      title,
      class: cls,
      before,
      after,
      failingSince: isFailing(after) ? (ev.failingSince ?? null) : null,
      failRuns: flakyOrFailing ? failRuns(after, ev, policy, cls) : null,
    });
  };
  for (const c of current) {
    seen.add(c.caseId);
    add(c.caseId, c.title, base.get(c.caseId)?.verdict ?? null, c.verdict);
  }
  // A run that ended early never reached its last cases: calling them removed would be a false alarm.
  if (options.listRemoved ?? true) for (const b of baseline) if (!seen.has(b.caseId)) add(b.caseId, b.title, b.verdict, null);
  const counts = emptyCounts();
  for (const e of entries) counts[e.class]++;
  return { entries, counts };
}
