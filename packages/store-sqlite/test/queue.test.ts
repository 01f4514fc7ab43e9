// The job queue on a real SQLite file: idempotent enqueue, priorities, prerequisites, NUT matching, leases
// that fence off a worker whose lease was taken back, retries with backoff, cascading failure.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { InvalidJobPayload, JOB_PRIORITY, LeaseLostError, parseKernelVersion, type BuildJobPayload, type JobSpec, type NutMode, type RunJobPayload } from '@testlab/core';
import { openSqliteJobQueue } from '../src/index.js';
import { Clock, tempDir } from './helpers.js';

const tmp = tempDir();
after(() => tmp.cleanup());
let n = 0;
const fresh = (clock = new Clock()) => ({ queue: openSqliteJobQueue(tmp.file(`q${++n}.db`), { now: clock.now }), clock });

const buildPayload = (testset: string): BuildJobPayload => ({
  version: parseKernelVersion('6.12'), source: { spec: '/src/linux-6.12.tar.xz' }, profile: 'qemu', testset, configDigest: '0123456789abcdef',
});
const runPayload = (testset: string, mode: NutMode): RunJobPayload => ({
  version: parseKernelVersion('6.12'), source: { spec: '/src/linux-6.12.tar.xz' }, profile: 'qemu', testset, mode, extraCmdline: [],
});
const build = (key: string, priority: number = JOB_PRIORITY.release, group = key): Extract<JobSpec, { kind: 'build' }> => ({ kind: 'build', key, priority, payload: buildPayload(key), group });
const run = (key: string, after: string, mode: NutMode = 'host', priority: number = JOB_PRIORITY.release, group = after): JobSpec => ({
  kind: 'run', key, priority, payload: runPayload(key, mode), group, after, requires: { profile: 'qemu', mode },
});
const nut = (name: string, modes = ['host', 'router']) => ({ name, profile: 'qemu', modes });

test('enqueue is idempotent by key: the second enqueue returns the first job', async () => {
  const { queue } = fresh();
  const first = await queue.enqueue(build('build:6.12'));
  const again = await queue.enqueue({ ...build('build:6.12'), priority: 99, payload: buildPayload('other') });
  assert.equal(first.created, true);
  assert.equal(again.created, false);
  assert.equal(again.job.id, first.job.id);
  assert.equal(again.job.priority, JOB_PRIORITY.release);
  assert.equal(again.job.kind === 'build' && again.job.payload.testset, 'build:6.12', 'the first payload is kept');
  assert.equal((await queue.list()).length, 1);
  await queue.close();
});

test('invalid specs are refused with a reason', async () => {
  const { queue } = fresh();
  await assert.rejects(queue.enqueue({ ...build('x'), kind: 'reboot' as never }), /job kind must be one of build, run/);
  await assert.rejects(queue.enqueue({ ...build(''), key: '' }), /job key must be/);
  await assert.rejects(queue.enqueue({ kind: 'run', key: 'r', priority: 0, payload: runPayload('r', 'host'), group: 'g' }), /must say which NUT profile and mode/);
  await assert.rejects(queue.enqueue(run('r', 'build:missing')), /waits for build:missing, which is not in the queue/);
  await queue.close();
});

test('priority order: release before rc before stable before snapshot, FIFO within a class', async () => {
  const { queue } = fresh();
  await queue.enqueue(build('snap', JOB_PRIORITY.snapshot));
  await queue.enqueue(build('stable', JOB_PRIORITY.stable));
  await queue.enqueue(build('rc', JOB_PRIORITY.rc));
  await queue.enqueue(build('final-a', JOB_PRIORITY.release));
  await queue.enqueue(build('final-b', JOB_PRIORITY.release));
  const order: string[] = [];
  for (;;) {
    const job = await queue.lease({ owner: 'w', kinds: ['build'], leaseMs: 60_000 });
    if (!job) break;
    order.push(job.key);
    await queue.complete(job.id, 'w', {});
  }
  assert.deepEqual(order, ['final-a', 'final-b', 'rc', 'stable', 'snap']);
  await queue.close();
});

