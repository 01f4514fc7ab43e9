// The read commands on the local store, without --lab: `diff`, `status` and `show` print exactly what they
// print against a lab (the real dashboard process on the same lab.db), with the same exit codes, because
// both sides call the same functions (@testlab/diff's compareRuns, the store's labStatus).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseKernelVersion, type Verdict } from '@testlab/core';
import { openSqliteJobQueue, openSqliteStore } from '@testlab/store-sqlite';
import { startDashboard, testlab as runTestlab, type Dashboard } from './dashboard-process.js';

const home = mkdtempSync(path.join(tmpdir(), 'testlab-cli-local-'));
const ids: Record<string, number> = {};
let dashboard: Dashboard;

async function seed(): Promise<void> {
  let ms = Date.parse('2025-04-01T02:00:00.000Z');
  const store = openSqliteStore(path.join(home, 'lab.db'), { now: () => new Date(ms) });
  const add = async (name: string, version: string, verdicts: Verdict[], end: 'done' | 'running') => {
    ms += 3_600_000;
    const run = await store.startRun({ testset: 'phase2-host', nut: 'qemu', sourceLabel: `linux-${version}.tar.xz`, ownerPid: process.pid });
    const k = await store.upsertKernel({ version: parseKernelVersion(version), sourceLabel: `linux-${version}.tar.xz`, sourceHash: `sha256:${version}` });
    const b = await store.recordBuild({ kernelId: k.id, cacheKey: `key-${version}`, kernelRelease: version, fromCache: false });
    await store.attachKernel(run.id, k.id, b.id);
    await store.startStage(run.id, 'build');
    await store.finishStage(run.id, 'build', 'cached');
    await store.startStage(run.id, 'test');
    const dir = path.join(home, 'runs', `run-${run.id}`, 'cases');
    mkdirSync(dir, { recursive: true });
    for (const [i, verdict] of verdicts.entries()) {
      const pcap = path.join(dir, `v6LC.1.1.${i + 1}-Link0.pcap`);
      writeFileSync(pcap, 'pcap');
      await store.addResult(run.id, { caseId: `v6LC.1.1.${i + 1}`, title: `title ${i + 1}`, verdict, reason: 'r', durationMs: 10, log: '', pcaps: [pcap] });
      await store.addArtifact({ runId: run.id, kind: 'pcap', path: pcap, sizeBytes: 4 });
    }
    if (end === 'done') await store.finishRun(run.id, { status: 'done' });
    ids[name] = run.id;
  };
  await add('a', '6.1.191', ['PASS', 'PASS', 'FAIL'], 'done');
  await add('b', '6.1.192', ['PASS', 'FAIL', 'FAIL'], 'done');
  await add('c', '6.1.193', ['PASS', 'PASS', 'FAIL'], 'done');
  await add('d', '6.1.194', ['PASS'], 'running');
  await store.close();
  const queue = openSqliteJobQueue(path.join(home, 'lab.db'));
  await queue.enqueue({ kind: 'build', key: 'build:6.1.195:x', priority: 1, payload: { version: parseKernelVersion('6.1.195'), source: { spec: '/src/linux-6.1.195.tar.xz' }, profile: 'qemu', testset: 'phase2-host', configDigest: 'd' }, group: 'kernel:6.1.195' });
  await queue.close();
}

before(async () => {
  await seed();
  dashboard = await startDashboard(home);
});
after(async () => {
  await dashboard?.stop();
  rmSync(home, { recursive: true, force: true });
});

const testlab = (args: string[], env: Record<string, string> = {}) => runTestlab(home, args, env);
/** The command without and with --lab: the same output, the same exit code. */
async function bothWays(args: string[]) {
  const local = await testlab(args);
  const remote = await testlab([...args, '--lab', dashboard.url]);
  assert.equal(local.code, remote.code, `exit codes of testlab ${args.join(' ')}: ${local.stderr} / ${remote.stderr}`);
  assert.equal(local.stdout, remote.stdout, `testlab ${args.join(' ')}`);
  return { local, remote };
}

