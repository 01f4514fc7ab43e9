// A step tested as a lab run: the step's commit goes through the same pipeline as any kernel (build with the
// set's resolved config and ccache, boot on a NUT of the set's kind, the engine in the set's mode), with only
// the regressed cases, and its further attempts are the run's reruns on its own kernel. So a step has what
// every run has: stages with timings, the build log, consoles, case logs and captures, on its run page. The
// caller gives the run (it names the step's runs apart from the set's, so a step never becomes a baseline).
import type { LabStore, RerunCases, StageName, Verdict } from '@testlab/core';
import { StepNotTestable, type StepRequest, type StepTester } from './run-bisection.js';

/** A run of the step's kernel as the pipeline ended it; `rerun` is bound to the NUT that ran it. */
export type StepRun =
  | { runId: number; status: 'done'; runDir: string; rerun?: RerunCases }
  | { runId: number; status: 'failed'; stage: StageName; error: string; logPath?: string; runDir: string };

export interface StepRunner {
  /** Runs `cases` once on the kernel of `commit` (with `revertOf` reverted on it, for a revert step). */
  run(request: { commit: string; revertOf?: string; cases: string[]; bisectionId: number; step: number }): Promise<StepRun>;
}

/** Stages whose failure means this commit cannot be tested (as `git bisect skip`), not that the lab broke. */
const KERNEL_STAGES: readonly StageName[] = ['build', 'boot'];

export function stepTesterOnRuns(store: LabStore, runner: StepRunner): StepTester {
  return {
    async test(request: StepRequest) {
      const { bisection, step } = request;
      const run = await runner.run({ commit: step.commit, ...(request.revertOf !== undefined ? { revertOf: request.revertOf } : {}), cases: bisection.cases, bisectionId: bisection.id, step: step.n });
      const facts = { ...(await stageTimes(store, run.runId)), runId: run.runId };
      const logs = [run.runDir];
      if (run.status === 'failed') {
        if (!KERNEL_STAGES.includes(run.stage)) throw new Error(`step ${step.n}: the lab failed at stage ${run.stage} of run ${run.runId}: ${run.error}`);
        throw new StepNotTestable(`${run.stage} failed (run ${run.runId}): ${run.error}`, facts, run.logPath ? [run.logPath, ...logs] : logs);
      }
      const first = Object.fromEntries((await store.resultsOf(run.runId)).filter((r) => bisection.cases.includes(r.caseId)).map((r) => [r.caseId, r.verdict] as [string, Verdict]));
      let goOn = await request.onAttempt(first, facts);
      for (let attempt = 2; goOn && attempt <= request.attempts; attempt++) {
        if (!run.rerun) throw new Error(`step ${step.n}: run ${run.runId} offers no rerun of its cases`);
        const again = await run.rerun(bisection.cases, 1);
        goOn = await request.onAttempt(Object.fromEntries(bisection.cases.flatMap((c) => (again.get(c)?.[0] ? [[c, again.get(c)![0]!]] : []))), {});
      }
      return { logs };
    },
  };
}

async function stageTimes(store: LabStore, runId: number): Promise<{ buildMs?: number; bootMs?: number; testMs?: number }> {
  const stages = await store.stagesOf(runId);
  const ms = (names: StageName[]) => {
    const own = stages.filter((s) => names.includes(s.stage) && s.durationMs !== null);
    return own.length === 0 ? undefined : own.reduce((sum, s) => sum + s.durationMs!, 0);
  };
  const out: { buildMs?: number; bootMs?: number; testMs?: number } = {};
  const build = ms(['unpack', 'configure', 'build']);
  const boot = ms(['boot']);
  const test = ms(['test']);
  if (build !== undefined) out.buildMs = build;
  if (boot !== undefined) out.bootMs = boot;
  if (test !== undefined) out.testMs = test;
  return out;
}
