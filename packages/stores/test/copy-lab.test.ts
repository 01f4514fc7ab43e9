// migrate-store's copy: a real SQLite lab with a row in every table moves into an empty PostgreSQL database
// with its ids, and reads back the same through every contract; a target that is not empty is refused.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JOB_PRIORITY, parseKernelVersion, type LabStores } from '@testlab/core';
import { openSqliteStores } from '@testlab/store-sqlite';
import { openPostgresStores } from '@testlab/store-postgres';
import { testCluster } from '@testlab/store-postgres/throwaway-cluster';
import { copySqliteLab, LAB_TABLES } from '../src/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'testlab-copy-'));
let cluster: Awaited<ReturnType<typeof testCluster>>;
before(async () => {
  cluster = await testCluster();
});
after(async () => {
  await cluster.release();
  rmSync(dir, { recursive: true, force: true });
});

async function fill(lab: LabStores): Promise<number[]> {
  const { store, results, queue, subscriptions, outbox, hosts, bisections } = lab;
  const runs: number[] = [];
  for (const [version, verdict] of [['6.11', 'PASS'], ['6.12', 'FAIL']] as const) {
    const k = await store.upsertKernel({ version: parseKernelVersion(version), sourceLabel: `linux-${version}`, sourceHash: `sha256:${version}` });
    const b = await store.recordBuild({ kernelId: k.id, cacheKey: `ck-${version}`, kernelRelease: version, fromCache: version === '6.12' });
    const run = await store.startRun({ testset: 'phase2-host', nut: 'qemu', sourceLabel: `linux-${version}`, ownerPid: 1, setupDigest: 'd' });
    await store.attachKernel(run.id, k.id, b.id);
    await store.startStage(run.id, 'test', '/runs/test.log');
    await store.addResult(run.id, { caseId: 'v6LC.1.1.1', title: 'Version Field', verdict, reason: 'r', durationMs: 1.25, log: 'log', pcaps: ['/p/0.pcap', '/p/1.pcap'] });
    await store.addArtifact({ runId: run.id, kind: 'console-log', path: `/runs/${run.id}/console.log`, sizeBytes: 3 });
    await store.finishRun(run.id, { status: 'done' });
    runs.push(run.id);
  }
  await results.saveDiffs(runs[1]!, [{
    runId: runs[1]!, baselineRunId: runs[0]!, baselineKernel: '6.11', roles: ['previous-final'], wanted: null,
    counts: { regression: 1, fix: 0, new: 0, removed: 0, 'still-failing': 0, flaky: 0, changed: 0 },
    entries: [{ caseId: 'v6LC.1.1.1', title: 'Version Field', class: 'regression', before: 'PASS', after: 'FAIL', failingSince: null, failRuns: { fail: 2, runs: 2 } }],
  }], new Map([['v6LC.1.1.1', { runId: runs[1]!, kernelVersion: '6.12' }]]), { counts: { PASS: 0, FAIL: 1, WARN: 0, NA: 0, ERROR: 0 }, regressions: 1, fixes: 0, flaky: 0 });
  await queue.enqueue({ kind: 'build', key: 'build:6.13', priority: JOB_PRIORITY.rc, group: 'g', payload: {
    version: parseKernelVersion('6.13-rc1'), source: { spec: '/src/x.tar.xz' }, profile: 'qemu', testset: 'phase2-host', configDigest: 'c' } });
  await queue.noteProgress((await queue.lease({ owner: 'w', kinds: ['build'], leaseMs: 60_000 }))!.id, 'w', { runId: runs[1] });
  const sub = await subscriptions.createSubscription({ email: 'dev@example.org', streams: ['mainline'], testsets: [], casePrefix: '', scope: 'regressions', cadence: 'daily' });
  await subscriptions.confirmSubscription(sub.id);
  await subscriptions.addDigestEntry({ subscriptionId: sub.id, day: '2025-01-07', runId: runs[1]!, payload: '{"regressions":1}' });
  await outbox.enqueue({ dedupeKey: 'run:1', to: 'dev@example.org', subject: 's', text: 't', html: '<p>h</p>', headers: { 'List-Unsubscribe': '<https://x/u>' } }, '<m1@lab.example>');
  await hosts.announce({ name: 'lab-1', roles: ['scheduler', 'worker'], builds: true, owner: 'labd:lab-1:1:1', nuts: [{ name: 'vm-1', profile: 'qemu', modes: ['host'] }] });
  const { bisection } = await bisections.create({
    tree: '/srv/git/linux.git', good: { commit: 'a'.repeat(40), runId: runs[0]! }, bad: { commit: 'b'.repeat(40), runId: runs[1]! },
    testset: 'phase2-host', profile: 'qemu', cases: ['v6LC.1.1.1'], confirmRuns: 2, maxSteps: 20, requestedBy: 'auto',
  });
  await bisections.start(bisection.id, 2);
  await bisections.beginStep(bisection.id, { role: 'search', commit: 'c'.repeat(40) });
  await bisections.recordAttempt(bisection.id, 1, { 'v6LC.1.1.1': 'FAIL' }, { buildMs: 1.5, runId: runs[1]! });
  await bisections.finishStep(bisection.id, 1, { outcome: 'bad', reason: 'v6LC.1.1.1 failed 1 of 1', logs: ['/runs/b1/console.log'] });
  // Left unfinished: it resumes after the move as it would have before.
  await bisections.beginStep(bisection.id, { role: 'culprit', commit: 'c'.repeat(40) });
  return runs;
}

