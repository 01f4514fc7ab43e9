// @testlab/stores: the one way a lab process (labd, the dashboard, the CLI) opens the lab's database: SQLite
// or PostgreSQL, as the lab config's `store` says, with every store contract on it. A PostgreSQL that does not
// answer yet (a host booting, the database restarting) is retried with backoff when the caller asks for it;
// what cannot get better by waiting (a wrong password, a newer schema) fails at once, saying what is wrong.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import pRetry, { AbortError } from 'p-retry';
import { describeStoreLocation, type LabStores, type StoreLocation } from '@testlab/core';
import { openSqliteStores } from '@testlab/store-sqlite';
import { openPostgresStores, SchemaTooNewError } from '@testlab/store-postgres';
import { storePassword, StorePasswordError } from './password.js';

export { readPasswordFile, storePassword, StorePasswordError } from './password.js';
export { describeStoreLocation };
export { copySqliteLab, LAB_TABLES, type CopyReport } from './copy-lab.js';

export interface OpenStoresOptions {
  now?: () => Date;
  /** The host this process runs on in the lab (runs it starts name it). Default: os.hostname(). */
  host?: string;
  /** Who holds a PostgreSQL connection (pg_stat_activity): `labd worker@host-b`. */
  applicationName?: string;
  /** Keep trying a PostgreSQL that does not answer for this long (default: try once). */
  retryForMs?: number;
  /** Told before each wait: log it. */
  onRetry?: (error: Error, attempt: number, nextInMs: number) => void;
  env?: NodeJS.ProcessEnv;
}

/** The database is not answering (yet): worth another try after a pause. Everything else is final. */
export function isTransient(error: unknown): boolean {
  const e = error as { code?: string; message?: string; cause?: unknown };
  const codes = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EPIPE'];
  // 57P01-57P03: shut down or starting up; 53300: too many connections; 08xxx: connection exceptions.
  if (typeof e?.code === 'string' && (codes.includes(e.code) || /^(57P0[123]|53300|08...)$/.test(e.code))) return true;
  if (typeof e?.message === 'string' && /Connection terminated|timeout exceeded when trying to connect|the database system is (starting up|shutting down)/i.test(e.message)) return true;
  return e?.cause !== undefined && e.cause !== error && isTransient(e.cause);
}

export async function openLabStores(location: StoreLocation, options: OpenStoresOptions = {}): Promise<LabStores> {
  if (location.backend === 'sqlite') {
    await mkdir(path.dirname(location.file), { recursive: true });
    return openSqliteStores(location.file, { ...(options.now ? { now: options.now } : {}), ...(options.host ? { host: options.host } : {}) });
  }
  const password = await storePassword(location, options.env);
  const open = () =>
    openPostgresStores(location.url, {
      ...(options.now ? { now: options.now } : {}),
      ...(password !== undefined ? { password } : {}),
      ...(options.applicationName ? { applicationName: options.applicationName } : {}),
      ...(options.host ? { host: options.host } : {}),
    });
  const forMs = options.retryForMs ?? 0;
  if (forMs <= 0) return open();
  return pRetry(
    async () => {
      try {
        return await open();
      } catch (error) {
        if (!isTransient(error) || error instanceof SchemaTooNewError || error instanceof StorePasswordError) throw new AbortError(error as Error);
        throw error;
      }
    },
    {
      retries: 1000,
      minTimeout: 1000,
      maxTimeout: 30_000,
      factor: 2,
      maxRetryTime: forMs,
      onFailedAttempt: (error) => {
        if (error.retriesLeft > 0) options.onRetry?.(error, error.attemptNumber, Math.min(30_000, 1000 * 2 ** (error.attemptNumber - 1)));
      },
    },
  ).catch((error: unknown) => {
    if (!isTransient(error)) throw error;
    throw new Error(`${describeStoreLocation(location)} did not answer within ${Math.round(forMs / 1000)} s: ${(error as Error).message}`, { cause: error });
  });
}
