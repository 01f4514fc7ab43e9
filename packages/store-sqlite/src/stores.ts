// Every store contract of a lab on one SQLite file, on one connection: what the store factory hands labd, the
// dashboard and the CLI when the lab config names no PostgreSQL database.
import type { LabStores } from '@testlab/core';
import { SqliteBisections } from './bisections.js';
import { SqliteHosts } from './hosts.js';
import { SqliteOutbox } from './outbox.js';
import { SqliteResults } from './queries.js';
import { SqliteJobQueue } from './queue.js';
import { SqliteStore, type SqliteStoreOptions } from './store.js';
import { SqliteSubscriptionStore } from './subscriptions.js';

export interface SqliteStores extends LabStores {
  store: SqliteStore;
  queue: SqliteJobQueue;
  results: SqliteResults;
  subscriptions: SqliteSubscriptionStore;
  outbox: SqliteOutbox;
  hosts: SqliteHosts;
  bisections: SqliteBisections;
}

/** Opens (creating and migrating if needed) the lab database at `path` with every contract on it. */
export function openSqliteStores(path: string, options: SqliteStoreOptions = {}): SqliteStores {
  const now = options.now ?? (() => new Date());
  const store = SqliteStore.open(path, { now, ...(options.host !== undefined ? { host: options.host } : {}) });
  const db = store.database;
  return {
    backend: 'sqlite',
    store,
    queue: SqliteJobQueue.on(db, now),
    results: new SqliteResults(db, now),
    subscriptions: new SqliteSubscriptionStore(db, now),
    outbox: new SqliteOutbox(db, now),
    hosts: new SqliteHosts(db, now),
    bisections: new SqliteBisections(db, now),
    close: () => store.close(),
  };
}
