// SQLite's connection settings. (The constraints the schema enforces are the shared contract suite's.)
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../src/index.js';
import { tempDir } from './helpers.js';

const tmp = tempDir();
after(() => tmp.cleanup());

test('a file database runs in WAL mode with foreign keys on and a busy timeout', async () => {
  const store = openSqliteStore(tmp.file('pragmas.db'));
  const db = store.database;
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  assert.ok((db.pragma('busy_timeout', { simple: true }) as number) >= 1000);
  await store.close();
});

test('an in-memory store works too', async () => {
  const store = openSqliteStore(':memory:');
  const run = await store.startRun({ testset: 'smoke', nut: 'host', sourceLabel: 'mem', ownerPid: 1 });
  assert.equal((await store.getRun(run.id))?.status, 'running');
  await store.close();
});
