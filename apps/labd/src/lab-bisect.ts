// A bisect job in labd: the bisection its payload names runs (or resumes) on the NUT the job holds, each step
// built with the bisection's NUT profile and the set's config, booted on that NUT's driver under the job's
// watchdog, and run by the set's engine: bisect's pipelineStepRunner, the runner `testlab bisect` uses. The
// git side (the tree's mirror, its sources, the revert commits) comes in, so tests need no kernel tree.
import { buildRequestFor, type BisectionRecord, type BisectionStore, type BisectRepository, type KernelBuilder, type KernelProfile, type KernelSource, type LabStore, type Progress, type RunReporter, type TestSet } from '@testlab/core';
import { pipelineStepRunner, runBisection, stepTesterOnRuns, type StepWorkTree } from '@testlab/bisect';
import type { PrepareEngine } from '@testlab/pipeline';
import type { RunBisectJob } from '@testlab/scheduler';

export interface BisectGit {
  repository(tree: string): BisectRepository;
  sourceOf(tree: string, commit: string): KernelSource;
  revertOnto(tree: string, bad: string, culprit: string): Promise<{ applied: true; commit: string } | { applied: false; reason: string }>;
  /** The tree's kept work tree, where each step is built incrementally; absent, each step unpacks its commit. */
  workTree?(tree: string): StepWorkTree;
}

export interface LabBisectDeps {
  store: LabStore;
  bisections: BisectionStore;
  testsets: ReadonlyMap<string, TestSet>;
  profileOf(name: string): KernelProfile;
  builder: KernelBuilder;
  preparerFor(set: TestSet): PrepareEngine;
  artifactsRoot: string;
  bootDeadlineMs: number;
  git: BisectGit;
}

export function labBisectJob(d: LabBisectDeps): RunBisectJob {
  return async ({ payload, nutDriver, watch, progress }) => {
    const id = payload.bisectionId;
    const bisection = await d.bisections.get(id);
    if (bisection === undefined) throw new Error(`bisection ${id} does not exist`);
    const set = d.testsets.get(bisection.testset);
    if (set === undefined) throw new Error(`test set ${bisection.testset} is not configured on this host (testsets.run)`);
    const repo = d.git.repository(bisection.tree);
    const range = await rangeProblem(repo, bisection);
    // A range that is not one (a rebased tree such as linux-next) has nothing to say to a developer: the
    // bisection ends as the lab's, naming why, and no step is run.
    if (range !== undefined) return d.bisections.finish(id, { status: 'failed', reason: range });
    const runner = pipelineStepRunner({
      store: d.store,
      testset: set,
      artifactsRoot: d.artifactsRoot,
      sourceOf: (commit) => d.git.sourceOf(bisection.tree, commit),
      revertOnto: (bad, culprit) => d.git.revertOnto(bisection.tree, bad, culprit),
      ...(d.git.workTree ? { workTree: d.git.workTree(bisection.tree) } : {}),
      pipelineFor: async (source, testset) => ({
        build: buildRequestFor(source, d.profileOf(bisection.profile), testset),
        builder: d.builder, nutDriver, prepareEngine: d.preparerFor(testset), bootDeadlineMs: d.bootDeadlineMs,
      }),
      reporter: () => loggedReporter(progress),
      rerunProgress: progress,
      watch,
    });
    return runBisection(id, { store: d.bisections, repo, tester: stepTesterOnRuns(d.store, runner), progress });
  };
}

async function rangeProblem(repo: BisectRepository, b: BisectionRecord): Promise<string | undefined> {
  if (b.status !== 'queued') return undefined;
  if (await repo.isAncestor(b.good.commit, b.bad.commit)) return undefined;
  return `${b.good.commit} (good) is not an ancestor of ${b.bad.commit} (bad) in ${b.tree}: the tree was rebased, there is no range to bisect`;
}

/** A step's run told in the job's log, stage by stage. */
function loggedReporter(progress: Progress): RunReporter {
  return {
    runStarted: (runId) => progress.step(`run ${runId} started`),
    stageStarted: (stage) => (progress.step(`${stage} started`), progress),
    stageFinished: (stage, how, detail) => progress.step(`${stage} ${how}${detail ? `: ${detail}` : ''}`),
    caseFinished: () => undefined,
  };
}
