// recordRunDiffs over a real SQLite store: baselines per stream, classification, failing-since across
// runs, fail:runs from the scheduler's rerun hook, pinned releases.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKernelVersion, type Verdict } from '@testlab/core';
import { recordRunDiffs, RunNotDiffableError } from '@testlab/diff';
import { addRun, openLab, seedHistory, type Lab } from './fixture.js';

let lab: Lab;
before(async () => {
  lab = await openLab();
  await seedHistory(lab);
});
after(() => lab.cleanup());

const runOf = (v: string) => {
  const id = lab.runs.get(v);
  assert.ok(id, `run of ${v}`);
  return id;
};
const summary = async (v: string) =>
  (await lab.results.diffsOf(runOf(v))).map((d) => ({
    against: d.baselineKernel,
    roles: d.roles,
    changes: d.entries.map((e) => `${e.caseId}:${e.class}${e.failingSince ? `@${e.failingSince.kernelVersion}` : ''}`),
  }));

test('rc1 is diffed against the previous final only, and its new failures are regressions', async () => {
  assert.deepEqual(await summary('6.12-rc1'), [
    { against: '6.11', roles: ['previous-final'], changes: ['v6LC.2.1.7-D:regression@6.12-rc1', 'v6LC.5.1.8:regression@6.12-rc1'] },
  ]);
});

test('rc2 against rc1 and the previous final: a fix, and a still-failing case failing since rc1', async () => {
  assert.deepEqual(await summary('6.12-rc2'), [
    { against: '6.12-rc1', roles: ['previous-rc'], changes: ['v6LC.2.1.7-D:still-failing@6.12-rc1', 'v6LC.5.1.8:fix'] },
    { against: '6.11', roles: ['previous-final'], changes: ['v6LC.2.1.7-D:regression@6.12-rc1'] },
  ]);
});

test('the final carries the streak through its previous final; the stable is compared with its line final', async () => {
  // 6.12's most specific baseline is 6.11 (previous final), where the case passed: the streak restarts.
  assert.deepEqual(await summary('6.12'), [{ against: '6.11', roles: ['previous-final'], changes: ['v6LC.2.1.7-D:regression@6.12'] }]);
  assert.deepEqual(await summary('6.12.1'), [{ against: '6.12', roles: ['line-final'], changes: ['v6LC.2.1.7-D:fix'] }]);
  const totals = lab.store.database.prepare('SELECT n_regression, n_fix, n_pass FROM run_totals WHERE run_id = ?').get(runOf('6.12.1'));
  assert.deepEqual(totals, { n_regression: 0, n_fix: 1, n_pass: 5 });
});

test('a newly failing case that passes on rerun is flaky, with fail:runs; the hook is only asked about newly failing cases', async () => {
  const asked: string[][] = [];
  const runId = await addRun(
    lab,
    { version: '6.12.2', verdicts: { 'v6LC.1.1.1': 'FAIL', 'v6LC.1.1.7-A': 'FAIL', 'v6LC.2.1.7-D': 'PASS', 'v6LC.5.1.2-A': 'PASS', 'v6LC.5.1.8': 'PASS' } },
    {
      reruns: 2,
      rerun: async (caseIds, times) => {
        asked.push([...caseIds]);
        assert.equal(times, 2);
        return new Map<string, Verdict[]>([
          ['v6LC.1.1.1', ['FAIL', 'PASS']],
          ['v6LC.1.1.7-A', ['FAIL', 'FAIL']],
        ]);
      },
    },
  );
  assert.deepEqual(asked, [['v6LC.1.1.1', 'v6LC.1.1.7-A']]);
  const [previous] = await lab.results.diffsOf(runId);
  assert.equal(previous?.baselineKernel, '6.12.1');
  assert.deepEqual(
    previous?.entries.map((e) => [e.caseId, e.class, e.failRuns]),
    [
      ['v6LC.1.1.1', 'flaky', { fail: 2, runs: 3 }],
      ['v6LC.1.1.7-A', 'regression', { fail: 3, runs: 3 }],
    ],
  );
});

test('pinned releases are added as baselines, and recomputing replaces the stored diffs', async () => {
  const runId = runOf('6.12.1');
  await recordRunDiffs(lab.results, runId, { pinned: [parseKernelVersion('6.11')] });
  const again = await recordRunDiffs(lab.results, runId, { pinned: [parseKernelVersion('6.11')] });
  const stored = await lab.results.diffsOf(runId);
  assert.deepEqual(stored.map((d) => [d.baselineKernel, d.roles]), [['6.12', ['line-final']], ['6.11', ['pinned']]]);
  assert.deepEqual(stored, again.diffs);
});

test('a running run, or one that does not exist, cannot be diffed', async () => {
  await assert.rejects(recordRunDiffs(lab.results, runOf('6.13-rc1')), RunNotDiffableError);
  await assert.rejects(recordRunDiffs(lab.results, 99_999), /run 99999 cannot be diffed/);
});

