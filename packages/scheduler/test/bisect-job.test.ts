// Bisect jobs on the worker, with the real SQLite queue and fake NUTs: a NUT of the bisection's kind holds
// the job for the whole bisection and is restored after it; a host that does not build takes none; the lab's
// failure is retried (the bisection resumes from its steps); a hang during a step powers the NUT off and the
// NUT is restored; a job whose worker died is taken back and its bisection called again.
import { spawnSync } from 'node:child_process';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JOB_PRIORITY, type BisectJob, type JobSpec } from '@testlab/core';
import { openSqliteJobQueue, openSqliteStore } from '@testlab/store-sqlite';
import { LabWorker, workerId, type BisectSettlement, type RunBisectJob } from '../src/index.js';
import { FakeNut, fakeRunTestSet, quietLog } from './fakes.js';

const dir = mkdtempSync(join(tmpdir(), 'testlab-bisect-job-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const bisectJob = (bisectionId: number, mode: 'host' | 'router' = 'host', profile = 'qemu'): JobSpec => ({
  kind: 'bisect', key: `bisect:${bisectionId}`, priority: JOB_PRIORITY.bisect, payload: { bisectionId }, group: `bisect:${bisectionId}`,
  requires: { profile, mode }, maxAttempts: 3,
});

async function lab(nuts: FakeNut[], runBisect: RunBisectJob, options: { builds?: boolean; owner?: string; localHost?: string } = {}) {
  const file = join(dir, `lab${++n}.db`);
  const queue = openSqliteJobQueue(file);
  const store = openSqliteStore(file);
  const settled: Array<[BisectJob, BisectSettlement]> = [];
  const make = () => new LabWorker({
    queue, store, pool: nuts.map((x) => x.pool()), owner: options.owner ?? `test:${n}`, log: quietLog,
    build: async (payload) => ({ kernelRelease: payload.version.text }),
    runTestSet: fakeRunTestSet(store, join(dir, `runs${n}`), []),
    runBisect, onBisectSettled: (job, s) => void settled.push([job, s]),
    leaseMs: 60_000, retryBackoffMs: 1, idlePollMs: 50, watchdog: { caseDeadlineMs: 200, pollMs: 20 },
    ...(options.builds !== undefined ? { builds: options.builds } : {}),
    ...(options.localHost ? { localHost: options.localHost } : {}),
  });
  const worker = make();
  return { queue, store, worker, settled, close: async () => { await worker.stop(5_000); await queue.close(); await store.close(); } };
}

test('a NUT of the bisection\'s kind holds the job for the whole bisection, is given to the bisection, and is restored after it', async () => {
  const a = new FakeNut('vm-a', ['host']);
  const calls: string[] = [];
  const l = await lab([a], async ({ payload, nutDriver, progress }) => {
    progress.step('step 1: testing c04');
    calls.push(`bisection ${payload.bisectionId} on ${nutDriver.kind}`);
    a.events.push('bisecting');
    return { status: 'found', reason: 'culprit c05' };
  });
  await l.queue.enqueue(bisectJob(7));
  await l.queue.enqueue(bisectJob(8, 'router'));
  await l.worker.start();
  await l.worker.idle();
  assert.deepEqual(calls, ['bisection 7 on fake'], 'the router bisection waits for a NUT offering router');
  const done = await l.queue.byKey('bisect:7');
  assert.deepEqual([done?.status, done?.result, done?.nut], ['done', { bisectionId: 7, status: 'found' }, 'vm-a']);
  assert.equal((await l.queue.byKey('bisect:8'))?.status, 'queued');
  assert.deepEqual(a.events, ['restore', 'bisecting', 'restore'], 'known-good at start, and again after the bisection\'s kernels');
  assert.deepEqual(l.settled.map(([job, s]) => [job.payload.bisectionId, s.status, s.end?.status]), [[7, 'done', 'found']]);
  await l.close();
});

test('a host that does not build leases no bisect job (every step builds a kernel)', async () => {
  const a = new FakeNut('vm-a', ['host']);
  const l = await lab([a], async () => assert.fail('no bisection on a host that does not build'), { builds: false });
  await l.queue.enqueue(bisectJob(7));
  await l.worker.start();
  await l.worker.idle();
  assert.equal((await l.queue.byKey('bisect:7'))?.status, 'queued');
  await l.close();
});

test('the lab\'s failure during a bisection is retried after its backoff: the next attempt calls the bisection again (it resumes from its steps)', async () => {
  const a = new FakeNut('vm-a', ['host']);
  let attempts = 0;
  const l = await lab([a], async () => {
    if (++attempts === 1) throw new Error('the git mirror could not be updated: connection reset');
    return { status: 'inconclusive', reason: 'a flaky step' };
  });
  await l.queue.enqueue(bisectJob(7));
  await l.worker.start();
  await l.worker.idle();
  const deadline = Date.now() + 5_000;
  while ((await l.queue.byKey('bisect:7'))?.status !== 'done' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const job = await l.queue.byKey('bisect:7');
  assert.deepEqual([job?.status, job?.attempts, attempts], ['done', 2, 2]);
  assert.deepEqual(l.settled.map(([, s]) => [s.status, s.error ?? s.end?.status]), [['retry', 'the git mirror could not be updated: connection reset'], ['done', 'inconclusive']]);
  assert.ok(quietLog.lines.some((line) => line.startsWith("ERROR bisection stopped by the lab's failure")));
  await l.close();
});

test('a step\'s kernel that hangs under its watchdog is powered off, and the NUT is restored after the bisection', async () => {
  const a = new FakeNut('vm-a', ['host']);
  let poweredOff = false;
  const l = await lab([a], async ({ nutDriver, watch }) => {
    const w = watch();
    const nut = await w.wrap(nutDriver).boot({ kernel: { bzImage: 'x', kernelRelease: '6.13.0-c04' }, links: 1, consoleLog: join(dir, `console-${n}.log`) }, { step() {}, fraction() {} });
    await (nut as unknown as { down: Promise<void> }).down; // no case ends: the watchdog powers the NUT off
    poweredOff = true;
    await w.stop();
    return { status: 'found' };
  });
  await l.queue.enqueue(bisectJob(7));
  await l.worker.start();
  await l.worker.idle();
  assert.equal(poweredOff, true);
  assert.match(l.settled[0]?.[1].nutBroken ?? '', /no case finished within 0 s: the NUT is hung/);
  assert.equal(a.running, 'known-good');
  assert.ok(quietLog.lines.some((line) => line.startsWith('bringing the NUT back') && line.includes('the NUT is hung')));
  await l.close();
});

test('after kill -9 of the worker holding a bisect job, the next worker on the host takes the job back at once and calls the bisection again', async () => {
  const a = new FakeNut('vm-a', ['host']);
  const calls: number[] = [];
  const l = await lab([a], async ({ payload }) => (calls.push(payload.bisectionId), { status: 'found' }), { localHost: 'lab-1' });
  const { job } = await l.queue.enqueue(bisectJob(7));
  // A lab process on this host that held the job and is gone (its pid exited).
  const dead = workerId('labd', spawnSync(process.execPath, ['-e', '']).pid!, 'lab-1');
  assert.equal((await l.queue.lease({ owner: dead, kinds: ['bisect'], leaseMs: 3_600_000, nut: { name: 'vm-a', profile: 'qemu', modes: ['host'] } }))?.id, job.id);
  await l.worker.start();
  await l.worker.idle();
  assert.deepEqual(calls, [7]);
  const back = await l.queue.byKey('bisect:7');
  assert.deepEqual([back?.status, back?.attempts], ['done', 2]);
  await l.close();
});
