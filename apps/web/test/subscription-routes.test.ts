// Subscribing over real HTTP (fastify listening on loopback) with real SQLite and a real SMTP server:
// CSRF on the form, rate limit, double opt-in through the emailed link, one-click unsubscribe, and
// signed links refused when tampered.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { parseKernelVersion } from '@testlab/core';
import { openSqliteStore, outboxOn, subscriptionStoreOn, type SqliteStore } from '@testlab/store-sqlite';
import { createNotifyService, labLinks, parseMailConfig, type NotifyService, type RunReport } from '@testlab/notify';
import { startSmtpSink, SINK_AUTH, type SmtpSink } from '@testlab/notify/test-smtp-sink';
import { subscriptionRoutes } from '../src/routes/subscriptions.js';

const TOKEN = 'api-token-for-tests-0123456789abcdef';
const SECRET = '5f0a9e1c7b3d24e86a1f0c9b7e3d5a2c4f6e8b0d1a3c5e7f9b2d4f6a8c0e1b3d';
const dir = mkdtempSync(path.join(tmpdir(), 'testlab-web-subs-'));
let sink: SmtpSink;
let store: SqliteStore;
let notify: NotifyService;
let app: FastifyInstance;
let base: string;

before(async () => {
  sink = await startSmtpSink();
  store = openSqliteStore(path.join(dir, 'lab.db'));
  notify = createNotifyService({
    config: parseMailConfig({
      smtp: { host: '127.0.0.1', port: sink.port, tls: 'none', auth: SINK_AUTH },
      from: 'testlab <lab@lab.example.org>',
      baseUrl: 'https://lab.example.org',
      secret: SECRET,
    }),
    subscriptions: subscriptionStoreOn(store),
    outbox: outboxOn(store),
    log: () => {},
  });
  app = Fastify();
  await app.register(subscriptionRoutes, { notify, apiToken: TOKEN, rateLimit: { max: 5, timeWindowMs: 3600_000 } });
  base = await app.listen({ host: '127.0.0.1', port: 0 });
});
after(async () => {
  await app.close();
  await store.close();
  await sink.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A link from an email, pointed at the server under test instead of the public base URL. */
const local = (link: string) => link.replace('https://lab.example.org', base);
const linkIn = (text: string, route: string) => {
  const m = new RegExp(`https://lab\\.example\\.org${route}\\?s=\\d+&e=\\d+&t=[\\w-]+`).exec(text);
  assert.ok(m, `no ${route} link in ${text}`);
  return local(m[0]);
};
const tamper = (url: string) => url.replace(/t=(.)/, (_, c: string) => `t=${c === 'A' ? 'B' : 'A'}`);

async function formSession(): Promise<{ cookie: string; csrf: string; html: string }> {
  const res = await fetch(`${base}/subscriptions/new`);
  assert.equal(res.status, 200);
  const html = await res.text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  assert.ok(csrf && cookie, 'the form carries a CSRF token and sets its cookie');
  return { cookie, csrf, html };
}

const post = (url: string, body: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(body).toString(), redirect: 'manual' });

test('the form refuses a post without its CSRF token, or with a token but no cookie', async () => {
  const { csrf } = await formSession();
  assert.equal((await post(`${base}/subscriptions`, { email: 'x@example.org' })).status, 403);
  assert.equal((await post(`${base}/subscriptions`, { email: 'x@example.org', _csrf: csrf })).status, 403);
  assert.equal(await subscriptionStoreOn(store).countCreatedSince('x@example.org', '1970-01-01T00:00:00.000Z'), 0, 'nothing recorded');
});

test('subscribe from the form, confirm through the emailed link (GET asks, POST confirms), unsubscribe with one click', async () => {
  const { cookie, csrf } = await formSession();
  const res = await post(`${base}/subscriptions`, { _csrf: csrf, email: 'web@example.org', streams: 'stable-6.1', testsets: '', casePrefix: '', scope: 'regressions', cadence: 'immediate' }, { cookie });
  assert.equal(res.status, 200);
  assert.match(await res.text(), /Check your mailbox/);

  sink.mails.length = 0;
  assert.equal((await notify.worker.tick()).sent, 1);
  const confirmation = sink.mails[0]!;
  assert.deepEqual(confirmation.rcpt, ['web@example.org']);
  const confirmUrl = linkIn(confirmation.text, '/subscriptions/confirm');

  assert.equal((await fetch(tamper(confirmUrl), { method: 'POST' })).status, 403, 'tampered confirmation');
  const ask = await fetch(confirmUrl);
  assert.equal(ask.status, 200);
  const asked = await ask.text();
  assert.match(asked, /<form method="post"/);
  assert.match(asked, /Confirm the subscription to regressions of stable-6\.1 kernels/);
  assert.doesNotMatch(asked, /web@example\.org/, 'whoever holds the link does not learn the address from a GET');
  const id = Number(new URL(confirmUrl).searchParams.get('s'));
  assert.equal((await subscriptionStoreOn(store).getSubscription(id))?.status, 'pending', 'a GET changes nothing');
  const confirmed = await fetch(confirmUrl, { method: 'POST' });
  assert.equal(confirmed.status, 200);
  const confirmedPage = await confirmed.text();
  assert.match(confirmedPage, /Subscribed: regressions of stable-6\.1 kernels/);
  assert.doesNotMatch(confirmedPage, /web@example\.org/);

  const report: RunReport = {
    runId: 7, kernelVersion: parseKernelVersion('6.1.192'), testset: 'phase2-host', nut: 'qemu', status: 'done', finishedAt: '2025-01-07T03:00:00.000Z',
    baseline: { runId: 6, kernelVersion: '6.1.191' },
    regressions: [{ caseId: 'v6LC.1.1.1', title: 'Hop limit', expected: 'PASS', seen: 'FAIL', reason: 'no reply', pcapCount: 1 }],
    counts: { PASS: 0, FAIL: 1, WARN: 0, NA: 0, ERROR: 0 }, caseIds: ['v6LC.1.1.1'],
  };
  sink.mails.length = 0;
  await notify.notifier.runFinished(report);
  await notify.worker.tick();
  const regression = sink.mails[0]!;
  const header = regression.headers.get('list-unsubscribe') ?? '';
  const oneClick = local(/^<(.+)>$/.exec(header)?.[1] ?? '');
  assert.equal(regression.headers.get('list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
  const unsubscribePage = await (await fetch(oneClick)).text();
  assert.match(unsubscribePage, /Stop the emails about regressions of stable-6\.1 kernels/);
  assert.doesNotMatch(unsubscribePage, /web@example\.org/);

  // RFC 8058: the mail provider POSTs this body to the header's URL, without cookies or CSRF token.
  assert.equal((await post(tamper(oneClick), { 'List-Unsubscribe': 'One-Click' })).status, 403);
  assert.equal((await subscriptionStoreOn(store).getSubscription(id))?.status, 'active', 'a tampered link changes nothing');
  const done = await post(oneClick, { 'List-Unsubscribe': 'One-Click' });
  assert.equal(done.status, 200);
  assert.equal((await subscriptionStoreOn(store).getSubscription(id))?.status, 'unsubscribed');
  assert.equal((await fetch(confirmUrl, { method: 'POST' })).status, 410, 'an old confirmation link cannot resubscribe');
});

test('a link past its expiry is refused with 410, saying it expired; a link with an extended expiry is refused as forged', async () => {
  const { subscription } = await notify.subscriptions.subscribe({ email: 'late@example.org' });
  const eightDaysAgo = () => new Date(Date.now() - 8 * 86_400_000);
  const old = local(labLinks('https://lab.example.org', SECRET, eightDaysAgo).confirm(subscription.id));
  for (const method of ['GET', 'POST']) {
    const res = await fetch(old, { method });
    assert.equal(res.status, 410, method);
    const html = await res.text();
    assert.match(html, /This link has expired \(confirmation links work for 7 days/);
    assert.doesNotMatch(html, /late@example\.org/);
  }
  const extended = old.replace(/e=(\d+)/, (_, e: string) => `e=${Number(e) + 30 * 86_400}`);
  assert.equal((await fetch(extended, { method: 'POST' })).status, 403);
  assert.equal((await subscriptionStoreOn(store).getSubscription(subscription.id))?.status, 'pending');
});

test('a refused form shows what was wrong, with every value escaped', async () => {
  const { cookie, csrf } = await formSession();
  const res = await post(`${base}/subscriptions`, { _csrf: csrf, email: '<script>alert(1)</script>', streams: 'lts' }, { cookie });
  assert.equal(res.status, 400);
  const html = await res.text();
  assert.match(html, /email: must be an email address/);
  assert.match(html, /value="&lt;script&gt;alert\(1\)&lt;\/script&gt;"/);
  assert.doesNotMatch(html, /<script>/);
});

test('the API subscribes with the lab token only', async () => {
  const body = JSON.stringify({ email: 'cli@example.org', streams: ['mainline'], cadence: 'daily' });
  const json = { 'content-type': 'application/json' };
  assert.equal((await fetch(`${base}/api/subscriptions`, { method: 'POST', headers: json, body })).status, 401);
  assert.equal((await fetch(`${base}/api/subscriptions`, { method: 'POST', headers: { ...json, authorization: 'Bearer wrong' }, body })).status, 401);
  const res = await fetch(`${base}/api/subscriptions`, { method: 'POST', headers: { ...json, authorization: `Bearer ${TOKEN}` }, body });
  assert.equal(res.status, 201);
  const created = (await res.json()) as { id: number };
  assert.deepEqual(created, { id: created.id, email: 'cli@example.org', status: 'pending', filter: 'regressions of mainline kernels on any test set, as a daily digest' });
  assert.equal((await subscriptionStoreOn(store).getSubscription(created.id))?.cadence, 'daily');
  const bad = await fetch(`${base}/api/subscriptions`, { method: 'POST', headers: { ...json, authorization: `Bearer ${TOKEN}` }, body: '{"email":"nope"}' });
  assert.equal(bad.status, 400);
  assert.deepEqual(((await bad.json()) as { problems: string[] }).problems, ['email: must be an email address']);
});

test('the form is rate-limited per client', async () => {
  // This file's earlier tests used some of the 5 allowed posts; keep posting until refused.
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) {
    const { cookie, csrf } = await formSession();
    statuses.push((await post(`${base}/subscriptions`, { _csrf: csrf, email: 'bad' }, { cookie })).status);
  }
  assert.ok(statuses.includes(429), `expected a 429 among ${statuses.join(',')}`);
  assert.equal(statuses.at(-1), 429);
});