test('flakiness is judged within a release stream: a stable regression is not flaky because mainline fails in between', async () => {
  const own = await openLab();
  try {
    const verdicts = (v: Verdict) => ({ 'v6LC.1.1.1': v });
    // In time order the case flips at every run (stable passes, mainline fails); within 6.6.y it flips once.
    await addRun(own, { version: '6.6.1', verdicts: verdicts('PASS') });
    await addRun(own, { version: 'v6.13-rc1-1-gabcdef0', verdicts: verdicts('FAIL') });
    await addRun(own, { version: '6.6.2', verdicts: verdicts('PASS') });
    await addRun(own, { version: 'v6.13-rc1-2-gabcdef1', verdicts: verdicts('FAIL') });
    const id = await addRun(own, { version: '6.6.3', verdicts: verdicts('FAIL') });
    const [d] = await own.results.diffsOf(id);
    assert.equal(d?.baselineKernel, '6.6.2');
    // fail:runs is this kernel's: one attempt, failed (the two passing 6.6.y runs are other kernels').
    assert.deepEqual(d?.entries.map((e) => [e.class, e.failRuns]), [['regression', { fail: 1, runs: 1 }]]);
  } finally {
    await own.cleanup();
  }
});

test("a flake of the baseline kernel across its runs makes no fix or regression of the next kernel's verdict", async () => {
  const own = await openLab();
  try {
    const verdicts = (a: Verdict, b: Verdict) => ({ 'v6LC.1.3.2-D': a, 'v6LC.2.2.1': b });
    // 6.1 twice, one right after the other: 1.3.2-D PASS then FAIL; 2.2.1 PASS both times.
    await addRun(own, { version: '6.1', verdicts: verdicts('PASS', 'PASS') });
    await addRun(own, { version: '6.1', verdicts: verdicts('FAIL', 'PASS') });
    const id = await addRun(own, { version: '6.2', verdicts: verdicts('PASS', 'FAIL') });
    const [d] = await own.results.diffsOf(id);
    assert.equal(d?.baselineKernel, '6.1');
    assert.deepEqual(d?.entries.map((e) => [e.caseId, e.class, e.failRuns]), [
      // Flaky, run once by this kernel: fail:runs over the stream's recent runs (6.2 PASS, 6.1 FAIL, 6.1 PASS).
      ['v6LC.1.3.2-D', 'flaky', { fail: 1, runs: 3 }],
      ['v6LC.2.2.1', 'regression', { fail: 1, runs: 1 }],
    ]);
    // A second run of 6.2 that fails 2.2.1 again: still a regression, and fail:runs counts both runs of 6.2.
    const again = await addRun(own, { version: '6.2', verdicts: verdicts('PASS', 'FAIL') });
    const [d2] = await own.results.diffsOf(again);
    assert.deepEqual(d2?.entries.map((e) => [e.caseId, e.class, e.failRuns]), [
      ['v6LC.1.3.2-D', 'flaky', { fail: 0, runs: 2 }],
      ['v6LC.2.2.1', 'regression', { fail: 2, runs: 2 }],
    ]);
  } finally {
    await own.cleanup();
  }
});

test('a run that failed in its test stage is diffed, but the cases it never reached are not "removed"', async () => {
  const own = await openLab();
  try {
    await addRun(own, { version: '6.6.1', verdicts: { 'v6LC.1.1.1': 'PASS', 'v6LC.5.1.8': 'PASS' } });
    const { store } = own;
    const k = await store.upsertKernel({ version: parseKernelVersion('6.6.2'), sourceLabel: 'x', sourceHash: 'sha256:x' });
    const b = await store.recordBuild({ kernelId: k.id, cacheKey: 'x', kernelRelease: '6.6.2', fromCache: false });
    const run = await store.startRun({ testset: 'phase2-host', nut: 'qemu', sourceLabel: 'x', ownerPid: process.pid });
    await store.attachKernel(run.id, k.id, b.id);
    await store.addResult(run.id, { caseId: 'v6LC.1.1.1', title: 't', verdict: 'ERROR', reason: 'NUT stopped answering', durationMs: 1, log: '', pcaps: [] });
    await store.finishRun(run.id, { status: 'failed', stage: 'test', error: 'NUT crashed' });
    const { diffs } = await recordRunDiffs(own.results, run.id);
    assert.deepEqual(diffs.map((d) => [d.baselineKernel, d.entries.map((e) => `${e.caseId}:${e.class}`)]), [['6.6.1', ['v6LC.1.1.1:regression']]]);
    // And a failed run is never anyone's baseline.
    const later = await addRun(own, { version: '6.6.3', verdicts: { 'v6LC.1.1.1': 'PASS', 'v6LC.5.1.8': 'PASS' } });
    assert.deepEqual((await own.results.diffsOf(later)).map((d) => d.baselineKernel), ['6.6.1']);
  } finally {
    await own.cleanup();
  }
});
