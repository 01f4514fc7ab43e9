// Subscriptions: double opt-in states, and the daily-digest backlog.
import { suite, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ContractBackend } from './backend.js';
import { Clock, withLab } from './fixtures.js';

const filter = { streams: ['stable', '6.1'], testsets: ['phase2-host'], casePrefix: 'v6LC.2.', scope: 'regressions', cadence: 'immediate' } as const;

export function subscriptionsContract(backend: ContractBackend): void {
  suite(`${backend.name}: SubscriptionStore`, () => {
    test('a subscription starts pending, is active once confirmed, and a stale confirmation cannot revive it', async () => {
      const clock = new Clock();
      await withLab(backend, clock, async ({ stores: { subscriptions: subs } }) => {
        const s = await subs.createSubscription({ email: 'Dev@Example.ORG', ...filter, streams: [...filter.streams], testsets: [...filter.testsets] });
        assert.equal(s.email, 'dev@example.org');
        assert.equal(s.status, 'pending');
        assert.deepEqual(s.streams, ['stable', '6.1']);
        assert.equal(s.createdAt, clock.iso);
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
      });
    });

    test('the schema refuses an unknown scope', async () => {
      await withLab(backend, new Clock(), async ({ stores: { subscriptions: subs } }) => {
        await assert.rejects(
          subs.createSubscription({ email: 'a@b.c', streams: [], testsets: [], casePrefix: '', scope: 'sometimes' as never, cadence: 'daily' }),
          /check constraint/i,
        );
      });
    });

    test('digest entries are kept once per run and come due after their day', async () => {
      await withLab(backend, new Clock(), async ({ stores: { subscriptions: subs } }) => {
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
      });
    });
  });
}
