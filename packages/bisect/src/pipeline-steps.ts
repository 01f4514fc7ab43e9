// Each step of a bisection as a lab run, the one way labd and `testlab bisect` test a commit: the pipeline
// builds the commit (or the bad commit with the culprit reverted) with the set's config, boots it and runs
// only the bisected cases, as test set `bisect-<set>` so a step never becomes a baseline or a point of the
// set's history; further attempts are the run's reruns on its own kernel. What differs between the two
// callers comes in: the drivers of a run (labd: the worker's NUT; the CLI: a QEMU NUT of its own) and, in
// labd, a watchdog over each run and rerun, as run jobs have.
import type { BuildRequest, BuildWorkTree, KernelSource, LabStore, NutDriver, Progress, RunReporter, TestSet } from '@testlab/core';
import { runKernelTestSet, type RunDependencies } from '@testlab/pipeline';
import { StepNotTestable } from './run-bisection.js';
import type { StepRun, StepRunner } from './step-runs.js';

/** A hang and panic watch over one run or rerun (the scheduler's RunWatchdog is one). */
export interface StepWatch {
  wrap(driver: NutDriver): NutDriver;
  caseFinished(): void;
  stop(): Promise<void>;
  /** Set once it powered the NUT off, with why. */
  readonly fired: { reason: string } | undefined;
}

/** The drivers and build request of one step's run, as the caller wires a run of `testset` from `source`. */
export type StepPipeline = Pick<RunDependencies, 'builder' | 'nutDriver' | 'prepareEngine'> & { build: BuildRequest; bootDeadlineMs?: number };

/** Where steps are built in place: a work tree and its O= folder (kernel-sources' BisectWorktree is one). */
export interface StepWorkTree {
  /** The work tree as a build's, checking out the commit `commitOf` names when the builder asks. */
  forBuild(commitOf: (progress: Progress) => Promise<string>): BuildWorkTree;
}

export interface PipelineStepDeps {
  store: LabStore;
  /** The bisected set as loaded. */
  testset: TestSet;
  /** Each run gets `<artifactsRoot>/run-<id>/`. */
  artifactsRoot: string;
  /** The kernel source of a commit of the bisection's tree (kernel-sources' kernelSourceFrom). */
  sourceOf(commit: string): KernelSource;
  /** The bad commit with the culprit reverted (kernel-sources' bisectWorktree().revertOnto). */
  revertOnto(bad: string, culprit: string): Promise<{ applied: true; commit: string } | { applied: false; reason: string }>;
  pipelineFor(source: KernelSource, testset: TestSet): Promise<StepPipeline>;
  /**
   * The tree's kept work tree (kernel-sources' bisectWorktree): each step's commit, the revert's too, is
   * checked out there and built in its O= folder, so a step compiles only what changed since the last.
   * Absent, each step's build unpacks its commit anew (ccache still helps).
   */
  workTree?: StepWorkTree;
  reporter(): RunReporter;
  rerunProgress: Progress;
  /** A fresh watch for each run and each rerun; absent, nothing watches (the CLI's operator does). */
  watch?: () => StepWatch;
}

export function pipelineStepRunner(deps: PipelineStepDeps): StepRunner {
  return {
    async run({ commit, revertOf, cases }): Promise<StepRun> {
      const built = revertOf === undefined ? commit : await revertedCommit(deps, commit, revertOf);
      const testset: TestSet = { ...deps.testset, name: `bisect-${deps.testset.name}`, cases };
      const { build: asUsual, bootDeadlineMs, ...drivers } = await deps.pipelineFor(deps.sourceOf(built), testset);
      const build = deps.workTree ? { ...asUsual, workTree: deps.workTree.forBuild(async () => built) } : asUsual;
      const watch = deps.watch?.();
      const reporter = deps.reporter();
      let outcome: Awaited<ReturnType<typeof runKernelTestSet>>;
      try {
        outcome = await runKernelTestSet(
          {
            store: deps.store, ...drivers, artifactsRoot: deps.artifactsRoot,
            nutDriver: watch ? watch.wrap(drivers.nutDriver) : drivers.nutDriver,
            reporter: watch ? { ...reporter, caseFinished: (result) => (watch.caseFinished(), reporter.caseFinished(result)) } : reporter,
          },
          { build, testset, ...(bootDeadlineMs !== undefined ? { bootDeadlineMs } : {}) },
        );
      } finally {
        await watch?.stop();
      }
      // A kernel that hung or panicked on the cases cannot say pass or fail: skipped, as git bisect skip.
      if (watch?.fired) throw new StepNotTestable(`the kernel stopped answering in run ${outcome.runId}: ${watch.fired.reason}`, { runId: outcome.runId }, [outcome.runDir]);
      if (outcome.status === 'failed') return outcome;
      const rerunOnNut = outcome.rerun;
      const { runId, runDir } = outcome;
      if (rerunOnNut === undefined) return { runId, status: 'done', runDir };
      return {
        runId, status: 'done', runDir,
        rerun: async (caseIds, times) => {
          const again = deps.watch?.();
          try {
            return await rerunOnNut({
              caseIds, times, progress: deps.rerunProgress,
              nutDriver: again ? again.wrap(drivers.nutDriver) : drivers.nutDriver,
              ...(again ? { caseFinished: () => again.caseFinished() } : {}),
            });
          } finally {
            await again?.stop();
            if (again?.fired) throw new StepNotTestable(`the kernel stopped answering in a rerun of run ${runId}: ${again.fired.reason}`, {}, [runDir]);
          }
        },
      };
    },
  };
}

/** The bad commit with the culprit reverted; a revert that does not apply makes the step untestable, with git's reason. */
async function revertedCommit(deps: PipelineStepDeps, bad: string, culprit: string): Promise<string> {
  const reverted = await deps.revertOnto(bad, culprit);
  if (!reverted.applied) throw new StepNotTestable(`git revert of ${culprit.slice(0, 12)} on ${bad.slice(0, 12)} does not apply cleanly: ${reverted.reason}`);
  return reverted.commit;
}
