// lab.db holds subscribers' addresses and queued mails with signed links: only the lab's own user may read
// it, whatever the umask, and a database made readable before is closed again when the lab opens it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openSqliteJobQueue, openSqliteStore } from '../src/index.js';

const mode = (file: string) => statSync(file).mode & 0o777;

test('a new lab.db and its WAL are mode 600 even under umask 022', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'testlab-db-mode-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const previous = process.umask(0o022);
  try {
    const file = path.join(dir, 'lab.db');
    const store = openSqliteStore(file);
    await store.startRun({ testset: 't', nut: 'n', sourceLabel: 's', ownerPid: process.pid });
    assert.equal(mode(file), 0o600);
    assert.equal(mode(`${file}-wal`), 0o600);
    assert.equal(mode(`${file}-shm`), 0o600);
    const queue = openSqliteJobQueue(file);
    await queue.close();
    await store.close();
  } finally {
    process.umask(previous);
  }
});

test('a lab.db (and WAL) that others could read is made private when the lab opens it', async (t) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'testlab-db-mode-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'lab.db');
  (await openSqliteStore(file).close());
  writeFileSync(`${file}-wal`, '');
  chmodSync(file, 0o644);
  chmodSync(`${file}-wal`, 0o644);
  const store = openSqliteStore(file);
  assert.equal(mode(file), 0o600);
  assert.equal(mode(`${file}-wal`), 0o600);
  await store.close();
});
