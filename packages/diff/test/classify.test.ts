// Classification of differences, flakiness and fail:runs counting.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CaseVerdict, Verdict } from '@testlab/core';
import { classifyCase, countFlips, diffVerdicts, failRuns } from '../src/index.js';

test('the basic transitions', () => {
  assert.equal(classifyCase('PASS', 'FAIL'), 'regression');
  assert.equal(classifyCase('PASS', 'ERROR'), 'regression');
  assert.equal(classifyCase('FAIL', 'PASS'), 'fix');
  assert.equal(classifyCase('ERROR', 'PASS'), 'fix');
  assert.equal(classifyCase(null, 'PASS'), 'new');
  assert.equal(classifyCase(null, 'FAIL'), 'new');
  assert.equal(classifyCase('PASS', null), 'removed');
  assert.equal(classifyCase('FAIL', 'FAIL'), 'still-failing');
  assert.equal(classifyCase('FAIL', 'ERROR'), 'still-failing');
  assert.equal(classifyCase('PASS', 'WARN'), 'changed');
  assert.equal(classifyCase('NA', 'PASS'), 'changed');
  assert.equal(classifyCase('PASS', 'PASS'), undefined);
  assert.equal(classifyCase('NA', 'NA'), undefined);
});

test('WARN -> FAIL is a change, not a regression: only PASS -> failing is', () => {
  assert.equal(classifyCase('WARN', 'FAIL'), 'changed');
  assert.equal(classifyCase('FAIL', 'WARN'), 'changed');
});

test('flips count PASS/failing changes, newest first, ignoring WARN and NA', () => {
  assert.equal(countFlips([]), 0);
  assert.equal(countFlips(['FAIL', 'PASS', 'PASS']), 1);
  assert.equal(countFlips(['FAIL', 'PASS', 'FAIL', 'PASS']), 3);
  assert.equal(countFlips(['FAIL', 'NA', 'ERROR', 'WARN', 'PASS']), 1);
});

test('a regression after a steady pass history stays a regression', () => {
  const recent: Verdict[] = ['PASS', 'PASS', 'PASS', 'PASS'];
  assert.equal(classifyCase('PASS', 'FAIL', { recent }), 'regression');
});

test('a regression whose recent history keeps flipping is flaky', () => {
  const recent: Verdict[] = ['PASS', 'FAIL', 'PASS', 'PASS'];
  assert.equal(classifyCase('PASS', 'FAIL', { recent }), 'flaky');
  assert.equal(classifyCase('FAIL', 'PASS', { recent: ['FAIL', 'PASS', 'FAIL'] }), 'flaky');
  // Flips older than the window do not count.
  const old: Verdict[] = ['PASS', 'PASS', 'PASS', 'PASS', 'PASS', 'PASS', 'PASS', 'PASS', 'PASS', 'FAIL', 'PASS', 'FAIL'];
  assert.equal(classifyCase('PASS', 'FAIL', { recent: old }), 'regression');
  assert.equal(classifyCase('PASS', 'FAIL', { recent: old }, { window: 13, minFlips: 3 }), 'flaky');
});

test('a newly failing case that passes on rerun is flaky; one that fails every rerun is a regression', () => {
  assert.equal(classifyCase('PASS', 'FAIL', { reruns: ['FAIL', 'PASS'] }), 'flaky');
  assert.equal(classifyCase('PASS', 'FAIL', { reruns: ['FAIL', 'FAIL'] }), 'regression');
  assert.equal(classifyCase('FAIL', 'PASS', { reruns: ['ERROR'] }), 'flaky');
});

test("fail:runs counts this kernel's attempts (first, reruns, earlier runs of it); only a flaky entry run once counts the recent window", () => {
  assert.deepEqual(failRuns('FAIL', { reruns: ['FAIL', 'PASS'] }), { fail: 2, runs: 3 });
  assert.deepEqual(failRuns('FAIL', { reruns: ['FAIL', 'FAIL'] }), { fail: 3, runs: 3 });
  assert.deepEqual(failRuns('FAIL', { reruns: ['FAIL'], sameKernel: ['FAIL', 'PASS'] }), { fail: 3, runs: 4 });
  // A deterministic regression without reruns: other kernels' passing runs are not this kernel's attempts.
  assert.deepEqual(failRuns('FAIL', { recent: ['PASS', 'PASS'] }, undefined, 'regression'), { fail: 1, runs: 1 });
  assert.deepEqual(failRuns('FAIL', { recent: ['PASS', 'FAIL', 'PASS'] }, undefined, 'flaky'), { fail: 2, runs: 4 });
  assert.deepEqual(failRuns('FAIL', { recent: ['PASS', 'FAIL'], reruns: ['PASS'] }, undefined, 'flaky'), { fail: 1, runs: 2 });
  assert.deepEqual(failRuns('PASS', { recent: [] }), { fail: 0, runs: 1 });
  assert.deepEqual(failRuns('FAIL', { recent: Array<Verdict>(20).fill('FAIL') }, { window: 5, minFlips: 3 }, 'flaky'), { fail: 5, runs: 5 });
  assert.equal(failRuns(null, {}), null);
});

