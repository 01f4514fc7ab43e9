// Subscriptions (migration 4): double opt-in states, and the daily-digest backlog.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore, subscriptionStoreOn } from '../src/index.js';
import { Clock, tempDir } from './helpers.js';

const tmp = tempDir();
after(() => tmp.cleanup());

const filter = { streams: ['stable', '6.1'], testsets: ['phase2-host'], casePrefix: 'v6LC.2.', scope: 'regressions', cadence: 'immediate' } as const;

test('a subscription starts pending, is active once confirmed, and a stale confirmation cannot revive it', async () => {
  const clock = new Clock();
  const lab = openSqliteStore(tmp.file('subs.db'), { now: clock.now });
  const subs = subscriptionStoreOn(lab, clock.now);
  const s = await subs.createSubscription({ email: 'Dev@Example.ORG', ...filter, streams: [...filter.streams], testsets: [...filter.testsets] });
  assert.equal(s.email, 'dev@example.org');
  assert.equal(s.status, 'pending');
  assert.deepEqual(s.streams, ['stable', '6.1']);
  assert.deepEqual(await subs.activeSubscriptions(), []);

  clock.advance(1000);
  const confirmed = await subs.confirmSubscription(s.id);
  assert.equal(confirmed?.status, 'active');
  assert.equal(confirmed?.confirmedAt, clock.iso);
  assert.deepEqual((await subs.activeSubscriptions()).map((x) => x.id), [s.id]);

  const gone = await subs.unsubscribe(s.id);
  assert.equal(gone?.status, 'unsubscribed');
  assert.equal(await subs.confirmSubscription(s.id), undefined, 'confirming after unsubscribing must not reactivate');
  assert.equal((await subs.getSubscription(s.id))?.status, 'unsubscribed');
  assert.equal(await subs.unsubscribe(9999), undefined);
  assert.equal(await subs.countCreatedSince('DEV@example.org', s.createdAt), 1);
  assert.equal(await subs.countCreatedSince('dev@example.org', clock.iso), 0, 'created before that');
  assert.equal(await subs.countCreatedSince('other@example.org', s.createdAt), 0);
  await lab.close();
});

test('the schema refuses an unknown scope', async () => {
  const lab = openSqliteStore(':memory:');
  const subs = subscriptionStoreOn(lab);
  await assert.rejects(
    subs.createSubscription({ email: 'a@b.c', streams: [], testsets: [], casePrefix: '', scope: 'sometimes' as never, cadence: 'daily' }),
    /CHECK constraint/,
  );
  await lab.close();
});

test('digest entries are kept once per run and come due after their day', async () => {
  const lab = openSqliteStore(':memory:');
  const subs = subscriptionStoreOn(lab);
  const s = await subs.createSubscription({ email: 'a@b.c', streams: [], testsets: [], casePrefix: '', scope: 'every-run', cadence: 'daily' });
  await subs.addDigestEntry({ subscriptionId: s.id, day: '2025-01-07', runId: 1, payload: '{"n":1}' });
  await subs.addDigestEntry({ subscriptionId: s.id, day: '2025-01-07', runId: 1, payload: '{"n":"again"}' });
  await subs.addDigestEntry({ subscriptionId: s.id, day: '2025-01-08', runId: 2, payload: '{"n":2}' });
  assert.deepEqual((await subs.dueDigestEntries('2025-01-07')).map((e) => e.runId), []);
  const due = await subs.dueDigestEntries('2025-01-08');
  assert.deepEqual(due.map((e) => [e.runId, e.payload]), [[1, '{"n":1}']]);
  await subs.markDigested(due.map((e) => e.id));
  assert.deepEqual((await subs.dueDigestEntries('2025-01-09')).map((e) => e.runId), [2]);
  await assert.rejects(subs.dueDigestEntries('tomorrow'), /YYYY-MM-DD/);
  await lab.close();
});
