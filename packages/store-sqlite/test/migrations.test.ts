// Versioned migrations: applied once, each in its own transaction, and a newer database is refused.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { LATEST_SCHEMA_VERSION, migrations, openSqliteStore, openSqliteStores, SchemaTooNewError } from '../src/index.js';
import { applyMigrations } from '../src/migrate.js';
import type { Migration } from '../src/migrations.js';
import { Clock, ISO_UTC, tempDir } from './helpers.js';

const tmp = tempDir();
after(() => tmp.cleanup());

interface Applied {
  version: number;
  name: string;
  applied_at: string;
}
const appliedIn = (db: Database.Database) =>
  db.prepare<[], Applied>('SELECT * FROM schema_migrations ORDER BY version').all();

test('a fresh database gets every migration once; reopening applies nothing', async () => {
  const path = tmp.file('migrate-once.db');
  const clock = new Clock();
  const first = openSqliteStore(path, { now: clock.now });
  const applied = appliedIn(first.database);
  assert.deepEqual(
    applied.map(({ version, name }) => ({ version, name })),
    migrations.map(({ version, name }) => ({ version, name })),
  );
  assert.equal(applied.at(-1)?.version, LATEST_SCHEMA_VERSION);
  for (const a of applied) assert.match(a.applied_at, ISO_UTC);
  await first.close();

  clock.advance(60_000);
  const again = openSqliteStore(path, { now: clock.now });
  assert.deepEqual(appliedIn(again.database), applied, 'reopen must not re-apply or re-stamp');
  await again.close();
});

test('migration ids are strictly increasing from 1', () => {
  assert.equal(migrations[0]?.version, 1);
  migrations.forEach((m, i) => i > 0 && assert.ok(m.version > (migrations[i - 1]?.version ?? 0)));
});

test('an older database gets only the missing migrations, each in its own transaction', () => {
  const db = new Database(tmp.file('upgrade.db'));
  const now = new Clock().now;
  const m1: Migration = { version: 1, name: 'one', sql: 'CREATE TABLE a (x INTEGER);' };
  const m2: Migration = { version: 2, name: 'two', sql: 'CREATE TABLE b (x INTEGER);' };
  // Creates c, then fails: c must be rolled back with it, while 1 and 2 stay applied.
  const broken: Migration = { version: 3, name: 'broken', sql: 'CREATE TABLE c (x INTEGER); CREATE TABLE a (x INTEGER);' };

  assert.deepEqual(applyMigrations(db, [m1], now), [1]);
  assert.deepEqual(applyMigrations(db, [m1, m2], now), [2]);
  assert.throws(() => applyMigrations(db, [m1, m2, broken], now), /table a already exists/);
  assert.deepEqual(appliedIn(db).map((a) => a.version), [1, 2]);
  const tables = db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all();
  assert.deepEqual(tables.map((t) => t.name), ['a', 'b', 'schema_migrations']);
  db.close();
});

test('a migration list out of order is refused before anything runs', () => {
  const db = new Database(':memory:');
  const now = new Clock().now;
  const list = [
    { version: 2, name: 'two', sql: 'CREATE TABLE b (x);' },
    { version: 1, name: 'one', sql: 'CREATE TABLE a (x);' },
  ];
  assert.throws(() => applyMigrations(db, list, now), /out of order/);
  db.close();
});

test('a database with a newer schema version is refused, naming both versions, and left untouched', async () => {
  const path = tmp.file('too-new.db');
  await openSqliteStore(path).close();
  const newer = LATEST_SCHEMA_VERSION + 7;
  const raw = new Database(path);
  raw.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(newer, 'future', 'x');
  raw.close();

  assert.throws(
    () => openSqliteStore(path),
    (e: unknown) => {
      assert.ok(e instanceof SchemaTooNewError);
      assert.equal(e.databaseVersion, newer);
      assert.equal(e.knownVersion, LATEST_SCHEMA_VERSION);
      assert.match(e.message, new RegExp(`schema version ${newer}\\b.*up to version ${LATEST_SCHEMA_VERSION}\\b`));
      assert.ok(e.message.includes(path), 'the message names the file');
      return true;
    },
  );
  const check = new Database(path, { readonly: true });
  assert.deepEqual(
    appliedIn(check).map((a) => a.version),
    [...migrations.map((m) => m.version), newer],
  );
  check.close();
});

