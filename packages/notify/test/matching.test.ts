// Subscription rules are pure: streams, test sets, case prefix, scope.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKernelVersion, type SubscriptionFilter } from '@testlab/core';
import { kernelStreams, matchSubscription } from '../src/index.js';
import { regressionReport } from './fixtures.js';

const any: SubscriptionFilter = { streams: [], testsets: [], casePrefix: '', scope: 'regressions', cadence: 'immediate' };

test('kernel streams in the words subscribers use', () => {
  const streams = (text: string) => kernelStreams(parseKernelVersion(text));
  assert.deepEqual(streams('6.1.192'), ['stable', 'stable-6.1', '6.1']);
  assert.deepEqual(streams('6.13-rc1'), ['mainline', '6.13']);
  assert.deepEqual(streams('6.12'), ['mainline', '6.12']);
  assert.deepEqual(streams('next-20250107'), ['next']);
  assert.deepEqual(streams('v6.1.5-3-gabcdef0'), ['stable', 'stable-6.1', '6.1']);
  assert.deepEqual(streams('v6.13-rc1-3-gabcdef0'), ['mainline', '6.13']);
});

test('stream and test set filters', () => {
  const r = regressionReport();
  assert.ok(matchSubscription({ ...any, streams: ['6.1'] }, r));
  assert.ok(matchSubscription({ ...any, streams: ['stable-6.1'] }, r));
  assert.equal(matchSubscription({ ...any, streams: ['stable-6.6'] }, r), null);
  assert.ok(matchSubscription({ ...any, streams: ['mainline', 'stable'] }, r));
  assert.equal(matchSubscription({ ...any, streams: ['mainline'] }, r), null);
  assert.equal(matchSubscription({ ...any, streams: ['stable'] }, { ...r, kernelVersion: null }), null);
  assert.ok(matchSubscription({ ...any, testsets: ['phase2-host', 'phase2-router'] }, r));
  assert.equal(matchSubscription({ ...any, testsets: ['phase2-router'] }, r), null);
});

test('regressions only: the case prefix picks the regressions, and none left means no email', () => {
  const r = regressionReport();
  assert.deepEqual(matchSubscription({ ...any, casePrefix: 'v6LC.2.' }, r)?.regressions.map((x) => x.caseId), ['v6LC.2.1.5']);
  assert.equal(matchSubscription({ ...any, casePrefix: 'v6LC.5.' }, r), null);
  assert.equal(matchSubscription(any, { ...r, regressions: [] }), null);
});

test('every run: a clean run matches; a case prefix needs such cases in the run', () => {
  const every = { ...any, scope: 'every-run' as const };
  const clean = regressionReport({ regressions: [] });
  assert.deepEqual(matchSubscription(every, clean), { regressions: [] });
  assert.deepEqual(matchSubscription({ ...every, casePrefix: 'v6LC.5.' }, regressionReport())?.regressions, []);
  assert.equal(matchSubscription({ ...every, casePrefix: 'v6LC.9.' }, clean), null);
});