test('diff without --lab compares on the local store as the lab does: exit 5 on regressions, 0 without', async () => {
  const { local } = await bothWays(['diff', String(ids.a), String(ids.b)]);
  assert.equal(local.code, 5);
  assert.match(local.stdout, new RegExp(`^run ${ids.b} \\(6\\.1\\.192, phase2-host on qemu\\) against run ${ids.a} \\(6\\.1\\.191, phase2-host on qemu\\)\\n1 regression, 1 still-failing$`, 'm'));
  assert.match(local.stdout, /^v6LC\.1\.1\.2 +regression +PASS +FAIL +title 2$/m);
  assert.doesNotMatch(local.stdout, /v6LC\.1\.1\.3/, 'still-failing only with --all');
  assert.match((await bothWays(['diff', String(ids.a), String(ids.b), '--all'])).local.stdout, /^v6LC\.1\.1\.3 +still-failing +FAIL +FAIL/m);
  const fixed = await bothWays(['diff', String(ids.b), String(ids.c), '--json']);
  assert.equal(fixed.local.code, 0);
  assert.equal((JSON.parse(fixed.local.stdout) as { counts: { fix: number } }).counts.fix, 1);
});

test('diff without --lab: 3 for a missing run, 2 for a bad id, as against a lab', async () => {
  const missing = await bothWays(['diff', String(ids.a), '999']);
  assert.equal(missing.local.code, 3);
  assert.match(missing.local.stderr, /^testlab: no run 999$/m);
  const bad = await bothWays(['diff', String(ids.a), 'x;rm']);
  assert.equal(bad.local.code, 2);
  assert.match(bad.local.stderr, /run ids are positive numbers/);
});

test('status without --lab reads the local queue, runs in progress and NUTs; $TESTLAB_LAB still means the lab', async () => {
  const { local } = await bothWays(['status']);
  assert.equal(local.code, 0, local.stderr);
  assert.match(local.stdout, /^queue: 1 waiting, 0 in progress; 4 runs of 4 kernels stored$/m);
  assert.match(local.stdout, new RegExp(`^${ids.d} +6\\.1\\.194 +phase2-host +qemu +test$`, 'm'));
  const json = await bothWays(['status', '--json']);
  assert.equal((JSON.parse(json.local.stdout) as { running: unknown[] }).running.length, 1);
  const viaEnv = await testlab(['status'], { TESTLAB_LAB: 'http://127.0.0.1:1' });
  assert.equal(viaEnv.code, 1, 'TESTLAB_LAB names a lab that is not there');
  assert.match(viaEnv.stderr, /cannot reach the lab/);
});

test('show ends with the totals and where the artifacts are; --artifacts lists them, --json keeps them all', async () => {
  const runDir = path.join(home, 'runs', `run-${ids.a}`, 'cases');
  const shown = await testlab(['show', String(ids.a)]);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, new RegExp(`\\n3 cases: 2 PASS, 1 FAIL, 0 WARN, 0 N/A, 0 ERROR\\n\\n3 artifacts under ${runDir.replace(/[.]/g, '\\.')} \\(list them: testlab show ${ids.a} --artifacts\\)\\n$`));
  assert.doesNotMatch(shown.stdout, /Link0\.pcap/);
  const listed = await testlab(['show', String(ids.a), '--artifacts']);
  assert.equal(listed.stdout.match(/^ {2}pcap +\S+Link0\.pcap$/gm)?.length, 3);
  const json = JSON.parse((await testlab(['show', String(ids.a), '--json'])).stdout) as { artifacts: unknown[] };
  assert.equal(json.artifacts.length, 3);
  // Against the lab: the same one line, or the artifacts' URLs with --artifacts.
  const remote = await testlab(['show', String(ids.a), '--lab', dashboard.url]);
  assert.match(remote.stdout, new RegExp(`\\n3 artifacts \\(list them: testlab show ${ids.a} --artifacts\\)\\n$`));
  const remoteListed = await testlab(['show', String(ids.a), '--lab', dashboard.url, '--artifacts']);
  assert.equal(remoteListed.stdout.match(/^ {2}pcap +http:\/\/127\.0\.0\.1:\d+\/artifacts\/\d+$/gm)?.length, 3);
  assert.equal((await testlab(['show', '999'])).code, 3);
});
