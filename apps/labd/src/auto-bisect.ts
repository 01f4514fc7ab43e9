// After a run's diffs are recorded: when the lab bisects the run's set and the run's kernel came from a git
// tree that regressed against a baseline from the same tree, the range between the two commits is stored as
// a bisection (one per range and set: create is idempotent) and a bisect job is queued for a NUT of the kind
// the run used (one per bisection: the job's key; bisect's queueBisection, which POST /api/bisections uses
// too). The decision is bisect's autoBisection; this file reads what it decides from and writes what it
// decided.
import type { BisectionRecord, BisectionStore, JobQueue, NutMode, ResultsQuery } from '@testlab/core';
import { autoBisection, queueBisection, type RunKernelSource } from '@testlab/bisect';
import type { RecordedDiffs } from '@testlab/diff';

export interface AutoBisectSettings {
  /** The sets bisected (lab-config's bisectTestSets); empty when bisecting is off. */
  testsets: readonly string[];
  confirmRuns: number;
  maxSteps: number;
}

export interface AutoBisectDeps {
  results: ResultsQuery;
  bisections: BisectionStore;
  queue: JobQueue;
  settings: AutoBisectSettings;
}

/** The NUT kind the run used: the job that ran it required this profile and mode, and so do its steps. */
export interface RunOrigin {
  profile: string;
  mode: NutMode;
}

export async function bisectRegressions(d: AutoBisectDeps, recorded: RecordedDiffs, origin: RunOrigin): Promise<{ bisection: BisectionRecord; jobQueued: boolean } | { none: string }> {
  const { run } = recorded;
  if (!d.settings.testsets.includes(run.testset)) return { none: `test set ${run.testset} is not bisected` };
  // Most runs regress nothing: only those that do pay for reading the kernels' sources.
  if (!recorded.diffs.some((diff) => diff.entries.some((e) => e.class === 'regression' && e.after === 'FAIL'))) return { none: `run ${run.runId} has no regression` };
  const ids = [run.runId, ...recorded.diffs.map((diff) => diff.baselineRunId)];
  const hashes = new Map((await d.results.retentionFacts()).filter((f) => ids.includes(f.runId)).map((f) => [f.runId, f.sourceHash]));
  const sourceOf = async (runId: number): Promise<RunKernelSource | undefined> => {
    const summary = await d.results.run(runId);
    return summary && { runId, sourceLabel: summary.sourceLabel, sourceHash: hashes.get(runId) ?? null };
  };
  const own = await sourceOf(run.runId);
  if (own === undefined) return { none: `run ${run.runId} is not in the store` };
  const baselines = new Map<number, RunKernelSource>();
  for (const diff of recorded.diffs) {
    const base = await sourceOf(diff.baselineRunId);
    if (base) baselines.set(base.runId, base);
  }
  const decision = autoBisection({ run: { ...own, testset: run.testset }, profile: origin.profile, diffs: recorded.diffs, baselines, settings: d.settings });
  if ('none' in decision) return decision;
  const { bisection } = await d.bisections.create(decision.spec);
  // The bisection's profile is the run's (the spec's key names it): the job asks for the run's NUT kind.
  const job = await queueBisection(d.queue, bisection, origin.mode);
  return { bisection, jobQueued: job?.created ?? false };
}
