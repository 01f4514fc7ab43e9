// The emails as a real SMTP server receives them: confirmation (double opt-in), regression email (text
// and HTML), list headers, signed links that work and refuse tampering, daily digests.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { outboxOn } from '@testlab/store-sqlite';
import { regressionReport } from './fixtures.js';
import { activeSubscriber, linkParams, openLab, type Lab } from './helpers.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

let sink: SmtpSink;
let lab: Lab;
before(async () => {
  sink = await startSmtpSink();
});
after(async () => {
  await sink.close();
});
beforeEach(async () => {
  sink.mails.length = 0;
  await lab?.close();
  lab = openLab(sink.port);
});
after(async () => {
  await lab?.close();
});

test('subscribing queues a confirmation email; its link activates the subscription, a tampered one is refused', async () => {
  const { subscription: sub, confirmationQueued } = await lab.notify.subscriptions.subscribe({ email: 'Dev@Example.org', streams: 'stable', testsets: 'phase2-host' });
  assert.equal(sub.status, 'pending');
  assert.equal(confirmationQueued, true);
  assert.equal(sink.mails.length, 0, 'subscribe only queues; the worker sends');
  assert.deepEqual(await lab.notify.worker.tick(), { sent: 1, retrying: 0, dead: 0 });

  assert.equal(sink.mails.length, 1);
  const mail = sink.mails[0]!;
  assert.deepEqual(mail.rcpt, ['dev@example.org']);
  assert.equal(mail.headers.get('subject'), 'Confirm your testlab subscription');
  assert.equal(mail.headers.get('from'), 'testlab <lab@lab.example.org>');
  const [queued] = await outboxOn(lab.store).listMessages();
  assert.equal(mail.headers.get('message-id'), queued?.messageId, 'sent with the Message-ID the outbox recorded');
  assert.match(mail.text, /regressions of stable kernels on phase2-host, at once/);
  const { s, e, t } = linkParams(mail.text, '/subscriptions/confirm');
  assert.equal(linkParams(mail.html, '/subscriptions/confirm').t, t, 'the HTML part carries the same link');
  assert.match(mail.headers.get('list-unsubscribe') ?? '', /^<https:\/\/lab\.example\.org\/subscriptions\/unsubscribe\?s=\d+&e=\d+&t=[\w-]{43}>$/);
  assert.equal(mail.headers.get('list-unsubscribe-post'), 'List-Unsubscribe=One-Click');

  const tampered = `${t.slice(0, 10)}${t[10] === 'x' ? 'y' : 'x'}${t.slice(11)}`;
  assert.deepEqual(await lab.notify.subscriptions.confirm({ s, e, t: tampered }), { ok: false, reason: 'invalid-link' });
  assert.deepEqual(await lab.notify.subscriptions.confirm({ s: String(Number(s) + 1), e, t }), { ok: false, reason: 'invalid-link' });
  const looked = await lab.notify.subscriptions.lookup('confirm', { s, e, t });
  assert.equal(looked.ok && looked.subscription.status, 'pending', 'looking a link up changes nothing');

  const confirmed = await lab.notify.subscriptions.confirm({ s, e, t });
  assert.ok(confirmed.ok);
  assert.equal(confirmed.subscription.status, 'active');
});

test('no email reaches an address that never confirmed', async () => {
  await lab.notify.subscriptions.subscribe({ email: 'unconfirmed@example.org' });
  assert.deepEqual(await lab.notify.notifier.runFinished(regressionReport()), { queued: 0, digested: 0 });
});

