// @testlab/store-postgres: every store contract of a lab on PostgreSQL, for labs spread over several hosts.
import type { LabStores } from '@testlab/core';
import { createPool, redactedUrl, type PostgresStoreOptions } from './connection.js';
import { applyMigrations, MIGRATION_LOCK, SchemaTooNewError } from './migrate.js';
import { migrations } from './migrations.js';
import { hostname } from 'node:os';
import { PostgresBisections } from './bisections.js';
import { PostgresHosts } from './hosts.js';
import { PostgresOutbox } from './outbox.js';
import { PostgresResults } from './queries.js';
import { PostgresJobQueue } from './queue.js';
import { PostgresStore } from './store.js';
import { PostgresSubscriptionStore } from './subscriptions.js';

export { migrations, LATEST_SCHEMA_VERSION, type Migration } from './migrations.js';
export { SchemaTooNewError, MIGRATION_LOCK };
export { redactedUrl, type PostgresStoreOptions } from './connection.js';
export { PostgresStore, PostgresJobQueue, PostgresResults, PostgresSubscriptionStore, PostgresOutbox, PostgresHosts, PostgresBisections };

export interface PostgresStores extends LabStores {
  store: PostgresStore;
  queue: PostgresJobQueue;
  results: PostgresResults;
  subscriptions: PostgresSubscriptionStore;
  outbox: PostgresOutbox;
  hosts: PostgresHosts;
  bisections: PostgresBisections;
  /** The pool, for tests and maintenance (`testlab migrate-store`, `gc`); not for lab code. */
  readonly pool: import('pg').Pool;
}

/**
 * Connects to the lab database at `url` (the password from `options.password` when the URL has none), brings its
 * schema up to date (once across processes: advisory lock) and opens every contract on one pool.
 */
export async function openPostgresStores(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStores> {
  const now = options.now ?? (() => new Date());
  const pool = createPool(url, options);
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= pool.end());
  try {
    await applyMigrations(pool, migrations, now, redactedUrl(url));
  } catch (error) {
    await close().catch(() => undefined);
    if (error instanceof SchemaTooNewError) throw error;
    // Connection refused, authentication, a database that does not exist: say which database, never the password.
    throw new Error(`lab database ${redactedUrl(url)}: ${(error as Error).message}`, { cause: error });
  }
  return {
    backend: 'postgres',
    pool,
    store: new PostgresStore(pool, now, close, options.host ?? hostname()),
    queue: new PostgresJobQueue(pool, now, close),
    results: new PostgresResults(pool, now),
    subscriptions: new PostgresSubscriptionStore(pool, now),
    outbox: new PostgresOutbox(pool, now),
    hosts: new PostgresHosts(pool, now),
    bisections: new PostgresBisections(pool, now),
    close,
  };
}
