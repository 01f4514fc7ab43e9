// The connection pool every PostgreSQL contract of one lab process shares, with the value conversions the
// contracts expect: bigint ids and counts as numbers, timestamps as the ISO text SQLite stores, JSON columns
// as their text (decoded, and validated, where they are read, as on SQLite).
import pg from 'pg';
import { parse } from 'pg-connection-string';

export interface PostgresStoreOptions {
  /** The clock for every timestamp the store writes; tests pin it. */
  now?: () => Date;
  /** The role's password when the URL carries none (the lab config reads it from a file or the environment). */
  password?: string;
  /** Most connections this process opens (default 10). */
  maxConnections?: number;
  /** Shown in pg_stat_activity: which lab process holds a connection. */
  applicationName?: string;
  /** The host this process runs on (runs it starts name it). Default: os.hostname(). */
  host?: string;
  /** Told about errors of idle connections (the server restarted): the next query reconnects. */
  onIdleError?: (error: Error) => void;
}

const INT8 = 20;
const INT8_ARRAY = 1016;
const JSON_OID = 114;
const JSONB = 3802;
const TIMESTAMPTZ = 1184;

const parseTimestamp = pg.types.getTypeParser(TIMESTAMPTZ, 'text') as (text: string) => Date;
const parseTextArray = pg.types.getTypeParser(INT8_ARRAY as Parameters<typeof pg.types.getTypeParser>[0], 'text') as (text: string) => (string | null)[];

function parseInt8(text: string): number {
  const n = Number(text);
  // Ids and counts of a lab stay far below 2^53; one above it would be silently rounded, so refuse it.
  if (!Number.isSafeInteger(n)) throw new Error(`integer ${text} from the database is beyond what JavaScript holds exactly`);
  return n;
}

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8) return parseInt8;
    if (oid === INT8_ARRAY) return (text: string) => parseTextArray(text).map((v) => (v === null ? null : parseInt8(v)));
    if (oid === JSON_OID || oid === JSONB) return (text: string) => text;
    if (oid === TIMESTAMPTZ) return (text: string) => parseTimestamp(text).toISOString();
    return pg.types.getTypeParser(oid, format ?? 'text');
  },
} as pg.CustomTypesConfig;

/** The URL as it may be logged: user, host, port and database, never a password. */
export function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/**
 * Connection settings from a `postgres://` URL with the password given apart (from a file or the environment):
 * node-postgres would let the URL's empty password win over one passed beside `connectionString`.
 */
export function clientConfig(url: string, password?: string): pg.ClientConfig {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`store: not a PostgreSQL URL: ${redactedUrl(url)}`);
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw new Error(`store: not a PostgreSQL URL: ${redactedUrl(url)}`);
  const { password: inUrl, ...rest } = parse(url);
  const chosen = password ?? (inUrl || undefined);
  return { ...(rest as pg.ClientConfig), ...(chosen !== undefined ? { password: chosen } : {}) };
}

export function createPool(url: string, options: PostgresStoreOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    ...clientConfig(url, options.password),
    max: options.maxConnections ?? 10,
    application_name: options.applicationName ?? 'testlab',
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    // Timestamps are compared and shown in UTC, whatever the server's default.
    options: '-c TimeZone=UTC',
    types,
  });
  // Without a listener an idle connection's error (server restart) would end the process.
  pool.on('error', (error) => options.onIdleError?.(error));
  return pool;
}

/**
 * A connection taken from the pool for a while (a transaction, the migrations). node-postgres reports a
 * connection lost between two queries as an 'error' event on the client, which would end the process if
 * nobody listened: it is kept here, the next query fails with it, and the broken client is dropped, not reused.
 */
export async function withClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let lost: Error | undefined;
  const onError = (error: Error) => (lost = error);
  client.on('error', onError);
  try {
    return await work(client);
  } catch (error) {
    lost ??= isConnectionError(error) ? (error as Error) : undefined;
    throw error;
  } finally {
    client.removeListener('error', onError);
    client.release(lost);
  }
}

const isConnectionError = (error: unknown) => sqlState(error) === undefined && /ECONNRESET|ECONNREFUSED|EPIPE|Connection terminated/i.test(String((error as Error)?.message));

/** Runs `work` in one transaction on one connection; rolls back on any error. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, mode = ''): Promise<T> {
  return withClient(pool, async (client) => {
    try {
      await client.query(`BEGIN ${mode}`);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}

/** A PostgreSQL error's SQLSTATE (23505 unique, 23503 foreign key, 23514 check), if it is one. */
export function sqlState(error: unknown): string | undefined {
  return error instanceof pg.DatabaseError ? error.code : undefined;
}

/** The schema's refusals said in the lab's words, like the SQLite store says them. */
export function explainRefusal(what: string, error: unknown): Error {
  const code = sqlState(error);
  if (code === undefined) return error instanceof Error ? error : new Error(String(error));
  const why =
    code === '23505' ? 'already recorded'
      : code === '23503' ? 'no such run'
        : code === '23514' ? `value refused by the schema (${(error as Error).message})`
          : (error as Error).message;
  return new Error(`${what}: ${why}`, { cause: error });
}