test('a run waits for its build, goes only to a NUT with its profile and mode, and a NUT holds one job', async () => {
  const { queue } = fresh();
  await queue.enqueue(build('b'));
  await queue.enqueue(run('r-host', 'b', 'host'));
  await queue.enqueue(run('r-router', 'b', 'router'));
  assert.equal(await queue.lease({ owner: 'w', kinds: ['run'], leaseMs: 1000, nut: nut('n1') }), undefined, 'build not done yet');
  const b = await queue.lease({ owner: 'w', kinds: ['build'], leaseMs: 1000 });
  assert.equal(b?.nut, null, 'a build holds no NUT');
  await queue.complete(b!.id, 'w', { kernelRelease: '6.1.0' });

  assert.equal(await queue.lease({ owner: 'w', kinds: ['run'], leaseMs: 1000 }), undefined, 'no NUT offered: no run');
  assert.equal(await queue.lease({ owner: 'w', kinds: ['run'], leaseMs: 1000, nut: { name: 'm', profile: 'machine', modes: ['host'] } }), undefined);
  const onRouterOnly = await queue.lease({ owner: 'w', kinds: ['run'], leaseMs: 1000, nut: nut('n2', ['router']) });
  assert.equal(onRouterOnly?.key, 'r-router');
  assert.equal(onRouterOnly?.nut, 'n2');
  await assert.rejects(queue.lease({ owner: 'w', kinds: ['run'], leaseMs: 1000, nut: nut('n2') }), /NUT n2 already holds job/);
  const host = await queue.lease({ owner: 'w', kinds: ['run'], leaseMs: 1000, nut: nut('n1') });
  assert.equal(host?.key, 'r-host');
  await queue.close();
});

test('a NUT prefers the next job of the kernel it already runs over a more urgent one', async () => {
  const { queue } = fresh();
  await queue.enqueue(build('b-snap', JOB_PRIORITY.snapshot));
  await queue.enqueue(build('b-final', JOB_PRIORITY.release));
  for (const b of ['b-final', 'b-snap']) {
    const job = await queue.lease({ owner: 'w', kinds: ['build'], leaseMs: 1000 });
    assert.equal(job?.key, b);
    await queue.complete(job!.id, 'w', {});
  }
  await queue.enqueue(run('r-snap-1', 'b-snap', 'host', JOB_PRIORITY.snapshot));
  await queue.enqueue(run('r-snap-2', 'b-snap', 'host', JOB_PRIORITY.snapshot));
  await queue.enqueue(run('r-final', 'b-final', 'host', JOB_PRIORITY.release));
  const plain = await queue.lease({ owner: 'w', kinds: ['run'], leaseMs: 1000, nut: nut('n1') });
  assert.equal(plain?.key, 'r-final');
  const preferring = await queue.lease({ owner: 'w', kinds: ['run'], leaseMs: 1000, nut: nut('n2'), preferGroup: 'b-snap' });
  assert.equal(preferring?.key, 'r-snap-1');
  await queue.close();
});

test('a lab failure is retried once after its backoff, then fails for good and fails its dependents', async () => {
  const { queue, clock } = fresh();
  await queue.enqueue(build('b'));
  await queue.enqueue(run('r', 'b'));
  const first = await queue.lease({ owner: 'w', kinds: ['build'], leaseMs: 1000 });
  const retried = await queue.fail(first!.id, 'w', { error: 'download: connection reset', owner: 'lab', retryAfterMs: 30_000 });
  assert.equal(retried.status, 'queued');
  assert.equal(retried.failureOwner, 'lab');
  assert.equal(await queue.lease({ owner: 'w', kinds: ['build'], leaseMs: 1000 }), undefined, 'still in backoff');
  clock.advance(30_000);
  const second = await queue.lease({ owner: 'w', kinds: ['build'], leaseMs: 1000 });
  assert.equal(second?.attempts, 2);
  const final = await queue.fail(second!.id, 'w', { error: 'download: connection reset', owner: 'lab', retryAfterMs: 30_000 });
  assert.equal(final.status, 'failed');
  const dependent = await queue.byKey('r');
  assert.equal(dependent?.status, 'failed');
  assert.match(dependent?.error ?? '', /^not run: build job b failed: download: connection reset/);
  // A run planned later for the failed build fails at once instead of waiting forever.
  const late = await queue.enqueue(run('r2', 'b'));
  assert.equal(late.job.status, 'failed');
  await queue.close();
});

test('a kernel failure without retryAfterMs is final at once', async () => {
  const { queue } = fresh();
  await queue.enqueue(build('b'));
  const job = await queue.lease({ owner: 'w', kinds: ['build'], leaseMs: 1000 });
  const failed = await queue.fail(job!.id, 'w', { error: 'boot: Kernel panic', owner: 'kernel' });
  assert.equal(failed.status, 'failed');
  assert.equal(failed.attempts, 1);
  await queue.close();
});

