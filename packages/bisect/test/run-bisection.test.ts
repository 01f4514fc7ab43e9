import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentProgress, type BisectionSpec, type Verdict } from '@testlab/core';
import { runBisection } from '../src/index.js';
import { commitIds, LinearRepository, ScriptedTester, type KernelBehaviour } from './linear-history.js';
import { sqliteLab } from './sqlite-lab.js';

const CASE = 'v6LC.2.1.7-D';
const commits = commitIds(17); // c00 good .. c16 bad: 16 commits in range

function spec(over: Partial<BisectionSpec> = {}): BisectionSpec {
  return {
    tree: '/srv/linux.git',
    good: { commit: commits[0]!, runId: null },
    bad: { commit: commits[16]!, runId: null },
    testset: 'phase2-host',
    profile: 'qemu',
    cases: [CASE],
    confirmRuns: 3,
    maxSteps: 20,
    requestedBy: 'cli',
    ...over,
  };
}

/** Commits from `culprit` on fail; a revert of the culprit passes. */
function regressionAt(culprit: number, over: Partial<KernelBehaviour> = {}): KernelBehaviour {
  return {
    verdict: (commit, _case, _attempt, revertOf) => (revertOf === commits[culprit] ? 'PASS' : commits.indexOf(commit) >= culprit ? 'FAIL' : 'PASS'),
    ...over,
  };
}

async function bisect(behaviour: KernelBehaviour, over: Partial<BisectionSpec> = {}) {
  const lab = await sqliteLab();
  const store = lab.bisections;
  const repo = new LinearRepository(commits);
  const tester = new ScriptedTester(behaviour, lab.newRun);
  const { bisection } = await store.create(spec(over));
  const end = await runBisection(bisection.id, { store, repo, tester, progress: silentProgress });
  return { end, steps: await store.steps(bisection.id), tester, store, repo, id: bisection.id };
}

test('a regression in the middle of 16 commits is found in log2 steps and proved by its parent and the revert', async () => {
  const { end, steps, tester } = await bisect(regressionAt(9));
  assert.equal(end.status, 'found');
  assert.equal(end.culprit?.commit, commits[9]);
  assert.equal(end.culprit?.subject, 'change 9');
  assert.equal(end.commitsInRange, 16);
  const search = steps.filter((s) => s.role === 'search');
  assert.equal(search.length, 4);
  // The search tested both the culprit and its parent three times: the proof reuses them, and adds the revert.
  assert.deepEqual(steps.filter((s) => s.role !== 'search').map((s) => s.role), ['revert']);
  for (const s of steps) assert.equal(s.attempts.length, 3, `step ${s.n}`);
  assert.equal(tester.ran.length, steps.length * 3);
  assert.match(end.reason ?? '', /culprit c09\w*: v6LC\.2\.1\.7-D FAIL 3\/3 \(step \d\); parent c08\w*: v6LC\.2\.1\.7-D pass 3\/3 \(step \d\); bad c16\w* with c09\w* reverted: v6LC\.2\.1\.7-D pass 3\/3 \(step \d\)/);
  assert.equal(steps[0]!.runId, 1);
  assert.deepEqual([steps[0]!.buildMs, steps[0]!.bootMs, steps[0]!.testMs], [2000, 3000, 4000]);
  assert.deepEqual(steps[0]!.logs, ['step-1.log']);
});

test('a culprit the search did not test three times (the first commit of the range) gets proof steps of its own', async () => {
  const { end, steps } = await bisect(regressionAt(1));
  assert.equal(end.status, 'found');
  assert.equal(end.culprit?.commit, commits[1]);
  // c01 was tested by the search; its parent c00 is the original good, seen by one run only: a parent step.
  assert.deepEqual(steps.filter((s) => s.role !== 'search').map((s) => `${s.role}:${s.commit.slice(0, 3)}`), ['parent:c00', 'revert:c16']);
});

test('a NUT that ignores the stimulus (every commit passes) blames nobody: the bad commit does not reproduce', async () => {
  const { end, steps } = await bisect({ verdict: () => 'PASS' });
  assert.equal(end.status, 'inconclusive');
  assert.equal(end.culprit, null);
  assert.match(end.reason ?? '', /the proof failed: culprit c16\w* was expected bad but step \d+ says good/);
  assert.ok(steps.some((s) => s.role === 'culprit' && s.commit === commits[16]));
});

test('a flaky case stops the bisection at the first step whose attempts disagree, blaming nobody', async () => {
  const flaky: KernelBehaviour = { verdict: (commit, _c, attempt) => (commit === commits[8] && attempt === 2 ? 'FAIL' : regressionAt(12).verdict(commit, CASE, attempt)) };
  const { end, steps, tester } = await bisect(flaky);
  assert.equal(end.status, 'inconclusive');
  assert.equal(end.culprit, null);
  const bad = steps.find((s) => s.outcome === 'disagree')!;
  assert.equal(bad.commit, commits[8]);
  assert.equal(bad.attempts.length, 2, 'the third attempt would prove nothing');
  assert.match(end.reason ?? '', /step 1 \(c08\w*, search\): v6LC\.2\.1\.7-D: PASS, FAIL over 2 attempts/);
  assert.equal(tester.ran.length, 2);
});

test('commits that do not build are skipped as git bisect skips them, and the search still finds the culprit', async () => {
  const { end, steps } = await bisect(regressionAt(12, { untestable: (c, revertOf) => (c === commits[8] && !revertOf ? 'make: *** [Makefile:1234: vmlinux] Error 2' : undefined) }));
  assert.equal(end.status, 'found');
  assert.equal(end.culprit?.commit, commits[12]);
  const skipped = steps.find((s) => s.outcome === 'skip' && s.role === 'search');
  assert.equal(skipped?.commit, commits[8]);
  assert.match(skipped?.reason ?? '', /Error 2/);
  assert.equal(skipped?.buildMs, 1000);
  assert.deepEqual(skipped?.logs, ['build-1.log']);
});

