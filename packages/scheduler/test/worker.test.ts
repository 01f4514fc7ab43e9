// The worker on a real SQLite queue and store with fake NUTs: runs spread over free NUTs, one job per NUT,
// known-good restored after a kernel's last set and at once after a kernel broke the NUT, hang watchdog.
import { parseKernelVersion, type KernelProfile } from '@testlab/core';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteJobQueue, openSqliteStore } from '@testlab/store-sqlite';
import { LabWorker, planKernel, type PlannedTestSet } from '../src/index.js';
import { FakeNut, fakeRunTestSet, quietLog } from './fakes.js';

const dir = mkdtempSync(join(tmpdir(), 'testlab-worker-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const profiles: KernelProfile[] = [{ name: 'qemu', baseConfig: 'tinyconfig', labFragment: { origin: 'lab', text: 'CONFIG_IPV6=y\n' } }];
const sets = (names: string[]): PlannedTestSet[] => names.map((name) => ({ name, mode: name.includes('router') ? 'router' : 'host', kernelConfig: '' }));

async function lab(nuts: FakeNut[], options: { outOfServiceRetryMs?: number } = {}) {
  const file = join(dir, `lab${++n}.db`);
  const queue = openSqliteJobQueue(file);
  const store = openSqliteStore(file);
  const seen: string[] = [];
  const builds: string[] = [];
  const worker = new LabWorker({
    queue, store, pool: nuts.map((x) => x.pool()), owner: `test:${n}`, log: quietLog,
    build: async (payload) => (builds.push(payload.version.text), { kernelRelease: payload.version.text }),
    runTestSet: fakeRunTestSet(store, join(dir, `runs${n}`), seen),
    leaseMs: 60_000, retryBackoffMs: 1, idlePollMs: 50, watchdog: { caseDeadlineMs: 200, pollMs: 20 },
    ...options,
  });
  const enqueue = async (version: string, names: string[], extraCmdline?: string[]) => {
    const plan = planKernel({ version: parseKernelVersion(version), source: { spec: `/src/linux-${version}.tar.xz` }, ...(extraCmdline ? { extraCmdline } : {}) }, sets(names), profiles, nuts.map((x) => ({ name: x.name, profile: 'qemu', modes: x.modes })));
    for (const job of plan.jobs) await queue.enqueue(job);
    worker.wake();
  };
  return { queue, store, worker, seen, builds, enqueue, close: async () => { await worker.stop(5_000); await queue.close(); await store.close(); } };
}

test('runs of two kernels spread over two NUTs, one job per NUT, one build per config, known-good between kernels', async () => {
  const a = new FakeNut('vm-a');
  const b = new FakeNut('vm-b');
  const l = await lab([a, b]);
  await l.enqueue('6.12', ['set-1', 'set-2', 'set-3']);
  await l.enqueue('6.13-rc1', ['set-1', 'set-2']);
  await l.worker.start();
  await l.worker.idle();
  const jobs = await l.queue.list();
  assert.equal(jobs.filter((j) => j.status === 'done').length, jobs.length, JSON.stringify(jobs.map((j) => [j.key, j.status, j.error])));
  assert.deepEqual(l.builds.sort(), ['6.12', '6.13-rc1'], 'one build per kernel and config, shared by its sets');
  assert.equal(l.seen.length, 5);
  assert.ok(a.booted > 0 && b.booted > 0, `both NUTs worked (a ${a.booted}, b ${b.booted})`);
  assert.equal(a.maxConcurrent, 1);
  assert.equal(b.maxConcurrent, 1);
  for (const nut of [a, b]) assert.equal(nut.running, 'known-good', `${nut.name} is back on known-good`);
  const runs = await l.store.listRuns();
  assert.equal(runs.filter((r) => r.status === 'done').length, 5);
  for (const r of runs) assert.equal(r.counts.PASS, 2);
  await l.close();
});

test('a job whose payload cannot be read fails as the lab\'s failure, logged; the loops go on with the other jobs', async () => {
  const a = new FakeNut('vm-a', ['host']);
  const l = await lab([a]);
  await l.enqueue('6.12', ['set-1']);
  await l.enqueue('6.13-rc1', ['set-1']);
  await l.enqueue('6.11', ['set-1']);
  const db = l.store.database;
  // As an older lab or a hand might have left them: a run job with a mode no NUT has, a build of no version.
  db.prepare(`UPDATE jobs SET payload = json_set(payload, '$.mode', 'satellite') WHERE kind = 'run' AND key LIKE 'run:6.12:%'`).run();
  db.prepare(`UPDATE jobs SET payload = json_remove(payload, '$.version') WHERE kind = 'build' AND key LIKE 'build:6.13-rc1:%'`).run();
  await l.worker.start();
  await l.worker.idle();
  const rows = db.prepare<[], { key: string; status: string; failure_owner: string | null; error: string | null }>(
    'SELECT key, status, failure_owner, error FROM jobs ORDER BY id',
  ).all();
  const of = (prefix: string) => rows.find((r) => r.key.startsWith(prefix))!;
  assert.deepEqual([of('run:6.12:').status, of('run:6.12:').failure_owner], ['failed', 'lab']);
  assert.match(of('run:6.12:').error ?? '', /^job \d+ \(run:6\.12:[^)]+\) cannot be read: payload\.mode: /);
  assert.deepEqual([of('build:6.13-rc1:').status, of('build:6.13-rc1:').failure_owner], ['failed', 'lab']);
  assert.match(of('build:6.13-rc1:').error ?? '', /payload\.version: /);
  assert.equal(of('run:6.13-rc1:').status, 'failed', 'its run can never run');
  assert.deepEqual([of('build:6.12:').status, of('build:6.11:').status, of('run:6.11:').status], ['done', 'done', 'done']);
  assert.deepEqual(l.seen, ['set-1:6.11']);
  assert.ok(quietLog.lines.some((line) => line.startsWith('ERROR job failed: its payload cannot be read') && line.includes('run:6.12:')));
  assert.equal(a.running, 'known-good');
  await l.close();
});

test('a kernel that panics at boot fails as the kernel\'s boot failure, not retried; the NUT is restored and the next job runs', async () => {
  const a = new FakeNut('vm-a', ['host']);
  const l = await lab([a]);
  await l.enqueue('6.1.192', ['set-1'], ['rdinit=/nonexistent', 'init=/nonexistent']);
  await l.worker.start();
  await l.worker.idle();
  const restoresAfterPanic = a.restores;
  await l.enqueue('6.12', ['set-1']);
  await l.worker.idle();
  const jobs = await l.queue.list({});
  const panicked = jobs.find((j) => j.kind === 'run' && j.payload.version.text === '6.1.192')!;
  assert.equal(panicked.status, 'failed');
  assert.equal(panicked.failureOwner, 'kernel');
  assert.equal(panicked.attempts, 1, 'a kernel failure is not retried');
  assert.match(panicked.error ?? '', /^boot-failure: Kernel panic - not syncing: No working init found\./);
  assert.ok(restoresAfterPanic >= 2, 'restored at start and right after the panic');
  const next = jobs.find((j) => j.kind === 'run' && j.payload.version.text === '6.12')!;
  assert.equal(next.status, 'done');
  assert.equal(a.running, 'known-good');
  await l.close();
});

test('a hung NUT is powered off by the case watchdog and the run is the kernel\'s hang', async () => {
  const a = new FakeNut('vm-a', ['host']);
  const l = await lab([a]);
  await l.enqueue('6.12', ['hang-set']);
  await l.worker.start();
  await l.worker.idle();
  const job = (await l.queue.list()).find((j) => j.kind === 'run')!;
  assert.equal(job.status, 'failed');
  assert.equal(job.failureOwner, 'kernel');
  assert.match(job.error ?? '', /^hang: no case finished within 0 s: the NUT is hung/);
  assert.equal(a.concurrent, 0, 'the hung NUT was powered off');
  assert.equal(a.running, 'known-good');
  await l.close();
});

test('a lab failure is retried once with backoff, then final; the run before it stays recorded', async () => {
  const a = new FakeNut('vm-a', ['host']);
  const l = await lab([a]);
  let calls = 0;
  const failing = new LabWorker({
    queue: l.queue, store: l.store, pool: [a.pool()], owner: 'test:failing', log: quietLog,
    build: async () => {
      calls++;
      throw new Error('make: *** No space left on device');
    },
    runTestSet: async () => assert.fail('no run without a build'),
    leaseMs: 60_000, retryBackoffMs: 1, idlePollMs: 20, watchdog: { caseDeadlineMs: 1000 },
  });
  await l.enqueue('6.12', ['set-1']);
  await failing.start();
  // The retry waits out its backoff; wait until the job is final.
  for (;;) {
    await failing.idle();
    const build = (await l.queue.list()).find((j) => j.kind === 'build')!;
    if (build.status === 'failed') break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const jobs = await l.queue.list();
  const build = jobs.find((j) => j.kind === 'build')!;
  assert.equal(calls, 2);
  assert.equal(build.failureOwner, 'lab');
  assert.match(build.error ?? '', /No space left on device/);
  assert.equal(jobs.find((j) => j.kind === 'run')?.status, 'failed', 'its run cannot happen');
  await failing.stop(1000);
  await l.close();
});

test('killed after its run ended but before the job was settled: the next worker settles it from the stored run, running nothing again', async () => {
  const a = new FakeNut('vm-a', ['host']);
  const l = await lab([a]);
  await l.enqueue('6.12', ['set-1']);
  // A worker that died: it built, ran the set to the end and stored it, then was killed before complete().
  const dead = 'labd:some-host-that-is-gone:1:1';
  const build = await l.queue.lease({ owner: dead, kinds: ['build'], leaseMs: 60_000 });
  await l.queue.complete(build!.id, dead, { kernelRelease: '6.12.0' });
  const job = await l.queue.lease({ owner: dead, kinds: ['run'], leaseMs: 60_000, nut: { name: 'vm-a', profile: 'qemu', modes: ['host'] } });
  const run = await l.store.startRun({ testset: 'set-1', nut: 'fake', sourceLabel: 'x', ownerPid: 999_999 });
  await l.queue.noteProgress(job!.id, dead, { runId: run.id });
  await l.store.addResult(run.id, { caseId: 'v6LC.1.1.1', title: 't', verdict: 'PASS', reason: 'ok', durationMs: 1, log: '', pcaps: [] });
  await l.store.finishRun(run.id, { status: 'done' });
  // Its lease is taken back (the owner is on another host here, so by expiry: the test expires it by reclaiming as dead).
  assert.deepEqual(await l.queue.reclaim((owner) => owner !== dead), [job!.id]);

  await l.worker.start();
  await l.worker.idle();
  const settled = await l.queue.get(job!.id);
  assert.equal(settled?.status, 'done');
  assert.deepEqual(settled?.result, { runId: run.id, status: 'done' });
  assert.deepEqual(l.seen, [], 'the set was not run again');
  assert.equal((await l.store.listRuns()).length, 1, 'no second run');
  assert.ok(quietLog.lines.some((x) => x.includes('"resumed":true')));
  await l.close();
});

test('a NUT that could not be brought back is tried again after outOfServiceRetryMs, then takes jobs', async () => {
  const a = new FakeNut('vm-a', ['host']);
  a.failRestores = 1;
  const l = await lab([a], { outOfServiceRetryMs: 200 });
  await l.worker.start();
  // No job is queued, so nothing wakes the loop: only the retry interval brings the NUT back.
  const deadline = Date.now() + 10_000;
  while (a.restores < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(a.events, ['restore failed', 'restore'], 'tried again within 10 s, not after the 300 s default');
  assert.ok(quietLog.lines.some((line) => line.includes('out of service') && line.includes('no SSH answer')));
  await l.enqueue('6.12', ['set-1']);
  await l.worker.idle();
  const [job] = (await l.queue.list({})).filter((j) => j.kind === 'run');
  assert.equal(job!.status, 'done');
  await l.close();
});
