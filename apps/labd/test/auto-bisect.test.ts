// labd bisecting by itself, on the real SQLite store, queue, diffs, pipeline, worker and outbox (git, the
// builder, the engine and the NUT are stand-ins: no kernel tree, no QEMU): a snapshot that regressed against the
// previous snapshot of the same tree gets its range bisected on a NUT of its kind, the culprit is proved, and
// the subscribers of the set hear of it once through a real SMTP server; runs that should not be bisected are not.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { stringify } from 'yaml';
import type { LabStores, TestSet } from '@testlab/core';
import { parseLabConfig } from '@testlab/lab-config';
import { parseMailConfig } from '@testlab/notify';
import { startSmtpSink, SINK_AUTH, type SmtpSink } from '@testlab/notify/test-smtp-sink';
import { LabWorker } from '@testlab/scheduler';
import { openSqliteStores } from '@testlab/store-sqlite';
import { labBisectJob } from '../src/lab-bisect.js';
import { startResultsService, type ResultsService } from '../src/results-service.js';
import { CASE, commits, fakeBuilder, fakeGit, fakeNutDriver, gitRun, phase2HostFake, preparer, TREE } from './bisect-fakes.js';
import { repoRoot } from './lab-fixture.js';

const dir = mkdtempSync(path.join(tmpdir(), 'testlab-labd-bisect-'));
let smtp: SmtpSink;
before(async () => {
  smtp = await startSmtpSink();
});
after(async () => {
  await smtp.close();
  rmSync(dir, { recursive: true, force: true });
});

const set: TestSet = phase2HostFake;
const config = parseLabConfig(stringify({
  home: path.join(dir, 'home'), cache: path.join(dir, 'cache'), nutImage: '/k/initramfs.gz',
  testsets: { dir: path.join(repoRoot, 'testsets'), run: ['phase2-host'] },
  profiles: { qemu: { baseConfig: 'tinyconfig', labFragment: path.join(repoRoot, 'infra/kernel/qemu-nut.config') } },
  nuts: [{ name: 'vm-1', driver: 'qemu', profile: 'qemu', modes: ['host'], knownGood: { bzImage: '/k/bzImage', kernelRelease: '6.1.0' } }],
  bisect: { enabled: true, confirmRuns: 2, maxSteps: 10 },
}), 'labd.yaml');
const settings = { testsets: ['phase2-host'], confirmRuns: 2, maxSteps: 10 };
const snapshot = (i: number) => `v6.13-rc1-${10 + i}-g${commits[i]!.slice(0, 12)}`;

