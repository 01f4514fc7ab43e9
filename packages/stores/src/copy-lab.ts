// `testlab migrate-store`: a lab's whole history moved from its SQLite file into an empty PostgreSQL database,
// ids and all (so every URL the dashboard handed out still names the same run), in one transaction: the target
// holds all of it or none. Column names and meanings are the same on both backends (migration N is the same
// schema on each); only booleans and JSON columns change representation on the way.
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { LATEST_SCHEMA_VERSION as SQLITE_VERSION, openSqliteStores } from '@testlab/store-sqlite';
import { LATEST_SCHEMA_VERSION as POSTGRES_VERSION, type PostgresStores } from '@testlab/store-postgres';

/**
 * Every table of the lab, parents before the rows that refer to them. A new store contract's tables are added
 * here (and checked by test/copy-lab.test.ts against the schema itself).
 */
export const LAB_TABLES = [
  'kernels', 'builds', 'runs', 'stages', 'results', 'result_pcaps', 'artifacts', 'jobs',
  'run_diffs', 'diff_entries', 'failing_since', 'run_totals', 'subscriptions', 'digest_entries', 'outbox', 'lab_hosts',
  'bisections', 'bisection_steps',
] as const;
const BOOLEANS: Record<string, string[]> = { builds: ['from_cache'], lab_hosts: ['builds'] };
const JSON_COLUMNS: Record<string, string[]> = {
  jobs: ['payload', 'progress', 'result'], run_diffs: ['counts'], subscriptions: ['streams', 'testsets'],
  digest_entries: ['payload'], outbox: ['headers'], lab_hosts: ['roles', 'nuts'], bisections: ['cases'], bisection_steps: ['attempts', 'logs'],
};

export interface CopyReport {
  tables: { table: string; rows: number }[];
  ms: number;
}

/** Copies the SQLite lab at `sqliteFile` into `target`, which must be empty. Verifies every table's row count. */
export async function copySqliteLab(sqliteFile: string, target: PostgresStores, onTable?: (table: string, rows: number) => void): Promise<CopyReport> {
  if (SQLITE_VERSION !== POSTGRES_VERSION) throw new Error(`the SQLite schema is at version ${SQLITE_VERSION}, the PostgreSQL one at ${POSTGRES_VERSION}: this testlab cannot copy between them`);
  const t0 = Date.now();
  // Opening brings an older lab.db up to this testlab's schema, as any testlab command would.
  const source = openSqliteStores(sqliteFile);
  const db = source.store.database;
  try {
    for (const table of LAB_TABLES) {
      const { rows } = await target.pool.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
      if (rows[0]!.n > 0) throw new Error(`the target database already holds rows in ${table}: migrate-store copies into an empty lab database only`);
    }
    const client = await target.pool.connect();
    // A connection lost between two statements is an 'error' event on the client: kept, the next statement fails.
    let lost: Error | undefined;
    client.on('error', (error) => (lost = error));
    const report: CopyReport['tables'] = [];
    try {
      await client.query('BEGIN');
      for (const table of LAB_TABLES) {
        const rows = await copyTable(db, client, table);
        report.push({ table, rows });
        onTable?.(table, rows);
      }
      // Ids came along: the next id each table with an identity id hands out follows the highest copied.
      const { rows: identities } = await client.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() AND column_name = 'id' AND is_identity = 'YES'`,
      );
      for (const { table_name: table } of identities) {
        if (!(LAB_TABLES as readonly string[]).includes(table)) continue;
        await client.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM ${table}), false)`);
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release(lost);
    }
    for (const { table, rows } of report) {
      const { rows: got } = await target.pool.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`);
      if (got[0]!.n !== rows) throw new Error(`after the copy ${table} holds ${got[0]!.n} rows, the source ${rows}`);
    }
    // Now rather than whenever autovacuum gets to a database that grew at once: the planner's statistics, and
    // the visibility map without which the covering indexes (results_by_case for a case's history) still read
    // the table row by row.
    await target.pool.query('VACUUM (ANALYZE)');
    return { tables: report, ms: Date.now() - t0 };
  } finally {
    await source.close();
  }
}

async function copyTable(db: Database.Database, client: pg.PoolClient, table: string): Promise<number> {
  const booleans = BOOLEANS[table] ?? [];
  const json = JSON_COLUMNS[table] ?? [];
  let batch: Record<string, unknown>[] = [];
  let count = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    // json_populate_recordset maps by column name, with PostgreSQL's own conversions (ISO text to timestamptz).
    await client.query(`INSERT INTO ${table} SELECT * FROM json_populate_recordset(NULL::${table}, $1::json)`, [JSON.stringify(batch)]);
    count += batch.length;
    batch = [];
  };
  for (const row of db.prepare(`SELECT * FROM ${table}`).iterate() as IterableIterator<Record<string, unknown>>) {
    for (const c of booleans) if (row[c] !== null) row[c] = row[c] === 1;
    for (const c of json) if (typeof row[c] === 'string') row[c] = JSON.parse(row[c] as string);
    batch.push(row);
    if (batch.length >= 5000) await flush();
  }
  await flush();
  return count;
}