test('when only untestable commits are left the bisection names them all and blames none', async () => {
  const { end } = await bisect(regressionAt(9, { untestable: (c) => ([commits[7], commits[8]].includes(c) ? 'boot: no console marker within 120 s' : undefined) }));
  // c07 and c08 cannot be built: whether c07, c08 or c09 began it cannot be told.
  assert.equal(end.status, 'inconclusive');
  assert.match(end.reason ?? '', /only commits that could not be tested are left: the first bad commit could be any of c07\w*, c08\w*, c09\w*/);
});

test('a revert that does not apply cleanly is recorded with its reason and the proof stands on culprit and parent', async () => {
  const { end, steps } = await bisect(regressionAt(9, { untestable: (_c, revertOf) => (revertOf ? 'git revert: conflict in net/ipv6/ndisc.c' : undefined) }));
  assert.equal(end.status, 'found');
  assert.match(end.reason ?? '', /the revert of c09\w* on c16\w* was not tested: git revert: conflict in net\/ipv6\/ndisc\.c/);
  assert.equal(steps.find((s) => s.role === 'revert')?.outcome, 'skip');
});

test('a revert that still fails makes it inconclusive: the culprit alone does not explain the regression', async () => {
  const { end } = await bisect(regressionAt(9, { verdict: (c) => (commits.indexOf(c) >= 9 ? 'FAIL' : 'PASS') }));
  assert.equal(end.status, 'inconclusive');
  assert.match(end.reason ?? '', /the proof failed: bad c16\w* with c09\w* reverted was expected good but step \d+ says bad/);
});

test('an ERROR is not evidence: the commit is skipped with the reason', async () => {
  const errors: KernelBehaviour = { verdict: (c, id, a, revertOf) => (c === commits[8] && !revertOf ? 'ERROR' : regressionAt(12).verdict(c, id, a, revertOf)) };
  const { end, steps } = await bisect(errors);
  assert.equal(end.status, 'found');
  assert.match(steps.find((s) => s.commit === commits[8])?.reason ?? '', /ERROR at attempt 1 \(the lab could not judge the kernel\)/);
});

test('maxSteps ends the search inconclusive with the range it narrowed to', async () => {
  const { end, steps } = await bisect(regressionAt(9), { maxSteps: 2 });
  assert.equal(end.status, 'inconclusive');
  assert.equal(steps.length, 2);
  assert.match(end.reason ?? '', /2 search steps \(maxSteps\) taken: the first bad commit is after c00\w*, c08\w* and at or before c12\w*/);
});

test('killed during a step, the next process resumes that step: no attempt is run twice and none is lost', async () => {
  const store = (await sqliteLab()).bisections;
  const repo = new LinearRepository(commits);
  const { bisection } = await store.create(spec());
  const first = new ScriptedTester(regressionAt(9));
  first.crashAfter = 4; // step 1's three attempts, then one of step 2's
  await assert.rejects(runBisection(bisection.id, { store, repo, tester: first, progress: silentProgress }), /the lab process died/);
  const mid = await store.steps(bisection.id);
  assert.deepEqual(mid.map((s) => [s.n, s.attempts.length, s.outcome]), [[1, 3, 'good'], [2, 1, null]]);
  const second = new ScriptedTester(regressionAt(9));
  const end = await runBisection(bisection.id, { store, repo, tester: second, progress: silentProgress });
  assert.equal(end.status, 'found');
  assert.equal(end.culprit?.commit, commits[9]);
  const steps = await store.steps(bisection.id);
  assert.equal(second.ran[0]!.n, 2, 'it resumed step 2');
  assert.equal(second.ran.filter((r) => r.n === 2).length, 2, 'only the two attempts step 2 still owed');
  assert.equal(first.ran.length + second.ran.length, steps.length * 3);
});

test('an ended bisection is returned as it is, without testing anything', async () => {
  const { store, id, end } = await bisect(regressionAt(9));
  const tester = new ScriptedTester(regressionAt(9));
  const again = await runBisection(id, { store, repo: new LinearRepository(commits), tester, progress: silentProgress });
  assert.deepEqual(again, end);
  assert.equal(tester.ran.length, 0);
});

test('with several regressed cases a commit is bad when any of them fails every time', async () => {
  const behaviour: KernelBehaviour = { verdict: (c, id, _a, revertOf) => (id === 'v6LC.1.1.1' || revertOf ? 'PASS' : commits.indexOf(c) >= 5 ? 'FAIL' : 'PASS') };
  const { end } = await bisect(behaviour, { cases: ['v6LC.1.1.1', CASE] });
  assert.equal(end.status, 'found');
  assert.equal(end.culprit?.commit, commits[5]);
  assert.match(end.reason ?? '', /culprit c05\w*: v6LC\.2\.1\.7-D FAIL 3\/3/);
});

test('progress names each step, the steps left and the time elapsed', async () => {
  const lines: string[] = [];
  const store = (await sqliteLab()).bisections;
  const { bisection } = await store.create(spec());
  await runBisection(bisection.id, { store, repo: new LinearRepository(commits), tester: new ScriptedTester(regressionAt(9)), progress: { step: (t) => lines.push(t), fraction() {} } });
  assert.match(lines[0]!, /^step 1: testing c08\w{9} \(search step 1, about 4 left, \d+ s elapsed\)$/);
  assert.ok(lines.some((l) => /^proof: revert c16/.test(l)));
});

const _typecheck: Verdict = 'PASS';
void _typecheck;
