// Subscription links an attacker could forge or replay: a secret anyone can read in the example config,
// a low-entropy secret, a link that never expires, an expiry edited to last longer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { labLinks, parseMailConfig } from '../src/index.js';
import { Clock, SECRET } from './fixtures.js';
import { linkParams, openLab, type Lab } from './helpers.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

const config = (secret: string) => ({ smtp: { host: 'mx.example.org', port: 587 }, from: 'lab@x.org', baseUrl: 'https://x.org', secret });
const DAY = 86_400_000;

test("the example config's placeholder secret is refused, so nobody can sign links with it", () => {
  // What infra/labd/labd.example.yaml shipped: with it anyone could confirm or unsubscribe anyone.
  const placeholder = 'replace-with-64-random-characters-e.g.-openssl-rand-hex-32-xxxxxx';
  assert.throws(() => parseMailConfig(config(placeholder)), /secret: looks like a placeholder/);
  assert.throws(() => parseMailConfig(config('change-me-change-me-change-me-change-me-1234')), /secret: looks like a placeholder/);
});

test('secrets with little randomness are refused, generated ones accepted', () => {
  for (const weak of ['a'.repeat(64), '0123456789abcdef'.repeat(2), 'ab'.repeat(32), 'qwertyuiopqwertyuiopqwertyuiopqw']) {
    assert.throws(() => parseMailConfig(config(weak)), /secret: (has a run|too little randomness|repeats)/, weak);
  }
  assert.throws(() => parseMailConfig(config('short')), /secret: must be at least 32 characters/);
  for (let i = 0; i < 50; i++) {
    parseMailConfig(config(randomBytes(32).toString('hex')));
    parseMailConfig(config(randomBytes(32).toString('base64url')));
  }
});

let sink: SmtpSink;
let lab: Lab;
before(async () => {
  sink = await startSmtpSink();
});
after(async () => {
  await lab?.close();
  await sink.close();
});

test('confirm links expire after 7 days and unsubscribe links after 60; an edited expiry or an old-format link is refused', async () => {
  const clock = new Clock('2026-01-01T00:00:00.000Z');
  lab = openLab(sink.port, { clock });
  const { subscription } = await lab.notify.subscriptions.subscribe({ email: 'dev@example.org' });
  await lab.notify.worker.tick();
  const confirm = linkParams(sink.mails.at(-1)!.text, '/subscriptions/confirm');
  const unsubscribe = linkParams(sink.mails.at(-1)!.text, '/subscriptions/unsubscribe');
  assert.equal(Number(confirm.e), Date.parse('2026-01-08T00:00:00.000Z') / 1000);

  clock.advance(7 * DAY + 1000);
  assert.deepEqual(await lab.notify.subscriptions.lookup('confirm', confirm), { ok: false, reason: 'expired' });
  assert.deepEqual(await lab.notify.subscriptions.confirm(confirm), { ok: false, reason: 'expired' });
  const later = { ...confirm, e: String(Number(confirm.e) + 30 * 86_400) };
  assert.deepEqual(await lab.notify.subscriptions.confirm(later), { ok: false, reason: 'invalid-link' }, 'the expiry is signed');
  // The link format before expiry existed: HMAC of purpose and id only.
  const v1 = createHmac('sha256', SECRET).update(`testlab/confirm/v1/${subscription.id}`).digest('base64url');
  assert.deepEqual(await lab.notify.subscriptions.confirm({ s: confirm.s, t: v1 }), { ok: false, reason: 'invalid-link' });
  assert.equal((await lab.store.database.prepare('SELECT status FROM subscriptions WHERE id = ?').get(subscription.id) as { status: string }).status, 'pending');

  clock.advance(52 * DAY);
  assert.equal((await lab.notify.subscriptions.lookup('unsubscribe', unsubscribe)).ok, true, 'day 59: still valid');
  clock.advance(2 * DAY);
  assert.deepEqual(await lab.notify.subscriptions.unsubscribe(unsubscribe), { ok: false, reason: 'expired' });
});

test("a link signed with another lab's secret, or for another subscription, is refused", async () => {
  const other = labLinks('https://lab.example.org', randomBytes(32).toString('hex'));
  const { subscription } = await lab.notify.subscriptions.subscribe({ email: 'other@example.org' });
  const forged = Object.fromEntries(new URL(other.unsubscribe(subscription.id)).searchParams);
  assert.deepEqual(await lab.notify.subscriptions.unsubscribe(forged), { ok: false, reason: 'invalid-link' });
  const own = Object.fromEntries(new URL(lab.notify.links.unsubscribe(subscription.id)).searchParams);
  assert.deepEqual(await lab.notify.subscriptions.unsubscribe({ ...own, s: String(subscription.id - 1) }), { ok: false, reason: 'invalid-link' });
});