test('a regression email: kernel, baseline, expected vs seen, links; text and escaped HTML; its unsubscribe link works once signed', async () => {
  const sub = await activeSubscriber(lab, { email: 'dev@example.org', streams: ['6.1'], casePrefix: 'v6LC.2.' });
  await lab.notify.worker.tick();
  sink.mails.length = 0;

  const report = regressionReport();
  assert.deepEqual(await lab.notify.notifier.runFinished(report), { queued: 1, digested: 0 });
  assert.deepEqual(await lab.notify.notifier.runFinished(report), { queued: 1, digested: 0 }, 'asked twice');
  assert.equal((await lab.notify.worker.tick()).sent, 1, 'the same run is one email, however often it is reported');
  assert.equal(sink.mails.length, 1);
  const mail = sink.mails[0]!;

  assert.equal(mail.headers.get('subject'), '[testlab] REGRESSION 6.1.192 phase2-host: 1 case (v6LC.2.1.5)');
  assert.match(mail.headers.get('message-id') ?? '', /^<[0-9a-f-]{36}@lab\.example\.org>$/);
  const text = mail.text;
  assert.match(text, /Kernel 6\.1\.192 regressed on test set phase2-host \(qemu-x86_64\): 1 case\(s\) worse than baseline 6\.1\.191 \(run 40\)/);
  assert.match(text, /Run 42 \(done\): https:\/\/lab\.example\.org\/runs\/42\n/);
  assert.match(text, /\* v6LC\.2\.1\.5 Neighbor Solicitation processing\n {2}expected PASS, seen FAIL, fail:runs 3\/3\n {2}expected NA with <Override> flag set/);
  assert.match(text, /log: {2}https:\/\/lab\.example\.org\/runs\/42\/cases\/v6LC\.2\.1\.5\/log\n/);
  assert.match(text, /pcap: https:\/\/lab\.example\.org\/runs\/42\/cases\/v6LC\.2\.1\.5\/pcaps\/1\n/);

  const html = mail.html;
  assert.match(html, /<td>PASS<\/td>\s*<td>FAIL<\/td>\s*<td>3\/3<\/td>/, 'fail:runs: it failed every attempt');
  assert.match(html, /expected NA with &lt;Override&gt; flag set/, 'values are escaped in HTML');
  assert.doesNotMatch(html, /<Override>/);
  assert.match(html, /<a href="https:\/\/lab\.example\.org\/runs\/40">run 40<\/a>/);
  assert.match(html, /pcap&nbsp;1/);

  const { s, e, t } = linkParams(text, '/subscriptions/unsubscribe');
  assert.equal(`<${linkParams(text, '/subscriptions/unsubscribe').url.href}>`, mail.headers.get('list-unsubscribe'));
  assert.equal(Number(s), sub.id);
  assert.deepEqual(await lab.notify.subscriptions.unsubscribe({ s, e, t: t.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) }), { ok: false, reason: 'invalid-link' });
  assert.equal((await lab.notify.subscriptions.unsubscribe({ s, e, t })).ok, true);
  assert.deepEqual(await lab.notify.notifier.runFinished(regressionReport({ runId: 43 })), { queued: 0, digested: 0 }, 'unsubscribed');
});

test('every-run subscribers hear about a clean run; regression-only subscribers do not', async () => {
  await activeSubscriber(lab, { email: 'every@example.org', scope: 'every-run' });
  await activeSubscriber(lab, { email: 'regressions@example.org' });
  await lab.notify.worker.tick();
  sink.mails.length = 0;
  assert.deepEqual(await lab.notify.notifier.runFinished(regressionReport({ regressions: [] })), { queued: 1, digested: 0 });
  await lab.notify.worker.tick();
  assert.deepEqual(sink.mails.map((m) => [m.rcpt[0], m.headers.get('subject')]), [['every@example.org', '[testlab] 6.1.192 phase2-host: no regression']]);
});

test('a daily digest collects the day\'s runs into one email the next day', async () => {
  await activeSubscriber(lab, { email: 'daily@example.org', cadence: 'daily' });
  await lab.notify.worker.tick();
  sink.mails.length = 0;
  assert.deepEqual(await lab.notify.notifier.runFinished(regressionReport({ runId: 50 })), { queued: 0, digested: 1 });
  assert.deepEqual(await lab.notify.notifier.runFinished(regressionReport({ runId: 51, regressions: [] })), { queued: 0, digested: 0 }, 'regressions only');
  assert.deepEqual(await lab.notify.notifier.runFinished(regressionReport({ runId: 52 })), { queued: 0, digested: 1 });
  assert.equal(await lab.notify.notifier.flushDigests(), 0, 'the day is not over');

  lab.clock.advance(24 * 3600_000);
  assert.equal(await lab.notify.notifier.flushDigests(), 1);
  assert.equal(await lab.notify.notifier.flushDigests(), 0, 'flushed once');
  await lab.notify.worker.tick();
  assert.equal(sink.mails.length, 1);
  const mail = sink.mails[0]!;
  assert.equal(mail.headers.get('subject'), '[testlab] digest 2025-01-07: 2 runs, 2 with regressions');
  assert.match(mail.text, /Run 50: kernel 6\.1\.192, phase2-host on qemu-x86_64: 1 regression\(s\)/);
  assert.match(mail.text, /- v6LC\.2\.1\.5: expected PASS, seen FAIL, fail:runs 3\/3 \(/, 'the digest keeps fail:runs');
  assert.match(mail.text, /Run 52: /);
  assert.ok(mail.headers.get('list-unsubscribe'));
});

test('one address gets at most 3 confirmation emails a day, however many subscriptions are asked for it', async () => {
  const queued: boolean[] = [];
  for (let i = 0; i < 5; i++) queued.push((await lab.notify.subscriptions.subscribe({ email: 'target@example.org', testsets: `set-${i}` })).confirmationQueued);
  assert.deepEqual(queued, [true, true, true, false, false]);
  assert.equal((await lab.notify.worker.tick()).sent, 3);
  lab.clock.advance(24 * 3600_000 + 1);
  assert.equal((await lab.notify.subscriptions.subscribe({ email: 'target@example.org' })).confirmationQueued, true, 'a day later');
});
