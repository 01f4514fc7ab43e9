// The outbox: idempotent enqueue, leases, reclaim after a dead sender, retry and give-up, and two senders
// (two processes or hosts) claiming at once never sending one message twice.
import { suite, test } from 'node:test';
import assert from 'node:assert/strict';
import type { OutboxMessage } from '@testlab/core';
import type { ContractBackend } from './backend.js';
import { Clock, withLab } from './fixtures.js';

const email = (key: string) => ({
  dedupeKey: key,
  to: 'dev@example.org',
  subject: `subject ${key}`,
  text: 'text',
  html: '<p>html</p>',
  headers: { 'List-Unsubscribe': '<https://lab.example/u>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
});

export function outboxContract(backend: ContractBackend): void {
  suite(`${backend.name}: Outbox`, () => {
    test('enqueueing the same dedupe key twice keeps the first message and its Message-ID', async () => {
      await withLab(backend, new Clock(), async ({ stores: { outbox } }) => {
        const a = await outbox.enqueue(email('k1'), '<a@lab.example>');
        const b = await outbox.enqueue({ ...email('k1'), subject: 'other' }, '<b@lab.example>');
        assert.equal(a.created, true);
        assert.equal(b.created, false);
        assert.equal(b.message.id, a.message.id);
        assert.equal(b.message.messageId, '<a@lab.example>');
        assert.equal(b.message.subject, 'subject k1');
        assert.deepEqual(Object.entries(b.message.headers), Object.entries(email('k1').headers), 'headers kept, in order');
      });
    });

    test('a leased message is not claimed twice; after its lease runs out another sender gets it, same Message-ID', async () => {
      const clock = new Clock();
      await withLab(backend, clock, async ({ stores: { outbox } }) => {
        await outbox.enqueue(email('k1'), '<a@lab.example>');
        const [first] = await outbox.claim('sender-A', 60_000, 10);
        assert.equal(first?.status, 'sending');
        assert.equal(first?.attempts, 1);
        assert.deepEqual(await outbox.claim('sender-B', 60_000, 10), [], 'leased to A');
        clock.advance(60_000);
        const [again] = await outbox.claim('sender-B', 60_000, 10);
        assert.equal(again?.id, first?.id);
        assert.equal(again?.messageId, '<a@lab.example>');
        assert.equal(again?.attempts, 2);
        assert.equal(await outbox.markSent(first!.id, 'sender-A'), false, 'A lost its lease');
        assert.equal(await outbox.markSent(first!.id, 'sender-B'), true);
        const sent = await outbox.getMessage(first!.id);
        assert.equal(sent?.status, 'sent');
        assert.equal(sent?.sentAt, clock.iso);
        clock.advance(10 * 60_000);
        assert.deepEqual(await outbox.claim('sender-C', 60_000, 10), [], 'a sent message is never claimed again');
      });
    });

    test('a failed attempt waits until its retry time; giving up leaves it dead', async () => {
      const clock = new Clock();
      await withLab(backend, clock, async ({ stores: { outbox } }) => {
        await outbox.enqueue(email('k1'), '<a@lab.example>');
        const [m] = await outbox.claim('s', 60_000, 1);
        await outbox.markFailed(m!.id, 's', 'connect ECONNREFUSED', new Date(clock.now().getTime() + 30_000));
        const waiting = await outbox.getMessage(m!.id);
        assert.equal(waiting?.status, 'pending');
        assert.equal(waiting?.lastError, 'connect ECONNREFUSED');
        assert.equal(waiting?.leaseOwner, null);
        clock.advance(29_999);
        assert.deepEqual(await outbox.claim('s', 60_000, 1), []);
        clock.advance(1);
        const [retry] = await outbox.claim('s', 60_000, 1);
        assert.equal(retry?.attempts, 2);
        await outbox.markFailed(retry!.id, 's', 'still down', null);
        assert.equal((await outbox.getMessage(m!.id))?.status, 'dead');
        assert.deepEqual((await outbox.listMessages({ status: 'dead' })).map((x) => x.id), [m!.id]);
      });
    });

    test('claims are served oldest first and limited', async () => {
      const clock = new Clock();
      await withLab(backend, clock, async ({ stores: { outbox } }) => {
        for (const k of ['k1', 'k2', 'k3']) {
          await outbox.enqueue(email(k), `<${k}@lab.example>`);
          clock.advance(1);
        }
        assert.deepEqual((await outbox.claim('s', 1000, 2)).map((m) => m.dedupeKey), ['k1', 'k2']);
        await assert.rejects(outbox.claim('s', 0, 1), /lease/);
      });
    });

    test('the schema refuses a Message-ID without angle brackets and a domain', async () => {
      await withLab(backend, new Clock(), async ({ stores: { outbox } }) => {
        await assert.rejects(outbox.enqueue(email('k1'), 'not-a-message-id'), /check constraint/i);
      });
    });

    test('two senders claiming at once from two openings of the database never share a message', async () => {
      const clock = new Clock();
      await withLab(backend, clock, async (lab) => {
        const other = (await lab.reopen(clock.now)).outbox;
        for (let i = 0; i < 30; i++) await lab.stores.outbox.enqueue(email(`k${i}`), `<k${i}@lab.example>`);
        const claimed: OutboxMessage[] = [];
        const sender = async (name: string, box = lab.stores.outbox) => {
          for (;;) {
            const got = await box.claim(name, 60_000, 4);
            if (got.length === 0) return;
            claimed.push(...got);
            for (const m of got) assert.equal(await box.markSent(m.id, name), true);
          }
        };
        await Promise.all([sender('a'), sender('b', other), sender('c'), sender('d', other)]);
        assert.equal(claimed.length, 30);
        assert.equal(new Set(claimed.map((m) => m.id)).size, 30, 'each message claimed once');
        assert.equal((await lab.stores.outbox.listMessages({ status: 'sent' })).length, 30);
      });
    });
  });
}
