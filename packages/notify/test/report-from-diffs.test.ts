// The notifier's view of a finished run, from the stored diffs: regressions only, flaky flips left out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKernelVersion, type DiffEntry, type ResultLine, type RunSummary, type StoredDiff } from '@testlab/core';
import { outboxOn, resultsQueryOn } from '@testlab/store-sqlite';
import { notifyRunFinished, runReportFrom } from '../src/index.js';
import { Clock } from './fixtures.js';
import { activeSubscriber, openLab } from './helpers.js';
import { closedPort } from './smtp-sink.js';

const run: RunSummary = {
  id: 9, kernelId: 1, buildId: 1, testset: 'phase2-host', nut: 'qemu', status: 'done', failedStage: null, error: null,
  sourceLabel: 'linux-6.1.192.tar.xz', startedAt: '2025-01-07T03:00:00.000Z', finishedAt: '2025-01-07T03:10:00.000Z',
  ownerPid: null, kernelVersion: '6.1.192', counts: { PASS: 1, FAIL: 2, WARN: 0, NA: 0, ERROR: 0 },
};
const entry = (caseId: string, cls: DiffEntry['class'], before: DiffEntry['before'], after: DiffEntry['after']): DiffEntry => ({
  caseId, title: `t ${caseId}`, class: cls, before, after, failingSince: null, failRuns: null,
});
const diff = (baselineRunId: number, entries: DiffEntry[]): StoredDiff => ({
  runId: 9, baselineRunId, baselineKernel: `6.1.${baselineRunId}`, roles: ['previous-stable'], wanted: null,
  counts: { regression: 0, fix: 0, new: 0, removed: 0, 'still-failing': 0, flaky: 0, changed: 0 }, entries,
});
const line = (caseId: string, reason: string, pcapCount: number): ResultLine => ({ resultId: 1, caseId, title: caseId, verdict: 'FAIL', reason, durationMs: 1, pcapCount });

test('regressions of the first diff that has any, with reasons and pcap counts from the results, and fail:runs', () => {
  const rerun = { ...entry('v6LC.2.1.5', 'regression', 'PASS', 'FAIL'), failRuns: { fail: 3, runs: 3 } };
  const report = runReportFrom(
    run,
    parseKernelVersion('6.1.192'),
    [diff(191, [entry('v6LC.1.1.1', 'fix', 'FAIL', 'PASS')]), diff(180, [rerun, entry('v6LC.2.1.6', 'flaky', 'PASS', 'FAIL')])],
    [line('v6LC.1.1.1', 'ok', 0), line('v6LC.2.1.5', 'no NA seen', 2), line('v6LC.2.1.6', 'late', 1)],
  );
  assert.deepEqual(report.baseline, { runId: 180, kernelVersion: '6.1.180' });
  assert.deepEqual(report.regressions, [{ caseId: 'v6LC.2.1.5', title: 't v6LC.2.1.5', expected: 'PASS', seen: 'FAIL', reason: 'no NA seen', pcapCount: 2, failRuns: { fail: 3, runs: 3 } }]);
  assert.deepEqual(report.caseIds, ['v6LC.1.1.1', 'v6LC.2.1.5', 'v6LC.2.1.6']);
});

test('no diffs: no baseline, no regressions', () => {
  const report = runReportFrom(run, parseKernelVersion('6.1.192'), [], []);
  assert.equal(report.baseline, null);
  assert.deepEqual(report.regressions, []);
});

test('notifyRunFinished reads a finished run and its stored diffs from SQLite and queues the regression email', async () => {
  const clock = new Clock();
  const lab = openLab(await closedPort(), { clock });
  try {
    const store = lab.store;
    await activeSubscriber(lab, { email: 'dev@example.org', streams: 'stable' });
    const result = (caseId: string, verdict: 'PASS' | 'FAIL') => ({ caseId, title: `t ${caseId}`, verdict, reason: `reason ${caseId}`, durationMs: 1, log: '', pcaps: ['/a.pcap'] });
    const finishedRun = async (version: string, second: 'PASS' | 'FAIL') => {
      const kernel = await store.upsertKernel({ version: parseKernelVersion(version), sourceLabel: 'x', sourceHash: `h${version}` });
      const build = await store.recordBuild({ kernelId: kernel.id, cacheKey: version, kernelRelease: version, fromCache: false });
      const run = await store.startRun({ testset: 'phase2-host', nut: 'qemu', sourceLabel: 'x', ownerPid: process.pid });
      await store.attachKernel(run.id, kernel.id, build.id);
      await store.addResult(run.id, result('v6LC.1.1.1', 'PASS'));
      await store.addResult(run.id, result('v6LC.2.1.5', second));
      await store.finishRun(run.id, { status: 'done' });
      return run;
    };
    const baseline = await finishedRun('6.1.191', 'PASS');
    const r = await finishedRun('6.1.192', 'FAIL');
    const results = resultsQueryOn(store, clock.now);
    const stored: StoredDiff = { ...diff(0, [entry('v6LC.2.1.5', 'regression', 'PASS', 'FAIL')]), runId: r.id, baselineRunId: baseline.id, baselineKernel: '6.1.191' };
    await results.saveDiffs(r.id, [stored], new Map(), { counts: { PASS: 1, FAIL: 1, WARN: 0, NA: 0, ERROR: 0 }, regressions: 1, fixes: 0, flaky: 0 });

    // The run as the diffs judged it: its kernel parsed once, by the store, as the row was read.
    const judged = (await results.diffInputs(r.id))!.run;
    assert.deepEqual(await notifyRunFinished(results, lab.notify.notifier, judged), { queued: 1, digested: 0 });
    const [mail] = await outboxOn(store).listMessages({ status: 'pending' }).then((m) => m.filter((x) => x.dedupeKey.startsWith('run:')));
    assert.equal(mail?.subject, '[testlab] REGRESSION 6.1.192 phase2-host: 1 case (v6LC.2.1.5)');
    assert.match(mail?.text ?? '', /expected PASS, seen FAIL\n {2}reason v6LC\.2\.1\.5/);
    await assert.rejects(notifyRunFinished(results, lab.notify.notifier, { ...judged, runId: 999 }), /no such run/);
  } finally {
    await lab.close();
  }
});