test('an expired lease is taken back; the old holder can no longer record anything', async () => {
  const { queue, clock } = fresh();
  await queue.enqueue(build('b'));
  await queue.enqueue(run('r', 'b'));
  const b = await queue.lease({ owner: 'w', kinds: ['build'], leaseMs: 1000 });
  await queue.complete(b!.id, 'w', {});
  const job = await queue.lease({ owner: 'old', kinds: ['run'], leaseMs: 10_000, nut: nut('n1') });
  await queue.noteProgress(job!.id, 'old', { runId: 7 });
  clock.advance(5_000);
  await queue.renew(job!.id, 'old', 10_000);
  clock.advance(9_000);
  assert.deepEqual(await queue.reclaim(() => true), [], 'renewed lease still valid');
  clock.advance(2_000);
  assert.deepEqual(await queue.reclaim(() => true), [job!.id]);
  const again = await queue.lease({ owner: 'new', kinds: ['run'], leaseMs: 10_000, nut: nut('n1') });
  assert.equal(again?.id, job!.id, 'the NUT was freed with the lease');
  assert.deepEqual(again?.progress, { runId: 7 }, 'progress survives for the next attempt');
  await assert.rejects(queue.complete(job!.id, 'old', {}), LeaseLostError);
  await assert.rejects(queue.renew(job!.id, 'old', 1000), LeaseLostError);
  await assert.rejects(queue.fail(job!.id, 'old', { error: 'x', owner: 'lab' }), LeaseLostError);
  const done = await queue.complete(job!.id, 'new', { runId: 8 });
  assert.equal(done.status, 'done');
  assert.equal(done.nut, 'n1', 'a finished run remembers where it ran');
  await queue.close();
});

test("a dead owner's lease is taken back at once; release gives a job back without counting the attempt", async () => {
  const { queue } = fresh();
  await queue.enqueue(build('b1'));
  await queue.enqueue(build('b2'));
  const a = await queue.lease({ owner: 'labd:1', kinds: ['build'], leaseMs: 3_600_000 });
  const b = await queue.lease({ owner: 'labd:2', kinds: ['build'], leaseMs: 3_600_000 });
  assert.deepEqual(await queue.reclaim((owner) => owner !== 'labd:1'), [a!.id]);
  assert.equal((await queue.get(b!.id))?.status, 'leased');
  await queue.release(b!.id, 'labd:2');
  const released = await queue.get(b!.id);
  assert.equal(released?.status, 'queued');
  assert.equal(released?.attempts, 0);
  await queue.close();
});

test('payloads are typed: the version goes out as its text and comes back parsed', async () => {
  const { queue } = fresh();
  const { job } = await queue.enqueue(build('b'));
  await queue.enqueue(run('r', 'b', 'router'));
  assert.equal(job.kind, 'build');
  assert.deepEqual(job.payload.version, parseKernelVersion('6.12'));
  const back = await queue.byKey('r');
  assert.ok(back?.kind === 'run');
  assert.equal(back.payload.mode, 'router');
  assert.equal(back.payload.version.kind, 'final');
  await queue.close();
});

test('a payload an older lab or a hand wrote is refused naming the job and the field; leasing fails it as the lab\'s, final', async () => {
  const clock = new Clock();
  const file = tmp.file(`q${++n}.db`);
  const queue = openSqliteJobQueue(file, { now: clock.now });
  const db = new Database(file);
  const { job: bad } = await queue.enqueue(build('b-bad', JOB_PRIORITY.release));
  await queue.enqueue(run('r-bad', 'b-bad'));
  const { job: good } = await queue.enqueue(build('b-good', JOB_PRIORITY.rc));
  db.prepare(`UPDATE jobs SET payload = json_set(payload, '$.version', '6.12.0') WHERE key = 'b-bad'`).run();
  await assert.rejects(queue.get(bad.id), (e: unknown) =>
    e instanceof InvalidJobPayload && /^job \d+ \(b-bad\) cannot be read: payload\.version: invalid kernel version "6\.12\.0": a final release is never X\.Y\.0/.test(e.message));

  await assert.rejects(queue.lease({ owner: 'w', kinds: ['build'], leaseMs: 60_000 }), InvalidJobPayload);
  const row = db.prepare<[string], { status: string; failure_owner: string; error: string; lease_owner: string | null }>(
    'SELECT status, failure_owner, error, lease_owner FROM jobs WHERE key = ?',
  );
  assert.deepEqual({ ...row.get('b-bad')!, error: undefined }, { status: 'failed', failure_owner: 'lab', error: undefined, lease_owner: null });
  assert.match(row.get('b-bad')!.error, /payload\.version: invalid kernel version "6\.12\.0"/);
  assert.equal(row.get('r-bad')!.status, 'failed', 'the run waiting on it can never run');
  assert.match(row.get('r-bad')!.error, /^not run: build job b-bad failed: job \d+ \(b-bad\) cannot be read/);
  assert.equal((await queue.lease({ owner: 'w', kinds: ['build'], leaseMs: 60_000 }))?.id, good.id, 'the queue goes on with the next job');

  // A field an older lab did not write, or of the wrong type, is named too.
  db.prepare(`UPDATE jobs SET payload = json_remove(payload, '$.configDigest') WHERE key = 'b-good'`).run();
  await assert.rejects(queue.byKey('b-good'), /job \d+ \(b-good\) cannot be read: payload\.configDigest: /);
  db.prepare(`UPDATE jobs SET payload = json_set(payload, '$.configDigest', 'x', '$.source', 7) WHERE key = 'b-good'`).run();
  await assert.rejects(queue.byKey('b-good'), /payload\.source: /);
  db.close();
  await queue.close();
});
