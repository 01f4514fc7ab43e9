// The SVG geometry computed server-side: trend buckets and pass rates, stage bars, matrix cell states.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HistoryPoint, StageRecord, Verdict } from '@testlab/core';
import { trendChart } from '../src/trend-chart.js';
import { stageTimeline } from '../src/stage-timeline.js';
import { cellState } from '../src/routes/home.js';

const points = (verdicts: Verdict[]): HistoryPoint[] =>
  verdicts.map((verdict, i) => ({ runId: i + 1, kernelVersion: `6.${i + 1}`, verdict, finishedAt: null }));

test('trend: one point per run when few, pass rate of judged runs only, 100% at the top', () => {
  const c = trendChart(points(['PASS', 'FAIL', 'NA', 'PASS']));
  assert.deepEqual(c.buckets.map((b) => b.passRate), [100, 0, 100], 'the NA-only bucket is left out');
  assert.deepEqual(c.buckets.map((b) => b.y), [10, 170, 10]);
  assert.equal(c.buckets[0]?.x, 40);
  assert.equal(c.buckets.at(-1)?.x, 710);
  assert.equal(c.line, c.buckets.map((b) => `${b.x},${b.y}`).join(' '));
  assert.equal(c.firstKernel, '6.1');
  assert.equal(c.lastKernel, '6.4');
});

test('trend: a year of runs is bucketed to at most 60 points, each with its kernel range', () => {
  const many = points(Array.from({ length: 1000 }, (_, i) => (i % 4 === 0 ? 'FAIL' : 'PASS')));
  const c = trendChart(many);
  assert.ok(c.buckets.length <= 60 && c.buckets.length >= 50, `${c.buckets.length} buckets`);
  for (const b of c.buckets) assert.ok(b.passRate >= 70 && b.passRate <= 80, `${b.passRate}%`);
  assert.equal(c.buckets[0]?.from, '6.1');
  assert.equal(c.buckets[0]?.runs, 17);
  assert.deepEqual(trendChart([]).buckets, []);
});

test('timeline: bars on one time axis, proportional to duration', () => {
  const at = (s: number) => new Date(Date.parse('2025-01-01T00:00:00Z') + s * 1000).toISOString();
  const stage = (name: StageRecord['stage'], from: number, to: number): StageRecord => ({
    runId: 1, stage: name, status: 'done', startedAt: at(from), finishedAt: at(to), durationMs: (to - from) * 1000, logPath: null, detail: null,
  });
  const t = stageTimeline([stage('unpack', 0, 10), stage('build', 10, 90), stage('test', 90, 100)]);
  assert.deepEqual(t.bars.map((b) => [b.stage, b.x, b.width]), [['unpack', 90, 62], ['build', 152, 496], ['test', 648, 62]]);
  assert.equal(t.bars[1]?.label, 'done, 80.0 s');
  assert.equal(stageTimeline([stage('build', 0, 900)]).bars[0]?.label, 'done, 15 min 0 s');
});

test('matrix cells: regressions red, known failures orange, a lab failure is not a kernel failure', () => {
  const counts = { PASS: 5, FAIL: 1, WARN: 0, NA: 0, ERROR: 0 };
  const cell = { runId: 1, status: 'done' as const, counts, finishedAt: null };
  assert.deepEqual(cellState({ ...cell, regressions: 2 }), { css: 'regression', label: '2 regressions' });
  assert.deepEqual(cellState({ ...cell, regressions: 0 }), { css: 'fail', label: 'failures, none new' });
  assert.deepEqual(cellState({ ...cell, regressions: null, counts: { ...counts, FAIL: 0 } }), { css: 'pass', label: 'all pass' });
  assert.deepEqual(cellState({ ...cell, status: 'failed', regressions: null }), { css: 'lab-failed', label: 'run failed' });
});
