// When labd bisects by itself (pure): a run of a kernel built from a git tree regressed against a baseline
// built from the same tree, so the commits between the two hold the cause. Only the nearest such baseline is
// used (the diffs are stored most specific first): a regression against an older one only is not new in this
// kernel, and was the nearer run's to bisect. The answer is a spec (BisectionStore.create is idempotent by
// range and set) or, for the log, why there is nothing to bisect.
import type { BisectionSpec, StoredDiff } from '@testlab/core';

/** A run's kernel as the store knows it: the source's label and identity. */
export interface RunKernelSource {
  runId: number;
  /** `git <tree>@<ref>` for a kernel of a git tree (kernel-sources' GitSource description). */
  sourceLabel: string;
  /** `git:<commit>` for a kernel of a git tree; null until the run identified its kernel. */
  sourceHash: string | null;
}

export interface AutoBisectInput {
  run: RunKernelSource & { testset: string };
  /** The NUT profile the run's job required: the steps run on NUTs of the same kind. */
  profile: string;
  /** The run's stored diffs, most specific baseline first (as recordRunDiffs stores them). */
  diffs: readonly StoredDiff[];
  /** The baselines' kernels, by run id. */
  baselines: ReadonlyMap<number, RunKernelSource>;
  settings: { testsets: readonly string[]; confirmRuns: number; maxSteps: number };
}

export type AutoBisectDecision = { spec: BisectionSpec } | { none: string };

const COMMIT = /^git:([0-9a-f]{40}(?:[0-9a-f]{24})?)$/;

/** The tree and commit of a kernel built from a git tree, or undefined. */
export function gitKernel(source: RunKernelSource): { tree: string; commit: string } | undefined {
  const commit = COMMIT.exec(source.sourceHash ?? '')?.[1];
  // The ref never holds an @ after the tree (git refs cannot contain `@{`, and the label ends with the ref).
  const tree = /^git (.+)@[^@]+$/.exec(source.sourceLabel)?.[1];
  return commit !== undefined && tree !== undefined ? { tree, commit } : undefined;
}

export function autoBisection(input: AutoBisectInput): AutoBisectDecision {
  const { run, settings } = input;
  if (!settings.testsets.includes(run.testset)) return { none: `test set ${run.testset} is not bisected (bisect.testsets)` };
  const bad = gitKernel(run);
  if (bad === undefined) return { none: `run ${run.runId}'s kernel was not built from a git tree (${run.sourceLabel})` };
  const nearest = input.diffs.find((d) => {
    const base = input.baselines.get(d.baselineRunId);
    return base !== undefined && gitKernel(base)?.tree === bad.tree;
  });
  if (nearest === undefined) return { none: `no baseline of run ${run.runId} was built from ${bad.tree}` };
  const good = gitKernel(input.baselines.get(nearest.baselineRunId)!)!;
  if (good.commit === bad.commit) return { none: `baseline run ${nearest.baselineRunId} tested the same commit ${bad.commit}` };
  // Only PASS -> FAIL: a step whose case ends in ERROR is skipped (the lab could not judge it), so a case that
  // regressed to ERROR would skip every commit and blame none.
  const cases = nearest.entries.filter((e) => e.class === 'regression' && e.after === 'FAIL').map((e) => e.caseId);
  if (cases.length === 0) return { none: `run ${run.runId} has no PASS -> FAIL regression against baseline run ${nearest.baselineRunId} (${nearest.baselineKernel})` };
  return {
    spec: {
      tree: bad.tree,
      good: { commit: good.commit, runId: nearest.baselineRunId },
      bad: { commit: bad.commit, runId: run.runId },
      testset: run.testset,
      profile: input.profile,
      cases,
      confirmRuns: settings.confirmRuns,
      maxSteps: settings.maxSteps,
      requestedBy: 'auto',
    },
  };
}
