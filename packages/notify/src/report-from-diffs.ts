// Builds the notifier's RunReport from what the results service stored when the run finished: the run,
// its diffs against its baselines (recordRunDiffs in @testlab/diff) and its result lines.
import type { BisectionStore, KernelVersion, ResultLine, ResultsQuery, RunIdentity, RunSummary, StoredDiff } from '@testlab/core';
import type { Notifier } from './notifier.js';
import type { RegressedCase, RunReport } from './report.js';

/**
 * The baseline shown is the first diff (the store keeps them in baseline-role order) that has regressions,
 * else the first diff. Flaky flips are not regressions here: an email must be worth a developer's time.
 */
export function runReportFrom(
  run: RunSummary, kernel: KernelVersion | null, diffs: readonly StoredDiff[], results: readonly ResultLine[],
  culprits: ReadonlyMap<string, NonNullable<RegressedCase['culprit']>> = new Map(),
): RunReport {
  const primary = diffs.find((d) => d.entries.some((e) => e.class === 'regression')) ?? diffs[0];
  const byCase = new Map(results.map((r) => [r.caseId, r]));
  const regressions: RegressedCase[] = (primary?.entries ?? [])
    .filter((e) => e.class === 'regression' && e.before !== null && e.after !== null)
    .map((e) => ({
      caseId: e.caseId,
      title: e.title,
      expected: e.before!,
      seen: e.after!,
      reason: byCase.get(e.caseId)?.reason ?? '',
      pcapCount: byCase.get(e.caseId)?.pcapCount ?? 0,
      ...(e.failRuns ? { failRuns: e.failRuns } : {}),
      ...(culprits.has(e.caseId) ? { culprit: culprits.get(e.caseId)! } : {}),
    }));
  return {
    runId: run.id,
    kernelVersion: kernel,
    testset: run.testset,
    nut: run.nut,
    status: run.status,
    finishedAt: run.finishedAt ?? '',
    baseline: primary ? { runId: primary.baselineRunId, kernelVersion: primary.baselineKernel } : null,
    regressions,
    counts: run.counts,
    caseIds: results.map((r) => r.caseId),
  };
}

/**
 * The hook to call once a run's diffs are recorded, with the run as recordRunDiffs judged it (its parsed
 * kernel version): reads what the results service stored and queues each subscriber's email or digest
 * entry. Database work only; safe to call twice.
 */
export async function notifyRunFinished(
  results: ResultsQuery, notifier: Notifier, judged: RunIdentity, bisections?: BisectionStore,
): Promise<{ queued: number; digested: number }> {
  const runId = judged.runId;
  const run = await results.run(runId);
  if (!run) throw new Error(`cannot notify about run ${runId}: no such run`);
  const [diffs, lines] = await Promise.all([results.diffsOf(runId), results.results(runId)]);
  return notifier.runFinished(runReportFrom(run, judged.kernelVersion, diffs, lines, bisections ? await culpritsOf(bisections, runId) : new Map()));
}

/** Per case, the culprit a bisection of this run's regression proved (when the email is composed after it). */
async function culpritsOf(bisections: BisectionStore, runId: number): Promise<Map<string, NonNullable<RegressedCase['culprit']>>> {
  const out = new Map<string, NonNullable<RegressedCase['culprit']>>();
  for (const b of await bisections.forRun(runId)) {
    if (b.status !== 'found' || b.culprit === null || b.bad.runId !== runId) continue;
    for (const caseId of b.cases) if (!out.has(caseId)) out.set(caseId, { bisectionId: b.id, ...b.culprit });
  }
  return out;
}