test("a baseline kernel that both passed and failed a case across its runs makes no regression or fix of it", () => {
  // 6.1 ran twice: 1.3.2-D PASS then FAIL; the next kernel passing it is no "fix", failing it no "regression".
  assert.equal(classifyCase('FAIL', 'PASS', { baselineKernel: ['FAIL', 'PASS'] }), 'flaky');
  assert.equal(classifyCase('PASS', 'FAIL', { baselineKernel: ['PASS', 'ERROR'] }), 'flaky');
  assert.equal(classifyCase('PASS', 'FAIL', { baselineKernel: ['FAIL'] }), 'flaky', 'the baseline run itself counts');
  assert.equal(classifyCase('FAIL', 'PASS', { baselineKernel: ['FAIL', 'FAIL', 'WARN'] }), 'fix');
  assert.equal(classifyCase('PASS', 'FAIL', { baselineKernel: ['PASS', 'PASS'] }), 'regression');
  // WARN and NA across the baseline's runs are no flake of PASS/failing.
  assert.equal(classifyCase('PASS', 'FAIL', { baselineKernel: ['WARN', 'PASS'] }), 'regression');
});

test('an earlier run of this same kernel that disagrees makes a regression or fix flaky', () => {
  assert.equal(classifyCase('PASS', 'FAIL', { sameKernel: ['PASS'] }), 'flaky');
  assert.equal(classifyCase('FAIL', 'PASS', { sameKernel: ['ERROR'] }), 'flaky');
  assert.equal(classifyCase('PASS', 'FAIL', { sameKernel: ['FAIL', 'FAIL'] }), 'regression');
});

const cv = (caseId: string, verdict: Verdict): CaseVerdict => ({ caseId, title: `title ${caseId}`, verdict });

test('diffVerdicts lists every difference in run order, removed cases last, and counts them', () => {
  const baseline = [cv('a', 'PASS'), cv('b', 'FAIL'), cv('c', 'FAIL'), cv('gone', 'PASS'), cv('same', 'PASS')];
  const current = [cv('new', 'FAIL'), cv('a', 'FAIL'), cv('b', 'PASS'), cv('c', 'ERROR'), cv('same', 'PASS')];
  const since = { runId: 7, kernelVersion: '6.12' };
  const { entries, counts } = diffVerdicts(baseline, current, (id) => (id === 'c' ? { failingSince: since } : {}));
  assert.deepEqual(
    entries.map((e) => [e.caseId, e.class, e.before, e.after]),
    [
      ['new', 'new', null, 'FAIL'],
      ['a', 'regression', 'PASS', 'FAIL'],
      ['b', 'fix', 'FAIL', 'PASS'],
      ['c', 'still-failing', 'FAIL', 'ERROR'],
      ['gone', 'removed', 'PASS', null],
    ],
  );
  assert.deepEqual(entries.find((e) => e.caseId === 'c')?.failingSince, since);
  assert.equal(entries.find((e) => e.caseId === 'b')?.failingSince, null, 'a passing case has no streak');
  assert.deepEqual(entries.find((e) => e.caseId === 'a')?.failRuns, { fail: 1, runs: 1 });
  assert.deepEqual(counts, { regression: 1, fix: 1, new: 1, removed: 1, 'still-failing': 1, flaky: 0, changed: 0 });
});

test('a run that ended early lists no removed cases', () => {
  const { entries, counts } = diffVerdicts([cv('a', 'PASS'), cv('b', 'PASS')], [cv('a', 'FAIL')], undefined, undefined, { listRemoved: false });
  assert.deepEqual(entries.map((e) => [e.caseId, e.class]), [['a', 'regression']]);
  assert.equal(counts.removed, 0);
});
