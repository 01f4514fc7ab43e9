// The CLI and the lab's store on either backend: `testlab migrate-store` moves a real SQLite lab into
// PostgreSQL and the read commands then answer the same from it ($TESTLAB_STORE); `testlab gc` says what
// the retention policy would free and frees it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { parseKernelVersion } from '@testlab/core';
import { openSqliteStores } from '@testlab/store-sqlite';
import { testCluster } from '@testlab/store-postgres/throwaway-cluster';
import { testlab as run } from './dashboard-process.js';

const home = mkdtempSync(path.join(tmpdir(), 'testlab-cli-store-'));
let cluster: Awaited<ReturnType<typeof testCluster>>;
const runIds: number[] = [];

before(async () => {
  cluster = await testCluster();
  const stores = openSqliteStores(path.join(home, 'lab.db'));
  let ms = Date.parse('2025-04-01T02:00:00.000Z');
  for (const version of ['6.1.191', '6.1.192', '6.1.193']) {
    ms += 3_600_000;
    const k = await stores.store.upsertKernel({ version: parseKernelVersion(version), sourceLabel: version, sourceHash: `sha256:${version}` });
    const b = await stores.store.recordBuild({ kernelId: k.id, cacheKey: version.replace(/\./g, '').padStart(64, 'a'), kernelRelease: version, fromCache: false });
    const r = await stores.store.startRun({ testset: 'phase2-host', nut: 'qemu', sourceLabel: version, ownerPid: 1 });
    await stores.store.attachKernel(r.id, k.id, b.id);
    await stores.store.addResult(r.id, { caseId: 'v6LC.1.1.1', title: 'Version Field', verdict: 'PASS', reason: 'ok', durationMs: 3, log: '', pcaps: [] });
    await stores.store.finishRun(r.id, { status: 'done' });
    mkdirSync(path.join(home, 'runs', `run-${r.id}`), { recursive: true });
    writeFileSync(path.join(home, 'runs', `run-${r.id}`, 'console.log'), 'x'.repeat(2048));
    runIds.push(r.id);
  }
  const { bisection } = await stores.bisections.create({
    tree: '/srv/git/linux.git', good: { commit: 'a'.repeat(40), runId: runIds[0]! }, bad: { commit: 'b'.repeat(40), runId: runIds[2]! },
    testset: 'phase2-host', profile: 'qemu', cases: ['v6LC.1.1.1'], confirmRuns: 3, maxSteps: 20, requestedBy: 'cli',
  });
  await stores.bisections.start(bisection.id, 2);
  await stores.bisections.beginStep(bisection.id, { role: 'search', commit: 'c'.repeat(40) });
  await stores.close();
});
after(async () => {
  await cluster.release();
  rmSync(home, { recursive: true, force: true });
});

test('migrate-store copies a SQLite lab into PostgreSQL; `testlab runs` and `status` then read the same from it', async () => {
  const url = await cluster.cluster.createDatabase('cli_migrate');
  const pg = { TESTLAB_STORE: url, TESTLAB_STORE_PASSWORD_FILE: cluster.cluster.passwordFile };
  const withPassword = new URL(url);
  withPassword.password = 'secret';
  const refused = await run(home, ['migrate-store', '--to', withPassword.toString()]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /the URL carries a password/);
  assert.ok(!refused.stderr.includes('secret'));

  const copied = await run(home, ['migrate-store', '--to', url, '--password-file', cluster.cluster.passwordFile]);
  assert.equal(copied.code, 0, copied.stderr);
  assert.match(copied.stdout, /copying SQLite .*lab\.db into PostgreSQL postgres:\/\/testlab@127\.0\.0\.1:\d+\/cli_migrate_\w+/);
  assert.match(copied.stdout, /^ {2}runs +3 rows$/m);
  assert.match(copied.stdout, /^ {2}results +3 rows$/m);
  assert.match(copied.stdout, /^ {2}bisections +1 rows$/m);
  assert.match(copied.stdout, /^ {2}bisection_steps +1 rows$/m);
  assert.match(copied.stdout, /done: \d+ rows in [0-9.]+ s, every table's count checked/);

  const fromSqlite = await run(home, ['runs', '--json']);
  const fromPostgres = await run(home, ['runs', '--json'], pg);
  assert.equal(fromPostgres.code, 0, fromPostgres.stderr);
  assert.deepEqual(JSON.parse(fromPostgres.stdout), JSON.parse(fromSqlite.stdout), 'the same runs, ids and all');
  const status = await run(home, ['status', '--json'], pg);
  assert.deepEqual(JSON.parse(status.stdout).totals, { runs: 3, kernels: 3 });
  const again = await run(home, ['migrate-store', '--to', url, '--password-file', cluster.cluster.passwordFile]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already holds rows in kernels/);
});

test('gc --dry-run lists what the retention policy frees; gc frees it', async () => {
  const config = path.join(home, 'labd.yaml');
  writeFileSync(config, stringify({
    home, cache: path.join(home, 'cache'), nutImage: '/var/lib/testlab/initramfs.gz',
    testsets: { dir: '/opt/testlab/testsets', run: ['phase2-host'] },
    profiles: { qemu: { baseConfig: 'tinyconfig', labFragment: '/opt/testlab/infra/kernel/qemu-nut.config' } },
    nuts: [{ name: 'vm-1', driver: 'qemu', profile: 'qemu', modes: ['host'], knownGood: { bzImage: '/k/bzImage', kernelRelease: '6.1.0' } }],
    retention: { keepLast: 1, graceDays: 0 },
  }));
  const dry = await run(home, ['gc', '--config', config, '--dry-run']);
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(dry.stdout, /1 of 3 runs keep their files/);
  assert.match(dry.stdout, new RegExp(`run files +run ${runIds[0]} +2\\.0 KiB`));
  assert.match(dry.stdout, /would free 4\.0 KiB in 2 item\(s\) \(dry run: nothing removed\)/);
  assert.ok(existsSync(path.join(home, 'runs', `run-${runIds[0]}`)));
  const real = await run(home, ['gc', '--config', config]);
  assert.match(real.stdout, /freed 4\.0 KiB in 2 item\(s\)/);
  assert.ok(!existsSync(path.join(home, 'runs', `run-${runIds[0]}`)));
  assert.ok(existsSync(path.join(home, 'runs', `run-${runIds[2]}`)), 'the last run of the stream stays');
});
