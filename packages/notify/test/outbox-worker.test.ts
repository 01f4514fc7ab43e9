// The outbox worker against a real SMTP server: a crash between send and mark-sent resends the same
// Message-ID; SMTP down never blocks the lab and is retried with backoff; permanent refusals stop.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { outboxOn } from '@testlab/store-sqlite';
import { retryDelayMs } from '../src/index.js';
import { Clock, regressionReport } from './fixtures.js';
import { activeSubscriber, openLab, type Lab } from './helpers.js';
import { closedPort, startSmtpSink } from './smtp-sink.js';

const labs: Lab[] = [];
after(async () => {
  for (const l of labs) await l.close();
});
const backoff = { baseMs: 60_000, maxMs: 3600_000, maxAttempts: 4 };

test('backoff doubles from the base up to the cap', () => {
  assert.deepEqual([1, 2, 3, 7, 8].map((n) => retryDelayMs(n, backoff)), [60_000, 120_000, 240_000, 3600_000, 3600_000]);
});

test('SMTP down: the lab call returns at once, the worker retries with backoff, and sends once SMTP is back', async () => {
  const port = await closedPort();
  const lab = openLab(port, { backoff });
  labs.push(lab);
  const outbox = outboxOn(lab.store, lab.clock.now);
  await activeSubscriber(lab, { email: 'dev@example.org' });
  // runFinished touches only the database: with nothing listening on the SMTP port it still succeeds.
  assert.deepEqual(await lab.notify.notifier.runFinished(regressionReport()), { queued: 1, digested: 0 });
  assert.equal((await outbox.listMessages({ status: 'pending' })).length, 2, 'confirmation + regression email queued');

  assert.deepEqual(await lab.notify.worker.tick(), { sent: 0, retrying: 2, dead: 0 });
  const [first] = await outbox.listMessages();
  assert.equal(first?.status, 'pending');
  assert.equal(first?.attempts, 1);
  assert.match(first?.lastError ?? '', /ECONNREFUSED/);
  assert.equal(first?.nextAttemptAt, new Date(lab.clock.now().getTime() + 60_000).toISOString());
  assert.match(lab.log.join('\n'), /attempt 1 failed: .*ECONNREFUSED.*; retry at/);

  assert.deepEqual(await lab.notify.worker.tick(), { sent: 0, retrying: 0, dead: 0 }, 'not due yet');
  lab.clock.advance(60_000);
  assert.deepEqual(await lab.notify.worker.tick(), { sent: 0, retrying: 2, dead: 0 });
  const second = await outbox.getMessage(first!.id);
  assert.equal(second?.attempts, 2);
  assert.equal(second?.nextAttemptAt, new Date(lab.clock.now().getTime() + 120_000).toISOString(), 'the wait doubled');

  const sink = await startSmtpSink(port);
  try {
    lab.clock.advance(120_000);
    assert.deepEqual(await lab.notify.worker.tick(), { sent: 2, retrying: 0, dead: 0 });
    assert.deepEqual(sink.mails.map((m) => m.headers.get('message-id')).sort(), (await outbox.listMessages()).map((m) => m.messageId).sort());
  } finally {
    await sink.close();
  }
});

test('after the last allowed attempt a message is dead and left alone', async () => {
  const lab = openLab(await closedPort(), { backoff: { ...backoff, maxAttempts: 2 } });
  labs.push(lab);
  await lab.notify.subscriptions.subscribe({ email: 'dev@example.org' });
  assert.equal((await lab.notify.worker.tick()).retrying, 1);
  lab.clock.advance(60_000);
  assert.deepEqual(await lab.notify.worker.tick(), { sent: 0, retrying: 0, dead: 1 });
  lab.clock.advance(24 * 3600_000);
  assert.deepEqual(await lab.notify.worker.tick(), { sent: 0, retrying: 0, dead: 0 });
});

test('a recipient refused with 550 is dead at once; a relay refusing our credentials is retried', async () => {
  const sink = await startSmtpSink();
  try {
    sink.rejectRecipients.add('gone@example.org');
    const lab = openLab(sink.port, { backoff });
    labs.push(lab);
    await lab.notify.subscriptions.subscribe({ email: 'gone@example.org' });
    assert.deepEqual(await lab.notify.worker.tick(), { sent: 0, retrying: 0, dead: 1 });

    const wrongAuth = openLab(sink.port, { backoff, auth: { user: 'lab', pass: 'wrong' } });
    labs.push(wrongAuth);
    await wrongAuth.notify.subscriptions.subscribe({ email: 'dev@example.org' });
    assert.deepEqual(await wrongAuth.notify.worker.tick(), { sent: 0, retrying: 1, dead: 0 });
    assert.match(wrongAuth.log.join('\n'), /attempt 1 failed: .*535/);
    assert.equal(sink.mails.length, 0);
  } finally {
    await sink.close();
  }
});

test('a crash between SMTP accepting and mark-sent resends with the same Message-ID, never a new one', async () => {
  const sink = await startSmtpSink();
  const lab = openLab(sink.port, { clock: new Clock(new Date().toISOString()) });
  labs.push(lab);
  try {
    await lab.notify.subscriptions.subscribe({ email: 'dev@example.org' });
    const outbox = outboxOn(lab.store, lab.clock.now);
    const [queued] = await outbox.listMessages();

    const leaseMs = 60_000;
    const child = spawn(process.execPath, [fileURLToPath(new URL('./fixtures/send-then-die.js', import.meta.url)), lab.dbPath, String(sink.port), String(leaseMs)], {
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    assert.equal(signal, 'SIGKILL');
    assert.equal(sink.mails.length, 1, 'the dead process got the mail out');
    const orphan = await outbox.getMessage(queued!.id);
    assert.equal(orphan?.status, 'sending');
    assert.equal(orphan?.leaseOwner, 'doomed-process');

    assert.deepEqual(await lab.notify.worker.tick(), { sent: 0, retrying: 0, dead: 0 }, 'the lease still holds');
    // The child took its lease on the real clock, some time after this test's clock was set (a slow spawn on a
    // busy machine makes that seconds): move past the lease it recorded, not past a guess of it.
    lab.clock.advance(Date.parse(orphan!.leaseUntil!) - lab.clock.now().getTime() + 1000);
    assert.deepEqual(await lab.notify.worker.tick(), { sent: 1, retrying: 0, dead: 0 });
    assert.equal(sink.mails.length, 2, 'at least once: the documented window');
    const ids = sink.mails.map((m) => m.headers.get('message-id'));
    assert.deepEqual(ids, [queued!.messageId, queued!.messageId]);
    assert.equal((await outbox.getMessage(queued!.id))?.status, 'sent');
  } finally {
    await sink.close();
  }
});

test('start() runs a first pass at once in the background; stop() waits for it', async () => {
  const sink = await startSmtpSink();
  const lab = openLab(sink.port);
  labs.push(lab);
  try {
    await lab.notify.subscriptions.subscribe({ email: 'dev@example.org' });
    lab.notify.worker.start(3600_000);
    await lab.notify.worker.stop();
    assert.equal(sink.mails.length, 1);
    assert.equal((await outboxOn(lab.store).listMessages({ status: 'sent' })).length, 1);
  } finally {
    await sink.close();
  }
});
