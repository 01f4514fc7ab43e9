// The job queue on a real SQLite file: idempotent enqueue, priorities, prerequisites, NUT matching, leases
// that fence off a worker whose lease was taken back, retries with backoff, cascading failure.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { JOB_PRIORITY, LeaseLostError, type JobSpec } from '@testlab/core';
import { openSqliteJobQueue } from '../src/index.js';
import { Clock, tempDir } from './helpers.js';

const tmp = tempDir();
after(() => tmp.cleanup());
let n = 0;
const fresh = (clock = new Clock()) => ({ queue: openSqliteJobQueue(tmp.file(`q${++n}.db`), { now: clock.now }), clock });

const build = (key: string, priority: number = JOB_PRIORITY.release, group = key): JobSpec => ({ kind: 'build', key, priority, payload: { key }, group });
const run = (key: string, after: string, mode = 'host', priority: number = JOB_PRIORITY.release, group = after): JobSpec => ({
  kind: 'run', key, priority, payload: { key }, group, after, requires: { profile: 'qemu', mode },
});
const nut = (name: string, modes = ['host', 'router']) => ({ name, profile: 'qemu', modes });

test('enqueue is idempotent by key: the second enqueue returns the first job', async () => {
  const { queue } = fresh();
  const first = await queue.enqueue(build('build:6.12'));
  const again = await queue.enqueue({ ...build('build:6.12'), priority: 99, payload: { other: true } });
  assert.equal(first.created, true);
  assert.equal(again.created, false);
  assert.equal(again.job.id, first.job.id);
  assert.equal(again.job.priority, JOB_PRIORITY.release);
  assert.equal((await queue.list()).length, 1);
  await queue.close();
});

test('invalid specs are refused with a reason', async () => {
  const { queue } = fresh();
  await assert.rejects(queue.enqueue({ ...build('x'), kind: 'reboot' as never }), /job kind must be one of build, run/);
  await assert.rejects(queue.enqueue({ ...build(''), key: '' }), /job key must be/);
  await assert.rejects(queue.enqueue({ kind: 'run', key: 'r', priority: 0, payload: {}, group: 'g' }), /must say which NUT profile and mode/);
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