async function lab(o: { bisect?: boolean } = {}) {
  const home = mkdtempSync(path.join(dir, 'lab-'));
  const stores: LabStores = await openSqliteStores(path.join(home, 'lab.db'));
  const mail = parseMailConfig({ smtp: { host: '127.0.0.1', port: smtp.port, tls: 'none', auth: SINK_AUTH }, from: 'testlab <lab@lab.example.org>', baseUrl: 'https://lab.example.org/', secret: 'def2f66b1aa0fdda2402d5a7f34cf80e63a1d6fceb463c0d31f24376e3b153b8' });
  const results = startResultsService({
    config, mail, results: stores.results, subscriptions: stores.subscriptions, outbox: stores.outbox, bisections: stores.bisections,
    ...(o.bisect === false ? {} : { bisect: { queue: stores.queue, settings } }), log: pino({ level: 'silent' }), outboxIntervalMs: 50,
  });
  const sub = await stores.subscriptions.createSubscription({ email: `dev-${path.basename(home)}@example.org`, streams: [], testsets: ['phase2-host'], casePrefix: '', scope: 'regressions', cadence: 'immediate' });
  await stores.subscriptions.confirmSubscription(sub.id);
  return { home, stores, results, email: sub.email, close: async () => { await results.stop(); await stores.close(); } };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('a snapshot that regressed against the previous snapshot of its tree is bisected on a NUT of its kind, the culprit proved and mailed once', async () => {
  const l = await lab();
  const events: string[] = [];
  const good = await gitRun(l.stores.store, set, snapshot(0), commits[0]!);
  await l.results.runFinished(good, undefined, { profile: 'qemu', mode: 'host' });
  const bad = await gitRun(l.stores.store, set, snapshot(8), commits[8]!);
  await l.results.runFinished(bad, undefined, { profile: 'qemu', mode: 'host' });
  await l.results.runFinished(bad, undefined, { profile: 'qemu', mode: 'host' }); // a second look (a resumed run job) adds nothing

  const [bisection, ...more] = await l.stores.bisections.list();
  assert.equal(more.length, 0);
  assert.deepEqual(
    [bisection!.tree, bisection!.good, bisection!.bad, bisection!.testset, bisection!.profile, bisection!.cases, bisection!.confirmRuns, bisection!.maxSteps, bisection!.requestedBy],
    [TREE, { commit: commits[0], runId: good }, { commit: commits[8], runId: bad }, 'phase2-host', 'qemu', [CASE], 2, 10, 'auto'],
  );
  const jobs = await l.stores.queue.list();
  assert.deepEqual(jobs.map((j) => [j.kind, j.key, j.priority, j.requires, j.kind === 'bisect' && j.payload.bisectionId]), [['bisect', `bisect:${bisection!.id}`, 3, { profile: 'qemu', mode: 'host' }, bisection!.id]]);

  const nut = fakeNutDriver(events);
  let restores = 0;
  const worker = new LabWorker({
    queue: l.stores.queue, store: l.stores.store, owner: 'labd-test', log: { info() {}, warn() {}, error() {} },
    pool: [{ name: 'vm-1', profile: 'qemu', modes: ['host'], driver: nut, restoreKnownGood: async () => (restores++, { release: '6.1.0', ms: 1 }) }],
    build: async () => assert.fail('no build job'), runTestSet: async () => assert.fail('no run job'),
    runBisect: labBisectJob({
      store: l.stores.store, bisections: l.stores.bisections, testsets: new Map([[set.name, set]]), builder: fakeBuilder(l.home, events),
      profileOf: () => ({ name: 'qemu', baseConfig: 'tinyconfig', labFragment: { origin: 'lab', text: '' } }), preparerFor: () => preparer(),
      artifactsRoot: path.join(l.home, 'runs'), bootDeadlineMs: 60_000, git: fakeGit(events),
    }),
    onBisectSettled: (job, settled) => (settled.status === 'done' ? l.results.bisectionEnded(job.payload.bisectionId) : undefined),
    leaseMs: 60_000, retryBackoffMs: 1, idlePollMs: 50, watchdog: { caseDeadlineMs: 30_000, pollMs: 20 },
  });
  await worker.start();
  await worker.idle();
  await worker.stop(1_000);

  const end = (await l.stores.bisections.get(bisection!.id))!;
  assert.equal(end.status, 'found', end.reason ?? '');
  assert.deepEqual(end.culprit, { commit: commits[5], subject: 'net: change 5', author: 'A U Thor <author@example.org>' });
  assert.equal((await l.stores.queue.byKey(`bisect:${bisection!.id}`))?.status, 'done');
  assert.equal(restores, 2, 'known-good at start and after the bisection');
  const steps = await l.stores.bisections.steps(bisection!.id);
  for (const step of steps) assert.equal((await l.stores.store.getRun(step.runId!))?.testset, 'bisect-phase2-host');
  assert.ok(events.includes('revert c5 on c8'));

  const mail = await until('the bisection email', async () => smtp.mails.find((m) => m.rcpt.includes(l.email) && /BISECTED/.test(m.headers.get('subject') ?? '')));
  assert.equal(mail.headers.get('subject'), `[testlab] BISECTED phase2-host: ${commits[5]!.slice(0, 12)} net: change 5`);
  assert.match(mail.text, new RegExp(`Bisected: ${commits[5]} made 1 case\\(s\\)`));
  await l.results.bisectionEnded(bisection!.id);
  await l.results.notifyRecorded();
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(smtp.mails.filter((m) => m.rcpt.includes(l.email) && /BISECTED/.test(m.headers.get('subject') ?? '')).length, 1, 'deduplicated like the other emails');
  await l.close();
});

test('a range that is not one (a rebased tree) ends the bisection as the lab\'s, running no step and mailing nobody', async () => {
  const l = await lab();
  const events: string[] = [];
  const { bisection } = await l.stores.bisections.create({
    tree: TREE, good: { commit: commits[0]!, runId: null }, bad: { commit: commits[8]!, runId: null }, testset: 'phase2-host', profile: 'qemu', cases: [CASE], confirmRuns: 2, maxSteps: 10, requestedBy: 'auto',
  });
  const run = labBisectJob({
    store: l.stores.store, bisections: l.stores.bisections, testsets: new Map([[set.name, set]]), builder: fakeBuilder(l.home, events),
    profileOf: () => assert.fail('nothing is built'), preparerFor: () => preparer(), artifactsRoot: path.join(l.home, 'runs'), bootDeadlineMs: 60_000, git: fakeGit(events, { rebased: true }),
  });
  const end = await run({ payload: { bisectionId: bisection.id }, nutDriver: fakeNutDriver(events), watch: () => assert.fail('no step'), progress: { step() {}, fraction() {} } });
  assert.equal(end.status, 'failed');
  assert.match(end.reason ?? '', /is not an ancestor of .* the tree was rebased, there is no range to bisect/);
  assert.deepEqual(events, []);
  await l.results.bisectionEnded(bisection.id);
  assert.equal((await l.stores.outbox.listMessages()).filter((m) => m.dedupeKey.startsWith('bisection:')).length, 0);
  await l.close();
});

test('not bisected: bisecting off, a set not bisected', async () => {
  const off = await lab({ bisect: false });
  await off.results.runFinished(await gitRun(off.stores.store, set, snapshot(0), commits[0]!), undefined, { profile: 'qemu', mode: 'host' });
  await off.results.runFinished(await gitRun(off.stores.store, set, snapshot(8), commits[8]!), undefined, { profile: 'qemu', mode: 'host' });
  assert.deepEqual([await off.stores.bisections.list(), await off.stores.queue.list()], [[], []]);
  await off.close();

  const other = await lab();
  const routerSet = { ...set, name: 'phase2-router', mode: 'router' as const };
  await other.results.runFinished(await gitRun(other.stores.store, routerSet, snapshot(0), commits[0]!), undefined, { profile: 'qemu', mode: 'router' });
  await other.results.runFinished(await gitRun(other.stores.store, routerSet, snapshot(8), commits[8]!), undefined, { profile: 'qemu', mode: 'router' });
  assert.deepEqual(await other.stores.bisections.list(), [], 'phase2-router is not among the bisected sets');
  await other.close();
});
