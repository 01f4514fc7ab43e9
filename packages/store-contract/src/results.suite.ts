// The results service's store side: stored diffs round-trip, totals feed the matrix, filters, history, feed.
import { suite, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKernelVersion, type RunTotals, type StoredDiff } from '@testlab/core';
import type { ContractBackend } from './backend.js';
import { Clock, finishedRun, withLab } from './fixtures.js';

const totals = (regressions: number): RunTotals => ({
  counts: { PASS: 1, FAIL: 1, WARN: 0, NA: 0, ERROR: 0 },
  regressions,
  regressionsAny: regressions,
  fixes: 0,
  flaky: 0,
});

export function resultsContract(backend: ContractBackend): void {
  suite(`${backend.name}: ResultsQuery`, () => {
    test('stored diffs come back as saved, with failing-since kernels, and replace earlier ones', async () => {
      const clock = new Clock();
      await withLab(backend, clock, async ({ stores: { store, results } }) => {
        const old = await finishedRun(store, clock, '6.11', { 'v6LC.1.1.1': 'PASS', 'v6LC.2.1.7-D': 'FAIL' });
        const now = await finishedRun(store, clock, '6.12', { 'v6LC.1.1.1': 'FAIL', 'v6LC.2.1.7-D': 'FAIL' });
        const inputs = await results.diffInputs(now);
        assert.deepEqual(inputs?.candidates.map((c) => [c.runId, c.kernelVersion]), [[old, parseKernelVersion('6.11')]], 'parsed as the row is read');
        assert.deepEqual(inputs?.results.map((r) => [r.caseId, r.verdict]), [['v6LC.1.1.1', 'FAIL'], ['v6LC.2.1.7-D', 'FAIL']]);
        assert.equal(inputs?.complete, true);
        assert.deepEqual((await results.priorRuns(now, 5)).map((r) => r.runId), [old]);
        assert.deepEqual((await results.priorRuns(old, 5)).map((r) => r.runId), []);
        assert.deepEqual(await results.verdictsIn([old, now], ['v6LC.1.1.1', 'v6LC.9.9.9']), new Map([
          [old, new Map([['v6LC.1.1.1', 'PASS']])],
          [now, new Map([['v6LC.1.1.1', 'FAIL']])],
        ]));

        const diff: StoredDiff = {
          runId: now, baselineRunId: old, baselineKernel: '6.11', roles: ['previous-final', 'pinned'], wanted: null,
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
        assert.equal((await results.run(now))?.regressions, 1);

        assert.deepEqual((await results.results(now, { section: 2 })).map((r) => r.caseId), ['v6LC.2.1.7-D']);
        assert.deepEqual((await results.results(now, { changedOnly: true })).map((r) => r.caseId), ['v6LC.1.1.1']);
        assert.deepEqual((await results.results(old, { verdict: 'PASS' })).map((r) => r.caseId), ['v6LC.1.1.1']);
        assert.equal((await results.results(now))[0]?.pcapCount, 2);

        const feed = await results.feed();
        assert.deepEqual(feed.map((f) => [f.kind, f.runId]), [['regression', now], ['run', now], ['run', old]]);
        assert.deepEqual(feed[0]?.regressions, [{ caseId: 'v6LC.1.1.1', title: '<b>t</b>', baselineKernel: '6.11' }]);
      });
    });

    test('several diffs of a run come back in their order, one without entries among them', async () => {
      const clock = new Clock();
      await withLab(backend, clock, async ({ stores: { store, results } }) => {
        const lts = await finishedRun(store, clock, '6.6', { 'v6LC.1.1.1': 'PASS', 'v6LC.1.1.2': 'PASS' });
        const prev = await finishedRun(store, clock, '6.11', { 'v6LC.1.1.1': 'FAIL', 'v6LC.1.1.2': 'PASS' });
        const now = await finishedRun(store, clock, '6.12', { 'v6LC.1.1.1': 'FAIL', 'v6LC.1.1.2': 'PASS' });
        const none = { regression: 0, fix: 0, new: 0, removed: 0, 'still-failing': 0, flaky: 0, changed: 0 };
        const diffs: StoredDiff[] = [
          { runId: now, baselineRunId: prev, baselineKernel: '6.11', roles: ['previous-final'], wanted: null, counts: none, entries: [] },
          {
            runId: now, baselineRunId: lts, baselineKernel: '6.6', roles: ['pinned'], wanted: '6.6.1', counts: { ...none, regression: 1 },
            entries: [
              { caseId: 'v6LC.1.1.2', title: 'b', class: 'changed', before: 'PASS', after: 'PASS', failingSince: null, failRuns: null },
              { caseId: 'v6LC.1.1.1', title: 'a', class: 'regression', before: 'PASS', after: 'FAIL', failingSince: null, failRuns: { fail: 2, runs: 2 } },
            ],
          },
        ];
        await results.saveDiffs(now, diffs, new Map([['v6LC.1.1.1', { runId: prev, kernelVersion: '6.11' }]]), totals(1));
        const back = await results.diffsOf(now);
        assert.deepEqual(back.map((d) => [d.baselineRunId, d.wanted, d.entries.length]), [[prev, null, 0], [lts, '6.6.1', 2]]);
        assert.deepEqual(back[1]?.entries, [diffs[1]!.entries[0], { ...diffs[1]!.entries[1], failingSince: { runId: prev, kernelVersion: '6.11' } }]);
        assert.deepEqual(await results.diffsOf(prev), []);
      });
    });

    test('a diff naming a run that does not exist is refused and nothing is stored', async () => {
      const clock = new Clock();
      await withLab(backend, clock, async ({ stores: { store, results } }) => {
        const run = await finishedRun(store, clock, '6.12', { 'v6LC.1.1.1': 'PASS' });
        const bad: StoredDiff = {
          runId: run, baselineRunId: 999, baselineKernel: 'x', roles: ['pinned'], wanted: null,
          counts: { regression: 0, fix: 0, new: 0, removed: 0, 'still-failing': 0, flaky: 0, changed: 0 }, entries: [],
        };
        await assert.rejects(results.saveDiffs(run, [bad], new Map(), totals(0)), /run \d+: no such run or baseline run/);
        assert.deepEqual(await results.diffsOf(run), []);
      });
    });

    test('history follows kernel version order, not insertion or string order, and finds the first failure', async () => {
      const clock = new Clock();
      await withLab(backend, clock, async ({ stores: { store, results } }) => {
        for (const [v, verdict] of [['6.10', 'PASS'], ['6.9', 'PASS'], ['6.10-rc2', 'FAIL'], ['6.11', 'FAIL'], ['6.10.1', 'PASS']] as const) {
          await finishedRun(store, clock, v, { 'v6LC.5.1.8': verdict });
        }
        const h = await results.caseHistory('phase2-host', 'qemu', 'v6LC.5.1.8');
        assert.deepEqual(h.points.map((p) => `${p.kernelVersion}:${p.verdict}`), ['6.9:PASS', '6.10-rc2:FAIL', '6.10:PASS', '6.10.1:PASS', '6.11:FAIL']);
        assert.equal(h.firstFailure?.kernelVersion, '6.10-rc2');
        assert.equal(h.title, 'title of v6LC.5.1.8');
        assert.equal((await results.caseHistory('phase2-host', 'qemu', 'v6LC.5.1.8', { limit: 2 })).points.length, 2);
        assert.deepEqual((await results.caseHistory('other', 'qemu', 'v6LC.5.1.8')).points, []);
        assert.deepEqual(await results.streamsOfCase('v6LC.5.1.8'), [{ testset: 'phase2-host', nut: 'qemu' }]);
      });
    });

    test('the matrix: most recently tested kernels first by default; a stream in version order', async () => {
      const clock = new Clock();
      await withLab(backend, clock, async ({ stores: { store, results } }) => {
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
      });
    });

    test('lab status: the queue, NUT kinds, running runs with their current stage, totals', async () => {
      const clock = new Clock();
      await withLab(backend, clock, async ({ stores: { store, results, queue } }) => {
        await finishedRun(store, clock, '6.12', { 'v6LC.1.1.1': 'PASS' });
        const running = await store.startRun({ testset: 'phase2-host', nut: 'qemu', sourceLabel: 'x', ownerPid: process.pid });
        await store.startStage(running.id, 'build');
        await store.finishStage(running.id, 'build', 'done');
        await store.startStage(running.id, 'boot');
        await queue.enqueue({ kind: 'build', key: 'b', priority: 0, group: 'g', payload: {
          version: parseKernelVersion('6.13'), source: { spec: '/x' }, profile: 'qemu', testset: 't', configDigest: 'd' } });
        const status = await results.labStatus();
        assert.deepEqual(status.queue, { queued: 1, leased: 0 });
        assert.deepEqual(status.nuts.map((n) => [n.nut, n.running]), [['qemu', 1]]);
        assert.deepEqual(status.running.map((r) => [r.run.id, r.stage?.stage]), [[running.id, 'boot']]);
        assert.deepEqual(status.totals, { runs: 2, kernels: 1 });
      });
    });

    test('the change stamp moves when a run starts, ends, is abandoned or gets its diffs, and only then', async () => {
      const clock = new Clock();
      await withLab(backend, clock, async ({ stores: { store, results } }) => {
        const stamps = [await results.changeStamp()];
        const step = async (what: string, change: () => Promise<unknown>, moves = true) => {
          await change();
          const now = await results.changeStamp();
          if (moves) assert.ok(!stamps.includes(now), `${what} changes the stamp`);
          else assert.equal(now, stamps.at(-1), `${what} leaves it`);
          stamps.push(now);
        };
        const done = await finishedRun(store, clock, '6.11', { 'v6LC.1.1.1': 'PASS' });
        stamps.push(await results.changeStamp());
        let running = 0;
        await step('a run starting', async () => (running = (await store.startRun({ testset: 't', nut: 'qemu', sourceLabel: 'x', ownerPid: 1 })).id));
        await step('a result of a running run', () => store.addResult(running, { caseId: 'c', title: 't', verdict: 'PASS', reason: '', durationMs: 1, log: '', pcaps: [] }), false);
        await step('a run ending', () => store.finishRun(running, { status: 'done' }));
        await step('diffs recorded', () => results.saveDiffs(done, [], new Map(), { counts: { PASS: 1, FAIL: 0, WARN: 0, NA: 0, ERROR: 0 }, regressions: 0, fixes: 0, flaky: 0 }));
        clock.advance(1000);
        await step('diffs recorded again', () => results.saveDiffs(done, [], new Map(), { counts: { PASS: 1, FAIL: 0, WARN: 0, NA: 0, ERROR: 0 }, regressions: 1, fixes: 0, flaky: 0 }));
        const other = await store.startRun({ testset: 't', nut: 'qemu', sourceLabel: 'y', ownerPid: 1 });
        stamps.push(await results.changeStamp());
        await step('a run abandoned', () => store.abandonRun(other.id, 'gone'));
      });
    });

    test('retention facts: each run with its stream, build, source, regressions and baselines', async () => {
      const clock = new Clock();
      await withLab(backend, clock, async ({ stores: { store, results } }) => {
        const old = await finishedRun(store, clock, '6.11', { 'v6LC.1.1.1': 'PASS' });
        const now = await finishedRun(store, clock, '6.12', { 'v6LC.1.1.1': 'FAIL' });
        const broken = await store.startRun({ testset: 'phase2-host', nut: 'qemu', sourceLabel: 'x', ownerPid: 1 });
        await results.saveDiffs(now, [{
          runId: now, baselineRunId: old, baselineKernel: '6.11', roles: ['previous-final'], wanted: null,
          counts: { regression: 1, fix: 0, new: 0, removed: 0, 'still-failing': 0, flaky: 0, changed: 0 }, entries: [],
        }], new Map(), totals(1));
        const facts = await results.retentionFacts();
        assert.deepEqual(facts.map((f) => [f.runId, f.kernelVersion, f.status, f.cacheKey, f.sourceHash, f.regressions, f.baselineRunIds]), [
          [old, '6.11', 'done', '6.11', 'sha256:6.11', null, []],
          [now, '6.12', 'done', '6.12', 'sha256:6.12', 1, [old]],
          [broken.id, null, 'running', null, null, null, []],
        ]);
        assert.deepEqual([facts[0]!.testset, facts[0]!.nut, typeof facts[0]!.startedAt], ['phase2-host', 'qemu', 'string']);
      });
    });

    test('case details, pcaps by position and artifacts are found by their ids only', async () => {
      const clock = new Clock();
      await withLab(backend, clock, async ({ stores: { store, results } }) => {
        const run = await finishedRun(store, clock, '6.12', { 'v6LC.1.1.1': 'FAIL' });
        await store.addArtifact({ runId: run, kind: 'console-log', path: '/runs/1/console.log', sizeBytes: 12 });
        const detail = await results.caseDetail(run, 'v6LC.1.1.1');
        assert.equal(detail?.verdict, 'FAIL');
        assert.equal(detail?.pcapCount, 2);
        assert.deepEqual(detail?.pcaps.map((p) => p.position), [0, 1]);
        assert.match(detail?.log ?? '', /echo reply/);
        assert.equal(await results.caseDetail(run, 'v6LC.9.9.9'), undefined);
        assert.equal(await results.pcap(run, 'v6LC.1.1.1', 1), detail?.pcaps[1]?.path);
        assert.equal(await results.pcap(run, 'v6LC.1.1.1', 2), undefined);
        const [artifact] = await results.artifactsWithIds(run);
        assert.deepEqual(await results.artifact(artifact!.id), artifact);
        assert.equal(await results.artifact(artifact!.id + 100), undefined);
      });
    });

    test('the store writes only parsed versions; a version edited in by hand is named, not sorted somewhere', async () => {
      const clock = new Clock();
      await withLab(backend, clock, async ({ stores: { store, results }, tamper }) => {
        const run = await finishedRun(store, clock, '6.12', { 'v6LC.1.1.1': 'PASS' });
        assert.deepEqual(await tamper.kernelKinds(), ['final'], "the kind stored is the parsed version's");
        await tamper.setEveryKernelVersion('6.12.0');
        for (const read of [() => results.matrix(), () => results.diffInputs(run), () => results.caseHistory('phase2-host', 'qemu', 'v6LC.1.1.1')]) {
          await assert.rejects(read(), /the database holds a kernel version the lab never writes \(edited by hand\?\): invalid kernel version "6\.12\.0"/);
        }
      });
    });
  });
}
