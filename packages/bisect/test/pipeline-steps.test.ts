// A whole bisection through the shared step runner, on the real pipeline and SQLite store, with kernels that
// behave by the commit they were built from: what labd and `testlab bisect` both run.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { silentProgress } from '@testlab/core';
import { pipelineStepRunner, runBisection, stepTesterOnRuns, type PipelineStepDeps } from '../src/index.js';
import { commitIds, LinearRepository } from './linear-history.js';
import { pipelineLab, REVERTED, TREE, type KernelScript } from './pipeline-lab.js';
import { sqliteLab } from './sqlite-lab.js';

const dir = mkdtempSync(path.join(tmpdir(), 'testlab-pipeline-steps-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const commits = commitIds(9);
const CASE = 'v6LC.2.1.7-D';
/** Kernels from commits[5] on fail the case; the reverted kernel passes it; the other cases always pass. */
const culpritAt5: KernelScript['verdict'] = (commit, caseId) => (caseId === CASE && commit !== REVERTED && commits.indexOf(commit) >= 5 ? 'FAIL' : 'PASS');

async function bisect(script: KernelScript, wire: (lab: ReturnType<typeof pipelineLab>) => PipelineStepDeps = (l) => l.deps) {
  const lab = await sqliteLab();
  const runs = pipelineLab(mkdtempSync(path.join(dir, 'lab-')), lab.store, script);
  const { bisection } = await lab.bisections.create({
    tree: TREE, good: { commit: commits[0]!, runId: null }, bad: { commit: commits[8]!, runId: null }, testset: 'phase2-host', profile: 'qemu',
    cases: [CASE], confirmRuns: 3, maxSteps: 10, requestedBy: 'auto',
  });
  const go = () => runBisection(bisection.id, { store: lab.bisections, repo: new LinearRepository(commits), tester: stepTesterOnRuns(lab.store, pipelineStepRunner(wire(runs))), progress: silentProgress });
  return { lab, runs, go, steps: () => lab.bisections.steps(bisection.id) };
}

test('each step is a lab run of test set bisect-<set> with only the bisected cases, at the step\'s commit; the reverted kernel is built for the revert step', async () => {
  const b = await bisect({ verdict: culpritAt5 });
  const end = await b.go();
  assert.equal(end.status, 'found');
  assert.equal(end.culprit?.commit, commits[5]);
  const steps = await b.steps();
  // The parent's proof is the search's step on c04 (three passes): not run again.
  assert.deepEqual(steps.map((s) => [s.role, s.commit.slice(0, 3), s.outcome]), [['search', 'c04', 'good'], ['search', 'c06', 'bad'], ['search', 'c05', 'bad'], ['revert', 'c08', 'good']]);
  assert.deepEqual(b.runs.events.filter((e) => e.startsWith('pipeline') || e.startsWith('revert')), [
    `pipeline c04 bisect-phase2-host [${CASE}]`, `pipeline c06 bisect-phase2-host [${CASE}]`, `pipeline c05 bisect-phase2-host [${CASE}]`,
    'revert c05 on c08', `pipeline fff bisect-phase2-host [${CASE}]`,
  ]);
  for (const step of steps) {
    const run = await b.lab.store.getRun(step.runId!);
    assert.equal(run?.testset, 'bisect-phase2-host', 'a step never becomes a run of the set itself');
    assert.equal(run?.status, 'done');
    assert.deepEqual((await b.lab.store.resultsOf(step.runId!)).map((r) => r.caseId), [CASE]);
    assert.equal(step.attempts.length, 3, 'the run and two reruns on its kernel');
    assert.ok(step.buildMs !== null && step.bootMs !== null && step.testMs !== null);
  }
  // One boot per attempt: the run's, then a fresh one per rerun.
  assert.equal(b.runs.events.filter((e) => e.startsWith('boot 6.13.0-c04')).length, 3);
  await b.lab.close();
});

test('a commit that does not build is skipped with the build\'s error; the search goes on around it', async () => {
  const b = await bisect({ verdict: culpritAt5, brokenBuild: [commits[6]!] });
  const end = await b.go();
  assert.equal(end.culprit?.commit, commits[5]);
  const skipped = (await b.steps()).find((s) => s.outcome === 'skip')!;
  assert.equal(skipped.commit, commits[6]);
  assert.match(skipped.reason ?? '', /^build failed \(run \d+\): make: \*\*\* \[Makefile:1234: vmlinux\] Error 2 \(c06\)$/);
  await b.lab.close();
});

test('a kernel that hangs on the cases under the watch is skipped, naming the hang; the run stays as evidence', async () => {
  const b = await bisect({ verdict: culpritAt5, hangs: [commits[6]!] }, (l) => l.watched());
  const end = await b.go();
  assert.equal(end.culprit?.commit, commits[5]);
  const skipped = (await b.steps()).find((s) => s.commit === commits[6])!;
  assert.equal(skipped.outcome, 'skip');
  assert.match(skipped.reason ?? '', /^the kernel stopped answering in run \d+: no case finished within 0 s: the NUT is hung$/);
  assert.ok(skipped.runId !== null);
  assert.ok(b.runs.watches.some((w) => w.fired), 'the watch that fired is the caller\'s to see (labd restores the NUT)');
  await b.lab.close();
});

test('a revert that does not apply is recorded with git\'s reason, and the culprit stands on its proof', async () => {
  const b = await bisect({ verdict: culpritAt5, revertFails: commits[5]! });
  const end = await b.go();
  assert.equal(end.status, 'found');
  assert.match(end.reason ?? '', /the revert of c05\S* on c08\S* was not tested: git revert of c05\S* on c08\S* does not apply cleanly: CONFLICT/);
  await b.lab.close();
});

test('a lab failure mid-bisection stops it; run again, it resumes at the step it was at and runs no attempt twice', async () => {
  let failures = 1;
  const b = await bisect({ verdict: culpritAt5 }, (l) => ({
    ...l.deps,
    pipelineFor: async (source, testset) => {
      if (source.description.endsWith(commits[6]!) && failures-- > 0) throw new Error('the lab ran out of disk');
      return l.deps.pipelineFor(source, testset);
    },
  }));
  await assert.rejects(b.go(), /the lab ran out of disk/);
  const before = await b.steps();
  assert.deepEqual(before.map((s) => [s.commit.slice(0, 3), s.outcome, s.attempts.length]), [['c04', 'good', 3], ['c06', null, 0]]);
  const end = await b.go();
  assert.equal(end.culprit?.commit, commits[5]);
  const steps = await b.steps();
  assert.equal(steps[1]!.n, 2, 'the open step was resumed, not begun again');
  assert.equal(new Set(steps.map((s) => `${s.role}:${s.commit}`)).size, steps.length, 'no step twice');
  const pipelines = b.runs.events.filter((e) => e.startsWith('pipeline'));
  assert.equal(pipelines.filter((e) => e.startsWith('pipeline c04')).length, 1, 'the finished step is not run again');
  await b.lab.close();
});

test('with a work tree, every step is built in it: the build request carries it, and its checkout puts the step\'s commit (the revert commit for the revert step) there', async () => {
  const checkouts: string[] = [];
  const requests: { srcDir?: string; outDir?: string }[] = [];
  const paths = { srcDir: '/cache/bisect/h/src', outDir: '/cache/bisect/h/out' };
  const workTree = {
    forBuild: (commitOf: (p: typeof silentProgress) => Promise<string>) => ({
      ...paths,
      checkout: async () => void checkouts.push((await commitOf(silentProgress)).slice(0, 3)),
    }),
  };
  const b = await bisect({ verdict: culpritAt5 }, (l) => ({
    ...l.deps,
    workTree,
    // The builder calls the checkout (under its lock) as it starts: here, as the real one does, before building.
    pipelineFor: async (source, testset) => {
      const wired = await l.deps.pipelineFor(source, testset);
      return { ...wired, builder: { build: async (request, observer) => {
        requests.push({ srcDir: request.workTree?.srcDir, outDir: request.workTree?.outDir });
        await request.workTree?.checkout(silentProgress);
        return wired.builder.build(request, observer);
      } } };
    },
  }));
  const end = await b.go();
  assert.equal(end.status, 'found');
  assert.deepEqual(checkouts, ['c04', 'c06', 'c05', 'fff']);
  assert.ok(requests.every((r) => r.srcDir === paths.srcDir && r.outDir === paths.outDir), JSON.stringify(requests));
  await b.lab.close();
});
