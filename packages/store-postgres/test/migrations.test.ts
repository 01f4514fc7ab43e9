// Versioned migrations on PostgreSQL: applied once across processes that open a fresh database together (the
// advisory lock), each in its own transaction; a newer database is refused and left as it was.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import pg from 'pg';
import { LATEST_SCHEMA_VERSION, MIGRATION_LOCK, migrations, openPostgresStores, SchemaTooNewError } from '../src/index.js';
import { clientConfig, createPool } from '../src/connection.js';
import { applyMigrations } from '../src/migrate.js';
import { testCluster } from '../src/throwaway-cluster.js';

let cluster: Awaited<ReturnType<typeof testCluster>>;
before(async () => {
  cluster = await testCluster();
});
after(async () => {
  await cluster.release();
});

async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client(clientConfig(url, cluster.password));
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
const applied = (url: string) => query<{ version: number; name: string; applied_at: Date }>(url, 'SELECT version, name, applied_at FROM schema_migrations ORDER BY version');

test('a fresh database gets every migration once; reopening applies nothing', async () => {
  const url = await cluster.cluster.createDatabase('migrate');
  await (await openPostgresStores(url, { password: cluster.password, now: () => new Date('2025-01-07T03:00:00Z') })).close();
  const first = await applied(url);
  assert.deepEqual(first.map(({ version, name }) => ({ version, name })), migrations.map(({ version, name }) => ({ version, name })));
  assert.equal(first.at(-1)?.version, LATEST_SCHEMA_VERSION);
  await (await openPostgresStores(url, { password: cluster.password, now: () => new Date('2025-02-01T00:00:00Z') })).close();
  assert.deepEqual(await applied(url), first, 'reopen must not re-apply or re-stamp');
});

test('six processes opening a fresh database at once: each migration applied exactly once, all of them open it', async () => {
  const url = await cluster.cluster.createDatabase('migrate_race');
  const storeModule = new URL('../src/index.js', import.meta.url).href;
  const script = `import { openPostgresStores } from ${JSON.stringify(storeModule)};
    const stores = await openPostgresStores(process.env.URL, { password: process.env.PASSWORD });
    const { rows } = await stores.pool.query('SELECT count(*) AS n FROM jobs');
    console.log(JSON.stringify({ jobs: rows[0].n }));
    await stores.close();`;
  const children = Array.from({ length: 6 }, () => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      env: { ...process.env, URL: url, PASSWORD: cluster.password }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    return once(child, 'exit').then(([code]) => ({ code, out, err }));
  });
  for (const r of await Promise.all(children)) {
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out), { jobs: 0 });
  }
  assert.deepEqual((await applied(url)).map((a) => a.version), migrations.map((m) => m.version));
});

test('an opener waits while another process holds the migration lock, then finds the schema it needs', async () => {
  const url = await cluster.cluster.createDatabase('migrate_lock');
  const holder = new pg.Client(clientConfig(url, cluster.password));
  await holder.connect();
  await holder.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK.toString()]);
  let opened = false;
  const opening = openPostgresStores(url, { password: cluster.password }).then((s) => ((opened = true), s));
  await new Promise((r) => setTimeout(r, 700));
  assert.equal(opened, false, 'it waits on the lock');
  assert.deepEqual(await query(url, "SELECT 1 FROM pg_tables WHERE tablename = 'runs'"), [], 'and touched nothing meanwhile');
  await holder.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK.toString()]);
  await holder.end();
  await (await opening).close();
  assert.equal((await applied(url)).length, migrations.length);
});

