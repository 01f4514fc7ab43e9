// The outbox (migration 4): idempotent enqueue, leases, reclaim after a dead sender, retry and give-up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore, outboxOn } from '../src/index.js';
import { Clock } from './helpers.js';

const email = (key: string) => ({
  dedupeKey: key,
  to: 'dev@example.org',
  subject: `subject ${key}`,
  text: 'text',
  html: '<p>html</p>',
  headers: { 'List-Unsubscribe': '<https://lab.example/u>' },
});

function fresh() {
  const clock = new Clock();
  const lab = openSqliteStore(':memory:', { now: clock.now });
  return { clock, lab, outbox: outboxOn(lab, clock.now) };
}

test('enqueueing the same dedupe key twice keeps the first message and its Message-ID', async () => {
  const { lab, outbox } = fresh();
  const a = await outbox.enqueue(email('k1'), '<a@lab.example>');
  const b = await outbox.enqueue({ ...email('k1'), subject: 'other' }, '<b@lab.example>');
  assert.equal(a.created, true);
  assert.equal(b.created, false);
  assert.equal(b.message.id, a.message.id);
  assert.equal(b.message.messageId, '<a@lab.example>');
  assert.equal(b.message.subject, 'subject k1');
  assert.deepEqual(b.message.headers, { 'List-Unsubscribe': '<https://lab.example/u>' });
  await lab.close();
});

test('a leased message is not claimed twice; after its lease runs out another sender gets it, same Message-ID', async () => {
  const { clock, lab, outbox } = fresh();
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
  await lab.close();
});

test('a failed attempt waits until its retry time; giving up leaves it dead', async () => {
  const { clock, lab, outbox } = fresh();
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
  await lab.close();
});

test('claims are served oldest first and limited', async () => {
  const { clock, lab, outbox } = fresh();
  for (const k of ['k1', 'k2', 'k3']) {
    await outbox.enqueue(email(k), `<${k}@lab.example>`);
    clock.advance(1);
  }
  assert.deepEqual((await outbox.claim('s', 1000, 2)).map((m) => m.dedupeKey), ['k1', 'k2']);
  await assert.rejects(outbox.claim('s', 0, 1), /lease/);
  await lab.close();
});

test('the schema refuses a Message-ID without angle brackets and a domain', async () => {
  const { lab, outbox } = fresh();
  await assert.rejects(outbox.enqueue(email('k1'), 'not-a-message-id'), /CHECK constraint/);
  await lab.close();
});