test('a missing lower version is applied even when a higher one already is', () => {
  const db = new Database(':memory:');
  const list: Migration[] = [
    { version: 1, name: 'one', sql: 'CREATE TABLE one (x)' },
    { version: 2, name: 'two', sql: 'CREATE TABLE two (x)' },
    { version: 3, name: 'three', sql: 'CREATE TABLE three (x)' },
  ];
  // A database that was migrated while version 2 did not exist yet.
  assert.deepEqual(applyMigrations(db, [list[0]!, list[2]!], () => new Date()), [1, 3]);
  assert.deepEqual(applyMigrations(db, list, () => new Date()), [2]);
  assert.ok(db.prepare("SELECT name FROM sqlite_master WHERE name = 'two'").get());
  assert.deepEqual(applyMigrations(db, list, () => new Date()), []);
});

// Hosts (7) landed on main before bisections (6): a lab.db written by that main is at 7 without 6.
test('a database at version 7 without 6 gets the bisections, keeps its rows, and works', async () => {
  const path = tmp.file('seven-without-six.db');
  const clock = new Clock();
  const old = new Database(path);
  assert.deepEqual(applyMigrations(old, migrations.filter((m) => m.version <= 7 && m.version !== 6), clock.now), [1, 2, 3, 4, 5, 7]);
  const runId = Number(old.prepare(`INSERT INTO runs (testset, nut, status, source_label, started_at, finished_at, owner_host)
    VALUES ('phase2-host', 'qemu', 'done', 'linux-6.12', '2025-01-06T03:00:00.000Z', '2025-01-06T04:00:00.000Z', 'lab-1')`).run().lastInsertRowid);
  old.prepare(`INSERT INTO lab_hosts (name, roles, builds, nuts, owner, started_at, last_seen_at) VALUES ('lab-1', '["worker"]', 1, '[]', 'o', 'x', 'x')`).run();
  clock.advance(60_000);
  assert.deepEqual(applyMigrations(old, migrations, clock.now), [6, 8]);
  assert.deepEqual(appliedIn(old).map((a) => a.version), [1, 2, 3, 4, 5, 6, 7, 8]);
  old.close();

  const stores = openSqliteStores(path, { now: clock.now });
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
  await stores.close();
});

// The jobs table is made again to let a job be a bisection: what was queued must come through as it was.
test('a database at version 7 gets bisect jobs (8): its jobs keep their ids, state and indexes', async () => {
  const path = tmp.file('bisect-jobs.db');
  const clock = new Clock();
  const old = new Database(path);
  applyMigrations(old, migrations.filter((m) => m.version <= 7), clock.now);
  const payload = JSON.stringify({ version: '6.12', source: { spec: '/src/linux-6.12.tar.xz' }, profile: 'qemu', testset: 'phase2-host', configDigest: 'd' });
  old.prepare(`INSERT INTO jobs (id, kind, key, priority, payload, grp, status, max_attempts, not_before, created_at, updated_at)
    VALUES (41, 'build', 'build:6.12', 0, ?, 'g', 'queued', 2, ?, ?, ?)`).run(payload, clock.now().toISOString(), clock.now().toISOString(), clock.now().toISOString());
  assert.throws(() => old.prepare(`INSERT INTO jobs (kind, key, priority, payload, grp, status, max_attempts, not_before, created_at, updated_at)
    VALUES ('bisect', 'b', 3, '{}', 'g', 'queued', 2, 'x', 'x', 'x')`).run(), /CHECK constraint failed/, 'version 7 knows no bisect job');
  old.close();

  const stores = openSqliteStores(path, { now: clock.now });
  const indexes = stores.store.database.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'jobs' AND sql IS NOT NULL ORDER BY name").all();
  assert.deepEqual(indexes.map((i) => i.name), ['jobs_by_after', 'jobs_one_per_nut', 'jobs_waiting']);
  const kept = await stores.queue.byKey('build:6.12');
  assert.equal(kept?.id, 41);
  assert.equal(kept?.status, 'queued');
  const { job } = await stores.queue.enqueue({ kind: 'bisect', key: 'bisect:1', priority: 3, payload: { bisectionId: 1 }, group: 'bisect:1', requires: { profile: 'qemu', mode: 'host' } });
  assert.equal(job.id, 42, 'ids go on from the copied rows');
  assert.equal((await stores.queue.lease({ owner: 'w', kinds: ['build'], leaseMs: 1000 }))?.id, 41);
  await stores.close();
});
