// The job queue: idempotent enqueue, priorities, prerequisites, NUT matching, leases that fence off a worker
// whose lease was taken back, retries with backoff, cascading failure, and two workers (two processes or
// hosts: two openings of the database) leasing at once never getting the same job.
import { suite, test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidJobPayload, JOB_PRIORITY, LeaseLostError, parseKernelVersion, type BuildJobPayload, type JobQueue, type JobSpec, type NutMode, type RunJobPayload } from '@testlab/core';
import type { ContractBackend, TestLab } from './backend.js';
import { Clock, withLab } from './fixtures.js';

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

export function queueContract(backend: ContractBackend): void {
  const withQueue = (body: (queue: JobQueue, clock: Clock, lab: TestLab) => Promise<void>) => {
    const clock = new Clock();
    return withLab(backend, clock, (lab) => body(lab.stores.queue, clock, lab));
  };

  suite(`${backend.name}: JobQueue`, () => {
    test('enqueue is idempotent by key: the second enqueue returns the first job', () => withQueue(async (queue) => {
      const first = await queue.enqueue(build('build:6.12'));
      const again = await queue.enqueue({ ...build('build:6.12'), priority: 99, payload: buildPayload('other') });
      assert.equal(first.created, true);
      assert.equal(again.created, false);
      assert.equal(again.job.id, first.job.id);
      assert.equal(again.job.priority, JOB_PRIORITY.release);
      assert.equal(again.job.kind === 'build' && again.job.payload.testset, 'build:6.12', 'the first payload is kept');
      assert.equal((await queue.list()).length, 1);
    }));

    test('invalid specs are refused with a reason', () => withQueue(async (queue) => {
      await assert.rejects(queue.enqueue({ ...build('x'), kind: 'reboot' as never }), /job kind must be one of build, run, bisect/);
      await assert.rejects(queue.enqueue({ ...build(''), key: '' }), /job key must be/);
      await assert.rejects(queue.enqueue({ kind: 'run', key: 'r', priority: 0, payload: runPayload('r', 'host'), group: 'g' }), /must say which NUT profile and mode/);
      await assert.rejects(queue.enqueue(run('r', 'build:missing')), /waits for build:missing, which is not in the queue/);
    }));

    test('priority order: release before rc before stable before snapshot, FIFO within a class', () => withQueue(async (queue) => {
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
    }));

    test('a run waits for its build, goes only to a NUT with its profile and mode, and a NUT holds one job', () => withQueue(async (queue) => {
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
    }));

    test('a bisect job: after rc, before snapshot; only a NUT of its profile and mode leases it; its payload is read back checked', () => withQueue(async (queue, _clock, lab) => {
      const bisect = (key: string, bisectionId: number, mode: NutMode = 'host'): JobSpec => ({
        kind: 'bisect', key, priority: JOB_PRIORITY.bisect, payload: { bisectionId }, group: key, requires: { profile: 'qemu', mode },
      });
      await assert.rejects(queue.enqueue({ kind: 'bisect', key: 'x', priority: JOB_PRIORITY.bisect, payload: { bisectionId: 1 }, group: 'x' }), /bisect job x must say which NUT profile and mode/);
      const { job } = await queue.enqueue(bisect('bisect:1', 1));
      assert.equal((await queue.enqueue(bisect('bisect:1', 2))).created, false, 'idempotent by key');
      assert.deepEqual(job.payload, { bisectionId: 1 });
      await queue.enqueue(bisect('bisect:2', 2, 'router'));
      await queue.enqueue(build('snap', JOB_PRIORITY.snapshot));
      await queue.enqueue(build('rc', JOB_PRIORITY.rc));
      await queue.enqueue(build('stable', JOB_PRIORITY.stable));
      for (const key of ['rc', 'stable', 'snap']) await queue.complete((await queue.lease({ owner: 'w', kinds: ['build'], leaseMs: 60_000 }))!.id, 'w', { key });
      await queue.enqueue(run('r-snap', 'snap', 'host', JOB_PRIORITY.snapshot));
      await queue.enqueue(run('r-rc', 'rc', 'host', JOB_PRIORITY.rc));
      const order: string[] = [];
      for (;;) {
        const next = await queue.lease({ owner: 'w', kinds: ['run', 'bisect'], leaseMs: 60_000, nut: nut('n1', ['host']) });
        if (!next) break;
        order.push(next.key);
        await queue.complete(next.id, 'w', {});
      }
      assert.deepEqual(order, ['r-rc', 'bisect:1', 'r-snap'], 'the router bisection waits for a NUT offering router');
      assert.equal(await queue.lease({ owner: 'w', kinds: ['bisect'], leaseMs: 60_000 }), undefined, 'no NUT offered: no bisection');
      const router = await queue.lease({ owner: 'w', kinds: ['bisect'], leaseMs: 60_000, nut: nut('n2', ['router']) });
      assert.equal(router?.kind === 'bisect' && router.payload.bisectionId, 2);
      assert.equal(router?.nut, 'n2', 'a bisection holds its NUT');

      await lab.tamper.setJobPayload('bisect:1', JSON.stringify({ bisectionId: 'one' }));
      await assert.rejects(queue.byKey('bisect:1'), /job \d+ \(bisect:1\) cannot be read: payload\.bisectionId: /);
    }));

    test('a NUT prefers the next job of the kernel it already runs over a more urgent one', () => withQueue(async (queue) => {
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
    }));

    test('a lab failure is retried once after its backoff, then fails for good and fails its dependents', () => withQueue(async (queue, clock) => {
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
      assert.equal((await queue.enqueue(run('r2', 'b'))).job.status, 'failed');
    }));

    test('a kernel failure without retryAfterMs is final at once', () => withQueue(async (queue) => {
      await queue.enqueue(build('b'));
      const job = await queue.lease({ owner: 'w', kinds: ['build'], leaseMs: 1000 });
      const failed = await queue.fail(job!.id, 'w', { error: 'boot: Kernel panic', owner: 'kernel' });
      assert.equal(failed.status, 'failed');
      assert.equal(failed.attempts, 1);
    }));

    test('an expired lease is taken back; the old holder can no longer record anything', () => withQueue(async (queue, clock) => {
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
      await assert.rejects(queue.noteProgress(job!.id, 'old', { runId: 9 }), LeaseLostError);
      const done = await queue.complete(job!.id, 'new', { runId: 8 });
      assert.equal(done.status, 'done');
      assert.equal(done.nut, 'n1', 'a finished run remembers where it ran');
      assert.deepEqual(done.progress, { runId: 7 });
    }));

    test("a dead owner's lease is taken back at once; release gives a job back without counting the attempt", () => withQueue(async (queue) => {
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
    }));

    test('payloads are typed: the version goes out as its text and comes back parsed', () => withQueue(async (queue, _clock, lab) => {
      const { job } = await queue.enqueue(build('b'));
      await queue.enqueue(run('r', 'b', 'router'));
      assert.equal(job.kind, 'build');
      assert.deepEqual(job.payload.version, parseKernelVersion('6.12'));
      const back = await queue.byKey('r');
      assert.ok(back?.kind === 'run');
      assert.equal(back.payload.mode, 'router');
      assert.equal(back.payload.version.kind, 'final');
      assert.equal(JSON.parse(await lab.tamper.jobPayload('r')).version, '6.12', 'on the wire the version is its canonical text');
    }));

    test("a payload an older lab or a hand wrote is refused naming the job and the field; leasing fails it as the lab's, final", () => withQueue(async (queue, _clock, lab) => {
      const edit = async (key: string, change: (p: Record<string, unknown>) => void) => {
        const p = JSON.parse(await lab.tamper.jobPayload(key)) as Record<string, unknown>;
        change(p);
        await lab.tamper.setJobPayload(key, JSON.stringify(p));
      };
      const { job: bad } = await queue.enqueue(build('b-bad', JOB_PRIORITY.release));
      await queue.enqueue(run('r-bad', 'b-bad'));
      const { job: good } = await queue.enqueue(build('b-good', JOB_PRIORITY.rc));
      await edit('b-bad', (p) => (p.version = '6.12.0'));
      await assert.rejects(queue.get(bad.id), (e: unknown) =>
        e instanceof InvalidJobPayload && /^job \d+ \(b-bad\) cannot be read: payload\.version: invalid kernel version "6\.12\.0": a final release is never X\.Y\.0/.test(e.message));

      await assert.rejects(queue.lease({ owner: 'w', kinds: ['build'], leaseMs: 60_000 }), InvalidJobPayload);
      const badState = await lab.tamper.jobState('b-bad');
      assert.deepEqual({ ...badState, error: undefined }, { status: 'failed', failureOwner: 'lab', error: undefined, leaseOwner: null });
      assert.match(badState.error ?? '', /payload\.version: invalid kernel version "6\.12\.0"/);
      const dependent = await lab.tamper.jobState('r-bad');
      assert.equal(dependent.status, 'failed', 'the run waiting on it can never run');
      assert.match(dependent.error ?? '', /^not run: build job b-bad failed: job \d+ \(b-bad\) cannot be read/);
      assert.equal((await queue.lease({ owner: 'w', kinds: ['build'], leaseMs: 60_000 }))?.id, good.id, 'the queue goes on with the next job');

      // A field an older lab did not write, or of the wrong type, is named too.
      await edit('b-good', (p) => delete p.configDigest);
      await assert.rejects(queue.byKey('b-good'), /job \d+ \(b-good\) cannot be read: payload\.configDigest: /);
      await edit('b-good', (p) => Object.assign(p, { configDigest: 'x', source: 7 }));
      await assert.rejects(queue.byKey('b-good'), /payload\.source: /);
    }));

    test('two workers (two openings of the database) leasing at once never get the same job', () => withQueue(async (queue, clock, lab) => {
      const other = (await lab.reopen(clock.now)).queue;
      const jobs = 24;
      for (let i = 0; i < jobs; i++) await queue.enqueue(build(`b${String(i).padStart(2, '0')}`));
      const taken: { id: number; by: string }[] = [];
      const worker = async (q: JobQueue, name: string) => {
        for (;;) {
          const job = await q.lease({ owner: name, kinds: ['build'], leaseMs: 60_000 });
          if (!job) return;
          taken.push({ id: job.id, by: name });
          await q.complete(job.id, name, { by: name });
        }
      };
      await Promise.all([worker(queue, 'w1'), worker(other, 'w2'), worker(queue, 'w3'), worker(other, 'w4')]);
      assert.equal(taken.length, jobs, 'every job leased exactly once');
      assert.equal(new Set(taken.map((t) => t.id)).size, jobs);
      for (const t of taken) assert.deepEqual((await queue.get(t.id))?.result, { by: t.by }, 'completed by the worker that leased it');
      await other.close();
    }));
  });
}
