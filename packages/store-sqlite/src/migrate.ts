// Brings a database up to the schema this code knows, or refuses it when it is ahead of us.
import type Database from 'better-sqlite3';
import type { Migration } from './migrations.js';

/** The database was written by a newer testlab; opening it here could corrupt what that version relies on. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly file: string,
    readonly databaseVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      `database ${file} has schema version ${databaseVersion}, but this testlab only knows up to version ` +
        `${knownVersion}; upgrade testlab (or point it at another database)`,
    );
    this.name = 'SchemaTooNewError';
  }
}

/** Applies each pending migration in its own transaction; returns the versions applied now. */
export function applyMigrations(db: Database.Database, list: readonly Migration[], now: () => Date): number[] {
  checkOrdered(list);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  TEXT NOT NULL
  )`);
  const current = db.prepare<[], { v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
  const known = list[list.length - 1]?.version ?? 0;

  // Refuse before touching anything, so a newer database is left exactly as it was.
  const found = current.get()?.v ?? 0;
  if (found > known) throw new SchemaTooNewError(db.name, found, known);

  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  // Applied or not is asked per version, not against the highest one: a migration written on a branch can
  // land with a lower number than one a database already has, and must still be applied.
  const hasVersion = db.prepare<[number], { version: number }>('SELECT version FROM schema_migrations WHERE version = ?');
  const applied: number[] = [];
  for (const m of list) {
    // IMMEDIATE takes the write lock before re-reading the version: two lab processes opening a fresh
    // database at once then apply each migration exactly once (the other waits on busy_timeout).
    const step = db.transaction(() => {
      const v = current.get()?.v ?? 0;
      if (v > known) throw new SchemaTooNewError(db.name, v, known);
      if (hasVersion.get(m.version)) return false;
      db.exec(m.sql);
      record.run(m.version, m.name, now().toISOString());
      return true;
    });
    if (step.immediate()) applied.push(m.version);
  }
  return applied;
}

function checkOrdered(list: readonly Migration[]): void {
  let previous = 0;
  for (const m of list) {
    if (!Number.isInteger(m.version) || m.version <= previous) {
      throw new Error(`migrations out of order: version ${m.version} (${m.name}) follows ${previous}`);
    }
    previous = m.version;
  }
}
