// The results service's SQLite side: stored diffs round-trip, totals feed the matrix, filters and history.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKernelVersion, type RunTotals, type StoredDiff, type Verdict } from '@testlab/core';
import { openSqliteStore, resultsQueryOn, type SqliteStore } from '../src/index.js';
import { caseResult, Clock, tempDir } from './helpers.js';

const tmp = tempDir();
after(() => tmp.cleanup());

async function finishedRun(store: SqliteStore, clock: Clock, version: string, verdicts: Record<string, Verdict>, testset = 'phase2-host') {
  const kernel = await store.upsertKernel({ version: parseKernelVersion(version), sourceLabel: `linux-${version}`, sourceHash: `sha256:${version}` });
  const build = await store.recordBuild({ kernelId: kernel.id, cacheKey: version, kernelRelease: version, fromCache: false });
  const run = await store.startRun({ testset, nut: 'qemu', sourceLabel: `linux-${version}`, ownerPid: process.pid });
  await store.attachKernel(run.id, kernel.id, build.id);
  for (const [caseId, verdict] of Object.entries(verdicts)) await store.addResult(run.id, caseResult(caseId, { verdict }));
  clock.advance(60_000);
  await store.finishRun(run.id, { status: 'done' });
  return run.id;
}

const totals = (regressions: number): RunTotals => ({
  counts: { PASS: 1, FAIL: 1, WARN: 0, NA: 0, ERROR: 0 },
  regressions,
  regressionsAny: regressions,
  fixes: 0,
  flaky: 0,
});

test('stored diffs come back as saved, with failing-since kernels, and replace earlier ones', async () => {
  const clock = new Clock();
  const store = openSqliteStore(tmp.file('diffs.db'), { now: clock.now });
  const results = resultsQueryOn(store, clock.now);
  const old = await finishedRun(store, clock, '6.11', { 'v6LC.1.1.1': 'PASS', 'v6LC.2.1.7-D': 'FAIL' });
  const now = await finishedRun(store, clock, '6.12', { 'v6LC.1.1.1': 'FAIL', 'v6LC.2.1.7-D': 'FAIL' });

  const inputs = await results.diffInputs(now);
  assert.deepEqual(inputs?.candidates.map((c) => [c.runId, c.kernelVersion]), [[old, parseKernelVersion('6.11')]], 'parsed as the row is read');
  assert.deepEqual(inputs?.results.map((r) => [r.caseId, r.verdict]), [['v6LC.1.1.1', 'FAIL'], ['v6LC.2.1.7-D', 'FAIL']]);
  assert.deepEqual((await results.priorRuns(now, 5)).map((r) => r.runId), [old]);
  assert.deepEqual((await results.priorRuns(old, 5)).map((r) => r.runId), []);

  const diff: StoredDiff = {
    runId: now,
    baselineRunId: old,
    baselineKernel: '6.11',
    roles: ['previous-final', 'pinned'],
    wanted: null,
    counts: { regression: 1, fix: 0, new: 0, removed: 0, 'still-failing': 1, flaky: 0, changed: 0 },
    entries: [
      { caseId: 'v6LC.1.1.1', title: '<b>t</b>', class: 'regression', before: 'PASS', after: 'FAIL', failingSince: null, failRuns: { fail: 3, runs: 3 } },
      { caseId: 'v6LC.2.1.7-D', title: 'nd', class: 'still-failing', before: 'FAIL', after: 'FAIL', failingSince: null, failRuns: null },
    ],
  };
  const since = new Map([
    ['v6LC.1.1.1', { runId: now, kernelVersion: '6.12' }],
    ['v6LC.2.1.7-D', { runId: old, kernelVersion: '6.11' }],
  ]);
  await results.saveDiffs(now, [diff], since, totals(1));
  await results.saveDiffs(now, [diff], since, totals(1)); // again: replaced, not doubled
  const [back, ...rest] = await results.diffsOf(now);
  assert.equal(rest.length, 0);
  assert.deepEqual(back?.roles, ['previous-final', 'pinned']);
  assert.deepEqual(back?.counts, diff.counts);
  assert.deepEqual(back?.entries[0], { ...diff.entries[0], failingSince: { runId: now, kernelVersion: '6.12' } });
  assert.deepEqual(back?.entries[1]?.failingSince, { runId: old, kernelVersion: '6.11' });
  assert.deepEqual(await results.failingSinceOf(now, ['v6LC.2.1.7-D', 'v6LC.9.9.9']), new Map([['v6LC.2.1.7-D', { runId: old, kernelVersion: '6.11' }]]));

  // The matrix shows the stored regression count; the run without stored totals counts its results.
  const m = await results.matrix();
  assert.deepEqual(m.columns, ['phase2-host@qemu']);
  assert.deepEqual(m.rows.map((r) => r.kernelVersion), ['6.12', '6.11']);
  assert.equal(m.rows[0]?.cells['phase2-host@qemu']?.regressions, 1);
  assert.equal(m.rows[1]?.cells['phase2-host@qemu']?.regressions, null);
  assert.deepEqual(m.rows[1]?.cells['phase2-host@qemu']?.counts, { PASS: 1, FAIL: 1, WARN: 0, NA: 0, ERROR: 0 });

  // Filters: verdict, section, changed only.
  assert.deepEqual((await results.results(now, { section: 2 })).map((r) => r.caseId), ['v6LC.2.1.7-D']);
  assert.deepEqual((await results.results(now, { changedOnly: true })).map((r) => r.caseId), ['v6LC.1.1.1']);
  assert.deepEqual((await results.results(old, { verdict: 'PASS' })).map((r) => r.caseId), ['v6LC.1.1.1']);
  assert.equal((await results.results(now))[0]?.pcapCount, 2);

  const feed = await results.feed();
  assert.deepEqual(feed.map((f) => [f.kind, f.runId]), [['regression', now], ['run', now], ['run', old]]);
  await store.close();
});

