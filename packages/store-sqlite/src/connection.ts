// Opens the SQLite file with the settings every lab process must agree on.
import { chmodSync, closeSync, openSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { applyMigrations } from './migrate.js';
import { migrations } from './migrations.js';

/** How long a writer waits for another lab process's transaction before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

export function openConnection(path: string): Database.Database {
  keepPrivate(path);
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  try {
    // WAL: the web UI / `testlab runs` can read while a run writes, and a killed process leaves a
    // consistent database (the WAL is replayed or discarded on the next open). ':memory:' answers 'memory'.
    db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL is still safe against a crashed process; only an OS crash or power loss can drop
    // the last commits, which for a lab costs one rerun, not a corrupt file.
    db.pragma('synchronous = NORMAL');
    // SQLite leaves foreign keys off by default, per connection.
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/**
 * lab.db holds subscribers' addresses and queued mails with signed links: the file is made mode 600 before
 * SQLite opens it (SQLite gives its -wal and -shm the database's mode), and a database, WAL or shared-memory
 * file left readable by group or others is closed up.
 */
function keepPrivate(path: string): void {
  if (path === ':memory:' || path === '' || path.startsWith('file:')) return;
  closeSync(openSync(path, 'a', 0o600));
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    const info = statSync(file, { throwIfNoEntry: false });
    if (info !== undefined && (info.mode & 0o077) !== 0) chmodSync(file, info.mode & 0o700);
  }
}

/** A connection whose schema is the one this code knows: the store and the job queue both open this way. */
export function openMigrated(path: string, now: () => Date): Database.Database {
  const db = openConnection(path);
  try {
    applyMigrations(db, migrations, now);
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}
