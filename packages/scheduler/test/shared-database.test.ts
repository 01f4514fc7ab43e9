// Workers sharing one PostgreSQL lab database, as on several hosts: a worker whose database goes away keeps
// trying with backoff and carries on when it is back (nothing lost, nothing done twice); the job of a worker
// on another host that stopped answering is taken over once its lease lapses, its run left as evidence.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseKernelVersion, type JobQueue, type KernelProfile } from '@testlab/core';
import { openPostgresStores, type PostgresStores } from '@testlab/store-postgres';
import { outageProxy, testCluster } from '@testlab/store-postgres/throwaway-cluster';
import { LabWorker, planKernel, type PlannedTestSet, type WorkerLog } from '../src/index.js';
import { FakeNut, fakeRunTestSet } from './fakes.js';

const dir = mkdtempSync(join(tmpdir(), 'testlab-shared-db-'));
let cluster: Awaited<ReturnType<typeof testCluster>>;
before(async () => {
  cluster = await testCluster();
});
after(async () => {
  await cluster.release();
  rmSync(dir, { recursive: true, force: true });
});

const profiles: KernelProfile[] = [{ name: 'qemu', baseConfig: 'tinyconfig', labFragment: { origin: 'lab', text: 'CONFIG_IPV6=y\n' } }];
const sets: PlannedTestSet[] = [{ name: 'set-1', mode: 'host', kernelConfig: '' }];
const nutOffer = (nut: FakeNut) => ({ name: nut.name, profile: 'qemu', modes: nut.modes });
async function enqueue(queue: JobQueue, version: string, nut: FakeNut) {
  for (const job of planKernel({ version: parseKernelVersion(version), source: { spec: `/src/linux-${version}.tar.xz` } }, sets, profiles, [nutOffer(nut)]).jobs) await queue.enqueue(job);
}
const recording = (): WorkerLog & { lines: string[] } => ({
  lines: [],
  info(f, m) { this.lines.push(`${m} ${JSON.stringify(f)}`); },
  warn(f, m) { this.lines.push(`WARN ${m} ${JSON.stringify(f)}`); },
  error(f, m) { this.lines.push(`ERROR ${m} ${JSON.stringify(f)}`); },
});
async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a worker whose lab database goes away logs it, keeps trying with backoff, and carries on when it is back', async () => {
  const url = await cluster.cluster.createDatabase('shared');
  const direct = await openPostgresStores(url, { password: cluster.password });
  const proxy = await outageProxy(url);
  const viaProxy: PostgresStores = await openPostgresStores(proxy.url, { password: cluster.password, host: 'worker-a' });
  const nut = new FakeNut('vm-a');
  const log = recording();
  const worker = new LabWorker({
    queue: viaProxy.queue, store: viaProxy.store, pool: [nut.pool()], owner: 'labd:worker-a:1:1', localHost: 'worker-a', log,
    build: async (payload) => ({ kernelRelease: payload.version.text, cacheKey: payload.version.text }),
    runTestSet: fakeRunTestSet(viaProxy.store, join(dir, 'runs-a'), []),
    leaseMs: 60_000, retryBackoffMs: 1, idlePollMs: 100, unreachableRetryMaxMs: 400, watchdog: { caseDeadlineMs: 5_000, pollMs: 50 },
  });
  await enqueue(direct.queue, '6.12', nut);
  await worker.start();
  await until('the first kernel', async () => (await direct.queue.list()).every((j) => j.status === 'done'));

  await proxy.cut();
  await until('the worker noticing', async () => log.lines.some((l) => /^ERROR .* failed \(is the lab database reachable\?\): trying again/.test(l)));
  await enqueue(direct.queue, '6.13', nut);
  await new Promise((r) => setTimeout(r, 800));
  assert.equal((await direct.queue.list()).filter((j) => j.status === 'done').length, 2, 'nothing happens while the database is away');

  await proxy.restore();
  worker.wake();
  await until('the second kernel', async () => (await direct.queue.list()).every((j) => j.status === 'done'));
  const runs = await direct.store.listRuns();
  assert.deepEqual(runs.map((r) => [r.status, r.counts.PASS]), [['done', 2], ['done', 2]], 'each result stored once');
  await worker.stop(5_000);
  await viaProxy.close();
  await proxy.close();
  await direct.close();
});

test("a job whose worker on another host stopped answering is taken over after its lease; that host's run is left unfinished", async () => {
  const url = await cluster.cluster.createDatabase('shared_takeover');
  const onA = await openPostgresStores(url, { password: cluster.password, host: 'worker-a' });
  const onB = await openPostgresStores(url, { password: cluster.password, host: 'worker-b' });
  const nutA = new FakeNut('vm-a');
  const nutB = new FakeNut('vm-b');
  await enqueue(onA.queue, '6.12', nutA);
  // Worker A built the kernel and started the run, then went silent (kill -9, a dead host): its lease runs out.
  const buildJob = await onA.queue.lease({ owner: 'labd:worker-a:77:1', kinds: ['build'], leaseMs: 60_000 });
  await onA.queue.complete(buildJob!.id, 'labd:worker-a:77:1', { cacheKey: 'k' });
  const runJob = await onA.queue.lease({ owner: 'labd:worker-a:77:1', kinds: ['run'], leaseMs: 1_500, nut: nutOffer(nutA) });
  const aRun = await onA.store.startRun({ testset: 'set-1', nut: 'fake', sourceLabel: 'x', ownerPid: 77 });
  await onA.queue.noteProgress(runJob!.id, 'labd:worker-a:77:1', { runId: aRun.id });
  await onA.store.addResult(aRun.id, { caseId: 'v6LC.1.1.1', title: 't', verdict: 'PASS', reason: 'ok', durationMs: 1, log: '', pcaps: [] });

  // Worker B's NUT takes the same profile and mode; B sees A's lease as another host's: only its expiry decides.
  const worker = new LabWorker({
    queue: onB.queue, store: onB.store, pool: [nutB.pool()], owner: 'labd:worker-b:88:1', localHost: 'worker-b', log: recording(),
    build: async () => ({}), runTestSet: fakeRunTestSet(onB.store, join(dir, 'runs-b'), []),
    leaseMs: 60_000, retryBackoffMs: 1, idlePollMs: 100, watchdog: { caseDeadlineMs: 5_000, pollMs: 50 },
  });
  await worker.start();
  assert.equal((await onB.queue.get(runJob!.id))?.status, 'leased', 'not taken while the lease holds');
  await until('the takeover', async () => (await onB.queue.get(runJob!.id))?.status === 'done');
  const done = await onB.queue.get(runJob!.id);
  assert.notEqual(done?.result?.runId, aRun.id, 'run again from the start');
  const old = await onB.store.getRun(aRun.id);
  assert.equal(old?.status, 'unfinished');
  assert.match(old?.error ?? '', /taken over by labd:worker-b:88:1/);
  assert.deepEqual((await onB.store.getRun(done!.result!.runId as number))?.counts.PASS, 2);
  await worker.stop(5_000);
  await onA.close();
  await onB.close();
});
