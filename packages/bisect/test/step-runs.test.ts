import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentProgress, type LabStore, type StageRecord, type Verdict } from '@testlab/core';
import { runBisection, stepTesterOnRuns, type StepRun, type StepRunner } from '../src/index.js';
import { commitIds, LinearRepository } from './linear-history.js';
import { sqliteLab } from './sqlite-lab.js';

const CASE = 'v6LC.2.1.7-D';
const commits = commitIds(9);

/** The two things the tester reads of a run: its stages and its results. */
function runsStore(runs: Map<number, { verdict?: Verdict; failedAt?: string }>): LabStore {
  return {
    async stagesOf(runId: number): Promise<StageRecord[]> {
      const failedAt = runs.get(runId)?.failedAt;
      const stage = (name: StageRecord['stage'], ms: number): StageRecord => ({ runId, stage: name, status: failedAt === name ? 'failed' : 'done', startedAt: '', finishedAt: '', durationMs: ms, logPath: null, detail: null });
      return failedAt === 'build' ? [stage('unpack', 10), stage('build', 90_000)] : [stage('unpack', 10), stage('configure', 5), stage('build', 60_000), stage('boot', 3_000), stage('test', 20_000)];
    },
    async resultsOf(runId: number) {
      const verdict = runs.get(runId)?.verdict;
      return verdict ? [{ runId, caseId: CASE, title: '', verdict, reason: '', durationMs: 1, log: '', pcaps: [] }] : [];
    },
  } as unknown as LabStore;
}

/** Kernels from commits[culprit] on FAIL; `brokenBuild` does not build; `flakyAt` passes on its second attempt. */
function runner(newRun: () => Promise<number>, culprit: number, opts: { brokenBuild?: number; flakyAt?: number; labBreaksAt?: number } = {}) {
  const runs = new Map<number, { verdict?: Verdict; failedAt?: string }>();
  const calls: string[] = [];
  const verdictOf = (commit: string, revertOf: string | undefined, attempt: number): Verdict => {
    const i = commits.indexOf(commit);
    if (opts.flakyAt === i && attempt === 2) return 'PASS';
    return revertOf === undefined && i >= culprit ? 'FAIL' : 'PASS';
  };
  const stepRunner: StepRunner = {
    async run({ commit, revertOf, cases, step }): Promise<StepRun> {
      const runId = await newRun();
      calls.push(`run ${commit.slice(0, 3)}${revertOf ? ` -${revertOf.slice(0, 3)}` : ''} [${cases.join(',')}] step ${step}`);
      const runDir = `/lab/runs/run-${runId}`;
      if (commits.indexOf(commit) === opts.brokenBuild && !revertOf) {
        runs.set(runId, { failedAt: 'build' });
        return { runId, status: 'failed', stage: 'build', error: 'make exited with 2', logPath: `${runDir}/build.log`, runDir };
      }
      if (commits.indexOf(commit) === opts.labBreaksAt) {
        runs.set(runId, { failedAt: 'test' });
        return { runId, status: 'failed', stage: 'test', error: 'the tester link went away', runDir };
      }
      runs.set(runId, { verdict: verdictOf(commit, revertOf, 1) });
      let attempt = 1;
      return {
        runId,
        status: 'done',
        runDir,
        rerun: async (ids, times) => {
          assert.equal(times, 1);
          calls.push(`rerun ${commit.slice(0, 3)} [${ids.join(',')}]`);
          return new Map([[CASE, [verdictOf(commit, revertOf, ++attempt)]]]);
        },
      };
    },
  };
  return { store: runsStore(runs), stepRunner, calls };
}

async function bisect(lab: Awaited<ReturnType<typeof sqliteLab>>, r: ReturnType<typeof runner>) {
  const store = lab.bisections;
  const { bisection } = await store.create({ tree: '/srv/linux.git', good: { commit: commits[0]!, runId: null }, bad: { commit: commits[8]!, runId: null }, testset: 'phase2-host', profile: 'qemu', cases: [CASE], confirmRuns: 3, maxSteps: 10, requestedBy: 'cli' });
  const end = await runBisection(bisection.id, { store, repo: new LinearRepository(commits), tester: stepTesterOnRuns(r.store, r.stepRunner), progress: silentProgress });
  return { end, steps: await store.steps(bisection.id) };
}

test('each step is one run of only the regressed cases and two reruns on its kernel; the step keeps the run, its timings and folder', async () => {
  const lab = await sqliteLab();
  const r = runner(lab.newRun, 5);
  const { end, steps } = await bisect(lab, r);
  assert.equal(end.status, 'found');
  assert.equal(end.culprit?.commit, commits[5]);
  assert.deepEqual(r.calls.slice(0, 3), [`run c04 [${CASE}] step 1`, `rerun c04 [${CASE}]`, `rerun c04 [${CASE}]`]);
  assert.ok(r.calls.includes(`run c08 -c05 [${CASE}] step ${steps.length}`), 'the revert step runs the bad commit with the culprit reverted');
  assert.deepEqual([steps[0]!.runId, steps[0]!.buildMs, steps[0]!.bootMs, steps[0]!.testMs], [1, 60_015, 3_000, 20_000]);
  assert.deepEqual(steps[0]!.logs, ['/lab/runs/run-1']);
});

test('a commit whose build fails is skipped with the failure and its build log', async () => {
  const lab = await sqliteLab();
  const r = runner(lab.newRun, 6, { brokenBuild: 4 });
  const { end, steps } = await bisect(lab, r);
  assert.equal(end.status, 'found');
  const skipped = steps.find((s) => s.outcome === 'skip')!;
  assert.equal(skipped.commit, commits[4]);
  assert.match(skipped.reason ?? '', /^build failed \(run 1\): make exited with 2$/);
  assert.deepEqual(skipped.logs, ['/lab/runs/run-1/build.log', '/lab/runs/run-1']);
  assert.equal(skipped.buildMs, 90_010);
});

test('a rerun that disagrees stops the step: no third attempt, the bisection inconclusive', async () => {
  const lab = await sqliteLab();
  const r = runner(lab.newRun, 3, { flakyAt: 4 });
  const { end, steps } = await bisect(lab, r);
  assert.equal(end.status, 'inconclusive');
  assert.deepEqual(r.calls, [`run c04 [${CASE}] step 1`, `rerun c04 [${CASE}]`]);
  assert.equal(steps[0]!.outcome, 'disagree');
});

test('the lab failing at the test stage is the lab trouble, not a verdict on the commit: the bisection stops with the error', async () => {
  const lab = await sqliteLab();
  const r = runner(lab.newRun, 3, { labBreaksAt: 4 });
  await assert.rejects(bisect(lab, r), /step 1: the lab failed at stage test of run 1: the tester link went away/);
});