test('a diff naming a run that does not exist is refused and nothing is stored', async () => {
  const clock = new Clock();
  const store = openSqliteStore(':memory:', { now: clock.now });
  const results = resultsQueryOn(store);
  const run = await finishedRun(store, clock, '6.12', { 'v6LC.1.1.1': 'PASS' });
  const bad: StoredDiff = {
    runId: run, baselineRunId: 999, baselineKernel: 'x', roles: ['pinned'], wanted: null,
    counts: { regression: 0, fix: 0, new: 0, removed: 0, 'still-failing': 0, flaky: 0, changed: 0 }, entries: [],
  };
  await assert.rejects(results.saveDiffs(run, [bad], new Map(), totals(0)), /run \d+: no such run or baseline run/);
  assert.deepEqual(await results.diffsOf(run), []);
  await store.close();
});

test('history follows kernel version order, not insertion or string order, and finds the first failure', async () => {
  const clock = new Clock();
  const store = openSqliteStore(':memory:', { now: clock.now });
  const results = resultsQueryOn(store);
  for (const [v, verdict] of [['6.10', 'PASS'], ['6.9', 'PASS'], ['6.10-rc2', 'FAIL'], ['6.11', 'FAIL'], ['6.10.1', 'PASS']] as const) {
    await finishedRun(store, clock, v, { 'v6LC.5.1.8': verdict });
  }
  const h = await results.caseHistory('phase2-host', 'qemu', 'v6LC.5.1.8');
  assert.deepEqual(h.points.map((p) => `${p.kernelVersion}:${p.verdict}`), ['6.9:PASS', '6.10-rc2:FAIL', '6.10:PASS', '6.10.1:PASS', '6.11:FAIL']);
  assert.equal(h.firstFailure?.kernelVersion, '6.10-rc2');
  assert.equal((await results.caseHistory('phase2-host', 'qemu', 'v6LC.5.1.8', { limit: 2 })).points.length, 2);
  assert.deepEqual((await results.caseHistory('other', 'qemu', 'v6LC.5.1.8')).points, []);
  await store.close();
});

test('the matrix: most recently tested kernels first by default; a stream in version order', async () => {
  const clock = new Clock();
  const store = openSqliteStore(':memory:', { now: clock.now });
  const results = resultsQueryOn(store);
  // Tested out of version order, as a lab does when it backfills or when streams interleave.
  for (const v of ['6.10', '6.6.70', 'next-20250106', '6.9', '6.6.71', '6.11-rc1', 'v6.11-rc1-3-gabcdef0']) {
    await finishedRun(store, clock, v, { 'v6LC.1.1.1': 'PASS' });
  }
  const all = await results.matrix();
  assert.deepEqual(all.rows.map((r) => r.kernelVersion), ['v6.11-rc1-3-gabcdef0', '6.11-rc1', '6.6.71', '6.9', 'next-20250106', '6.6.70', '6.10']);
  assert.deepEqual(all.streams, ['mainline', 'next', 'stable-6.6']);
  assert.equal(all.stream, null);
  const mainline = await results.matrix({ stream: 'mainline', kernels: 3 });
  assert.deepEqual(mainline.rows.map((r) => r.kernelVersion), ['v6.11-rc1-3-gabcdef0', '6.11-rc1', '6.10']);
  assert.deepEqual((await results.matrix({ stream: 'stable-6.6' })).rows.map((r) => r.kernelVersion), ['6.6.71', '6.6.70']);
  assert.deepEqual((await results.matrix({ stream: 'stable-5.4' })).rows, []);
  await assert.rejects(results.matrix({ kernels: 0 }), /kernels must be 1\.\.1000/);
  await store.close();
});

test('the store writes only parsed versions; a version edited in by hand is named, not sorted somewhere', async () => {
  const clock = new Clock();
  const store = openSqliteStore(':memory:', { now: clock.now });
  const results = resultsQueryOn(store);
  const run = await finishedRun(store, clock, '6.12', { 'v6LC.1.1.1': 'PASS' });
  const kind = store.database.prepare<[], string>('SELECT kind FROM kernels').pluck().get();
  assert.equal(kind, 'final', 'the kind stored is the parsed version\'s');
  store.database.prepare(`UPDATE kernels SET version = '6.12.0'`).run();
  for (const read of [() => results.matrix(), () => results.diffInputs(run), () => results.caseHistory('phase2-host', 'qemu', 'v6LC.1.1.1')]) {
    await assert.rejects(read(), /the database holds a kernel version the lab never writes \(edited by hand\?\): invalid kernel version "6\.12\.0"/);
  }
  await store.close();
});
