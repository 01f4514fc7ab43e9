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

/**
 * The class of one case given its baseline and current verdicts (null: absent on that side), or
 * undefined when nothing worth listing changed. A regression or fix becomes `flaky` when a rerun
 * disagrees with it or the recent history flips at least `policy.minFlips` times.
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
    if (regression && evidence.reruns?.some((v) => v === 'PASS')) return 'flaky';
    if (fix && evidence.reruns?.some(isFailing)) return 'flaky';
    const history = [after, ...(evidence.recent ?? []).slice(0, Math.max(0, policy.window - 1))];
    if (countFlips(history) >= policy.minFlips) return 'flaky';
    return regression ? 'regression' : 'fix';
  }
  return before === after ? undefined : 'changed';
}

/**
 * fail:runs of a case in this run: from its reruns (the first attempt counts) when the lab reran it,
 * else over the recent window, so "fails 3 of 10" shows how flaky a flaky case is.
 */
export function failRuns(
  after: Verdict | null,
  evidence: CaseEvidence,
  policy: FlakyPolicy = DEFAULT_FLAKY_POLICY,
): { fail: number; runs: number } | null {
  if (after === null) return null;
  const attempts = evidence.reruns && evidence.reruns.length > 0
    ? [after, ...evidence.reruns]
    : [after, ...(evidence.recent ?? []).slice(0, Math.max(0, policy.window - 1))];
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
      failRuns: flakyOrFailing ? failRuns(after, ev, policy) : null,
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