/** What the contracts read: it must be the same on both sides. */
async function view(lab: LabStores, runs: number[]) {
  const status = await lab.results.labStatus();
  return {
    runs: await lab.store.listRuns(),
    stages: await Promise.all(runs.map((id) => lab.store.stagesOf(id))),
    results: await Promise.all(runs.map((id) => lab.store.resultsOf(id))),
    artifacts: await Promise.all(runs.map((id) => lab.results.artifactsWithIds(id))),
    diffs: await lab.results.diffsOf(runs[1]!),
    matrix: await lab.results.matrix(),
    history: await lab.results.caseHistory('phase2-host', 'qemu', 'v6LC.1.1.1'),
    jobs: await lab.queue.list(),
    subscriptions: await lab.subscriptions.activeSubscriptions(),
    digests: await lab.subscriptions.dueDigestEntries('2025-02-01'),
    outbox: await lab.outbox.listMessages(),
    hosts: status.hosts,
    totals: status.totals,
    bisections: await lab.bisections.list(),
    steps: await Promise.all((await lab.bisections.list()).map((b) => lab.bisections.steps(b.id))),
  };
}

test('every table of the schema is copied (LAB_TABLES is the schema, less its migrations record)', async () => {
  const lab = openSqliteStores(path.join(dir, 'schema.db'));
  const tables = lab.store.database.prepare<[], string>(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name <> 'schema_migrations' ORDER BY name`).pluck().all();
  assert.deepEqual([...LAB_TABLES].sort(), tables);
  await lab.close();
});

test('a SQLite lab moves into an empty PostgreSQL database, ids and all, and reads back the same', async () => {
  const file = path.join(dir, 'lab.db');
  const sqlite = openSqliteStores(file, { host: 'lab-1' });
  const runs = await fill(sqlite);
  const before = await view(sqlite, runs);
  await sqlite.close();

  const target = await openPostgresStores(await cluster.cluster.createDatabase('copy'), { password: cluster.password, host: 'lab-1' });
  const seen: string[] = [];
  const report = await copySqliteLab(file, target, (table, rows) => seen.push(`${table}:${rows}`));
  assert.deepEqual(seen, report.tables.map((t) => `${t.table}:${t.rows}`));
  assert.equal(report.tables.find((t) => t.table === 'results')?.rows, 2);
  assert.deepEqual(await view(target, runs), before);
  const next = await target.store.startRun({ testset: 't', nut: 'qemu', sourceLabel: 'after', ownerPid: 1 });
  assert.equal(next.id, Math.max(...runs) + 1, 'new ids follow the copied ones');
  assert.equal(before.steps[0]?.length, 2);
  assert.equal((await target.bisections.beginStep(before.bisections[0]!.id, { role: 'culprit', commit: 'c'.repeat(40) })).n, 2, 'the open step resumes');
  const another = await target.bisections.create({ ...before.bisections[0]!, testset: 'phase2-router' });
  assert.equal(another.bisection.id, before.bisections[0]!.id + 1);
  await assert.rejects(copySqliteLab(file, target), /already holds rows in kernels: migrate-store copies into an empty lab database only/);
  await target.close();
});
