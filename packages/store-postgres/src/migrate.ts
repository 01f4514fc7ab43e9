// Brings a PostgreSQL lab database up to the schema this code knows, once across every process that opens it
// at the same moment (a scheduler and workers started together): the first takes an advisory lock and applies
// what is missing, each migration in its own transaction; the others wait on the lock and then find nothing to do.
import type pg from 'pg';
import { withClient } from './connection.js';
import type { Migration } from './migrations.js';

/** The database was migrated by a newer testlab; using it here could corrupt what that version relies on. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly database: string,
    readonly databaseVersion: number,
    readonly knownVersion: number,
  ) {
    super(
      `database ${database} has schema version ${databaseVersion}, but this testlab only knows up to version ` +
        `${knownVersion}; upgrade testlab (or point it at another database)`,
    );
    this.name = 'SchemaTooNewError';
  }
}

/** The advisory lock's key: "testlab" read as a number; any lab process migrating takes the same one. */
export const MIGRATION_LOCK = 0x746573746c6162n;

export async function applyMigrations(pool: pg.Pool, list: readonly Migration[], now: () => Date, database: string): Promise<number[]> {
  checkOrdered(list);
  const known = list[list.length - 1]?.version ?? 0;
  return withClient(pool, async (client) => {
    let locked = false;
    try {
      await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK.toString()]);
      locked = true;
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version     integer PRIMARY KEY,
        name        text NOT NULL,
        applied_at  timestamptz NOT NULL
      )`);
      const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      const have = new Set(rows.map((r) => r.version));
      const found = rows.at(-1)?.version ?? 0;
      // Refuse before touching anything, so a newer database is left exactly as it was.
      if (found > known) throw new SchemaTooNewError(database, found, known);
      const applied: number[] = [];
      // Asked per version, not against the highest: a migration written on a branch can land with a lower number.
      for (const m of list) {
        if (have.has(m.version)) continue;
        await client.query('BEGIN');
        try {
          await client.query(m.sql);
          await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [m.version, m.name, now().toISOString()]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch(() => undefined);
          throw new Error(`migration ${m.version} (${m.name}) failed: ${(error as Error).message}`, { cause: error });
        }
        applied.push(m.version);
      }
      return applied;
    } finally {
      if (locked) await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK.toString()]).catch(() => undefined);
    }
  });
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