test('a failing migration is rolled back whole; the ones before it stay applied', async () => {
  const url = await cluster.cluster.createDatabase('migrate_broken');
  const pool = createPool(url, { password: cluster.password });
  const now = () => new Date();
  const m1 = { version: 1, name: 'one', sql: 'CREATE TABLE a (x integer)' };
  const m2 = { version: 2, name: 'two', sql: 'CREATE TABLE b (x integer)' };
  const broken = { version: 3, name: 'broken', sql: 'CREATE TABLE c (x integer); CREATE TABLE a (x integer)' };
  try {
    assert.deepEqual(await applyMigrations(pool, [m1], now, 'db'), [1]);
    assert.deepEqual(await applyMigrations(pool, [m1, m2], now, 'db'), [2]);
    await assert.rejects(applyMigrations(pool, [m1, m2, broken], now, 'db'), /migration 3 \(broken\) failed: relation "a" already exists/);
    assert.deepEqual((await applied(url)).map((a) => a.version), [1, 2]);
    const tables = await query<{ tablename: string }>(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1");
    assert.deepEqual(tables.map((t) => t.tablename), ['a', 'b', 'schema_migrations']);
    await assert.rejects(applyMigrations(pool, [m2, m1], now, 'db'), /out of order/);
  } finally {
    await pool.end();
  }
});

test('a database with a newer schema version is refused, naming both versions and not the password, and left untouched', async () => {
  const url = await cluster.cluster.createDatabase('migrate_new');
  await (await openPostgresStores(url, { password: cluster.password })).close();
  const newer = LATEST_SCHEMA_VERSION + 7;
  await query(url, `INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, 'future', now())`, [newer]);
  const withPassword = new URL(url);
  withPassword.password = cluster.password;
  await assert.rejects(openPostgresStores(withPassword.toString()), (e: unknown) => {
    assert.ok(e instanceof SchemaTooNewError);
    assert.equal(e.databaseVersion, newer);
    assert.equal(e.knownVersion, LATEST_SCHEMA_VERSION);
    assert.match(e.message, new RegExp(`schema version ${newer}\\b.*up to version ${LATEST_SCHEMA_VERSION}\\b`));
    assert.ok(e.message.includes(new URL(url).pathname), 'the message names the database');
    assert.ok(!e.message.includes(cluster.password), 'never the password');
    return true;
  });
  assert.deepEqual((await applied(url)).map((a) => a.version), [...migrations.map((m) => m.version), newer]);
});

test('a wrong password is a clear error naming the database, never the password', async () => {
  const url = await cluster.cluster.createDatabase('migrate_auth');
  await assert.rejects(openPostgresStores(url, { password: 'not-the-password' }), (e: unknown) => {
    assert.match((e as Error).message, /^lab database postgres:\/\/testlab@127\.0\.0\.1:\d+\/migrate_auth_\w+: password authentication failed for user "testlab"/);
    assert.ok(!(e as Error).message.includes('not-the-password'));
    return true;
  });
});

// Hosts (7) landed on main before bisections (6): a lab database migrated by that main is at 7 without 6.
test('a database at version 7 without 6 gets the bisections, keeps its rows, and works', async () => {
  const url = await cluster.cluster.createDatabase('migrate_seven');
  const pool = createPool(url, { password: cluster.password });
  let runId: number;
  try {
    assert.deepEqual(await applyMigrations(pool, migrations.filter((m) => m.version <= 7 && m.version !== 6), () => new Date('2025-01-06T00:00:00Z'), 'db'), [1, 2, 3, 4, 5, 7]);
    const { rows } = await pool.query<{ id: number }>(`INSERT INTO runs (testset, nut, status, source_label, started_at, finished_at, owner_host)
      VALUES ('phase2-host', 'qemu', 'done', 'linux-6.12', '2025-01-06T03:00:00Z', '2025-01-06T04:00:00Z', 'lab-1') RETURNING id`);
    await pool.query(`INSERT INTO lab_hosts (name, roles, builds, nuts, owner, started_at, last_seen_at) VALUES ('lab-1', '["worker"]', true, '[]', 'o', now(), now())`);
    runId = rows[0]!.id;
  } finally {
    await pool.end();
  }
  const stores = await openPostgresStores(url, { password: cluster.password });
  try {
    assert.deepEqual((await applied(url)).map((a) => a.version), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual((await stores.hosts.hosts()).map((h) => h.name), ['lab-1']);
    assert.equal((await stores.store.getRun(runId))?.status, 'done');
    const sha = (c: string) => c.repeat(40);
    const { bisection, created } = await stores.bisections.create({
      tree: '/srv/git/linux.git', good: { commit: sha('a'), runId: null }, bad: { commit: sha('b'), runId },
      testset: 'phase2-host', profile: 'qemu', cases: ['v6LC.1.1.1'], confirmRuns: 3, maxSteps: 20, requestedBy: 'auto',
    });
    assert.equal(created, true);
    assert.deepEqual((await stores.bisections.forRun(runId)).map((b) => b.id), [bisection.id]);
    await stores.bisections.start(bisection.id, 2);
    assert.equal((await stores.bisections.beginStep(bisection.id, { role: 'search', commit: sha('c') })).n, 1);
  } finally {
    await stores.close();
  }
});

test('a database at version 7 gets bisect jobs (8): its queued jobs stay, and a bisect job is accepted', async () => {
  const url = await cluster.cluster.createDatabase('migrate_bisect_jobs');
  const pool = createPool(url, { password: cluster.password });
  try {
    await applyMigrations(pool, migrations.filter((m) => m.version <= 7), () => new Date('2025-01-06T00:00:00Z'), 'db');
    await pool.query(`INSERT INTO jobs (id, kind, key, priority, payload, grp, status, max_attempts, not_before, created_at, updated_at)
      VALUES (41, 'build', 'build:6.12', 0, $1, 'g', 'queued', 2, now(), now(), now())`,
    [JSON.stringify({ version: '6.12', source: { spec: '/src/linux-6.12.tar.xz' }, profile: 'qemu', testset: 'phase2-host', configDigest: 'd' })]);
    await assert.rejects(pool.query(`INSERT INTO jobs (kind, key, priority, payload, grp, status, max_attempts, not_before, created_at, updated_at)
      VALUES ('bisect', 'b', 3, '{}', 'g', 'queued', 2, now(), now(), now())`), /jobs_kind_check/, 'version 7 knows no bisect job');
  } finally {
    await pool.end();
  }
  const stores = await openPostgresStores(url, { password: cluster.password });
  try {
    assert.equal((await applied(url)).at(-1)?.version, 8);
    assert.equal((await stores.queue.byKey('build:6.12'))?.status, 'queued');
    const { job } = await stores.queue.enqueue({ kind: 'bisect', key: 'bisect:1', priority: 3, payload: { bisectionId: 1 }, group: 'bisect:1', requires: { profile: 'qemu', mode: 'host' } });
    assert.deepEqual(job.payload, { bisectionId: 1 });
  } finally {
    await stores.close();
  }
});
