// A lab never runs again what its store already has finished: the same kernel build (the cache key of the
// build job: source hash + resolved .config), test set, NUT kind and setup. On a real SQLite store and queue
// with a fake NUT: a run left by `testlab run` on the lab home settles the lab's job without a boot, while a
// new kernel, another setup (extra command-line words, a changed test set) or a run that failed still runs.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseKernelVersion, runSetupDigest, type KernelProfile, type LabStore, type RunJobPayload, type TestSet } from '@testlab/core';
import { openSqliteJobQueue, openSqliteStore } from '@testlab/store-sqlite';
import { LabWorker, planKernel, type RunTestSet } from '../src/index.js';
import { FakeNut, quietLog } from './fakes.js';

const dir = mkdtempSync(join(tmpdir(), 'testlab-already-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const profiles: KernelProfile[] = [{ name: 'qemu', baseConfig: 'tinyconfig', labFragment: { origin: 'lab', text: 'CONFIG_IPV6=y\n' } }];
const definition = (cases: string[]): TestSet => ({
  name: 'phase2-host', title: 'Phase-2 host', mode: 'host', engine: 'builtin', engineSection: {}, links: 1,
  sysctls: { 'net.ipv6.conf.all.forwarding': '0' }, cases, index: [], kernelConfig: { origin: 'x', text: 'CONFIG_IPV6=y\n' },
});
/** The build's cache key depends on the tarball's bytes, not on its path or the version it was planned as. */
const cacheKeyOf = (spec: string) => `key-${spec.replace(/^.*\/(tree-[a-z]+)\..*$/, '$1')}`;

/** A finished run as the pipeline stores one: build with its cache key, setup digest, results. */
async function storeRun(store: LabStore, o: { cacheKey: string; set: TestSet; cmdline?: string[]; status?: 'done' | 'failed' }): Promise<number> {
  const run = await store.startRun({ testset: o.set.name, nut: 'fake', sourceLabel: 'tarball linux-source-6.1.tar.xz', ownerPid: process.pid, setupDigest: runSetupDigest(o.set, { cmdline: o.cmdline ?? [] }) });
  const kernel = await store.upsertKernel({ version: parseKernelVersion('6.1.158'), sourceLabel: 'linux-source-6.1.tar.xz', sourceHash: `sha256:${o.cacheKey}` });
  const build = await store.recordBuild({ kernelId: kernel.id, cacheKey: o.cacheKey, kernelRelease: '6.1.158', fromCache: true });
  await store.attachKernel(run.id, kernel.id, build.id);
  for (const caseId of o.set.cases) await store.addResult(run.id, { caseId, title: caseId, verdict: 'PASS', reason: 'ok', durationMs: 1, log: '', pcaps: [] });
  await store.finishRun(run.id, o.status === 'failed' ? { status: 'failed', stage: 'boot', error: 'no ready marker' } : { status: 'done' });
  return run.id;
}

async function lab(set: TestSet) {
  const file = join(dir, `lab${++n}.db`);
  const queue = openSqliteJobQueue(file);
  const store = openSqliteStore(file);
  const nut = new FakeNut('vm-1', ['host']);
  const ran: string[] = [];
  // Runs as the pipeline does, through the NUT, recording its build and setup.
  const runTestSet: RunTestSet = async ({ payload, nutDriver }) => {
    ran.push(payload.source.spec);
    const booted = await nutDriver.boot({ kernel: { bzImage: 'x', kernelRelease: payload.version.text }, links: 1, consoleLog: join(dir, `console-${n}-${ran.length}.log`) }, { step() {}, fraction() {} });
    await booted.shutdown();
    const runId = await storeRun(store, { cacheKey: cacheKeyOf(payload.source.spec), set, cmdline: payload.extraCmdline });
    return { runId, status: 'done', runDir: dir };
  };
  const worker = new LabWorker({
    queue, store, pool: [nut.pool()], owner: `test:${n}`, log: quietLog, runTestSet,
    build: async (payload) => ({ cacheKey: cacheKeyOf(payload.source.spec), kernelRelease: payload.version.text }),
    setupDigestOf: (payload: RunJobPayload) => runSetupDigest(set, { cmdline: payload.extraCmdline }),
    leaseMs: 60_000, retryBackoffMs: 1, idlePollMs: 50, watchdog: { caseDeadlineMs: 5_000 },
  });
  const plan = async (version: string, spec: string, extraCmdline?: string[]) => {
    const { jobs } = planKernel({ version: parseKernelVersion(version), source: { spec }, ...(extraCmdline ? { extraCmdline } : {}) }, [{ name: set.name, mode: 'host', kernelConfig: set.kernelConfig.text }], profiles, [{ name: 'vm-1', profile: 'qemu', modes: ['host'] }]);
    for (const job of jobs) await queue.enqueue(job);
    worker.wake();
    await worker.idle();
    return queue.byKey(jobs.find((j) => j.kind === 'run')!.key);
  };
  await worker.start();
  await worker.idle();
  return { store, queue, nut, ran, plan, close: async () => { await worker.stop(5_000); await queue.close(); await store.close(); } };
}

test('a kernel `testlab run` already tested on the lab home is known: the job settles from that run, nothing boots', async () => {
  const set = definition(['v6LC.1.1.1', 'v6LC.1.1.2']);
  const l = await lab(set);
  const cli = await storeRun(l.store, { cacheKey: 'key-tree-a', set });
  const bootsAtStart = l.nut.booted;
  const restoresAtStart = l.nut.restores;

  const job = await l.plan('6.1.158', '/usr/src/tree-a.tar.xz');
  assert.equal(job?.status, 'done');
  assert.deepEqual(job?.result, { runId: cli, status: 'done', alreadyTested: true });
  assert.deepEqual(l.ran, [], 'the set was not run again');
  assert.equal(l.nut.booted, bootsAtStart, 'no NUT booted');
  assert.equal(l.nut.restores, restoresAtStart, 'no known-good restore owed for a kernel that never booted');
  assert.deepEqual((await l.store.listRuns()).map((r) => r.id), [cli], 'one run in the store');
  assert.ok(quietLog.lines.some((x) => x.startsWith(`kernel already tested: run ${cli} `)), 'the log says the kernel is known');

  // Planned again under another version and path of the same bytes: still the same build, still known.
  const again = await l.plan('6.1', '/srv/copy/tree-a.tar.gz');
  assert.deepEqual(again?.result, { runId: cli, status: 'done', alreadyTested: true });
  assert.deepEqual(l.ran, []);
  await l.close();
});

test('a new kernel, extra command-line words, a changed test set or a failed run: the set runs', async () => {
  const set = definition(['v6LC.1.1.1']);
  const l = await lab(set);
  await storeRun(l.store, { cacheKey: 'key-tree-a', set });
  await storeRun(l.store, { cacheKey: 'key-tree-c', set, status: 'failed' });

  const fresh = await l.plan('6.1.159', '/srv/tree-b.tar.xz');
  assert.equal((fresh?.result as { alreadyTested?: boolean }).alreadyTested, undefined);
  assert.deepEqual(l.ran, ['/srv/tree-b.tar.xz'], 'a new kernel runs');
  // The lab's own finished run counts too: the same bytes planned again (another path, another version) run nothing.
  assert.deepEqual((await l.plan('6.1.160', '/other/tree-b.tar.xz'))?.result, { runId: (fresh?.result as { runId: number }).runId, status: 'done', alreadyTested: true });

  await l.plan('6.1.158', '/srv/tree-a.tar.xz', ['ipv6.disable_ipv6=0']);
  assert.equal(l.ran.at(-1), '/srv/tree-a.tar.xz', 'another setup (extra boot words) is another experiment');
  await l.plan('6.1.161', '/srv/tree-c.tar.xz');
  assert.equal(l.ran.at(-1), '/srv/tree-c.tar.xz', 'a run that failed is not a result to keep');
  assert.equal(l.ran.length, 3);
  await l.close();

  // The set's definition changed (a case added): the stored run did not test it.
  const grown = definition(['v6LC.1.1.1', 'v6LC.1.1.2']);
  const m = await lab(grown);
  await storeRun(m.store, { cacheKey: 'key-tree-a', set });
  await m.plan('6.1.158', '/srv/tree-a.tar.xz');
  assert.deepEqual(m.ran, ['/srv/tree-a.tar.xz']);
  await m.close();
});
