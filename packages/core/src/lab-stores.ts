// Every store contract of one lab database, opened together: what a lab process gets from the store factory,
// whichever backend holds the lab (an SQLite file, PostgreSQL). A new contract is one more field here, opened
// by each backend's `open...Stores` and covered by a suite of packages/store-contract run against both.
import type { BisectionStore } from './bisections.js';
import type { ResultsQuery } from './diffs.js';
import type { HostRegistry } from './hosts.js';
import type { Outbox, SubscriptionStore } from './notify.js';
import type { JobQueue } from './queue.js';
import type { LabStore } from './store.js';

export interface LabStores {
  /** `sqlite` or `postgres`: for logs and `testlab status`, never for branching on behaviour. */
  readonly backend: string;
  store: LabStore;
  queue: JobQueue;
  results: ResultsQuery;
  subscriptions: SubscriptionStore;
  outbox: Outbox;
  hosts: HostRegistry;
  bisections: BisectionStore;
  /** Closes every contract's connection (one pool or one file for all). */
  close(): Promise<void>;
}

/**
 * Where a lab's database is: an SQLite file (the embedded default, `<home>/lab.db`) or a PostgreSQL database.
 * The password of a PostgreSQL role is never part of it: it is read, when the store opens, from a file only its
 * owner can read (`passwordFile`) or from an environment variable (`passwordEnv`); without either, the client's
 * own PGPASSWORD or ~/.pgpass applies.
 */
export type StoreLocation =
  | { backend: 'sqlite'; file: string }
  | { backend: 'postgres'; url: string; passwordFile?: string; passwordEnv?: string };

/** A `postgres://` location from what the lab config or $TESTLAB_STORE says; a URL carrying a password is refused. */
export function postgresLocation(url: string, password: { file?: string; env?: string } = {}): StoreLocation {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`not a URL: expected postgres://user@host:port/database`);
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') throw new Error(`expected a postgres:// URL, got ${u.protocol}//...`);
  if (u.password !== '') {
    throw new Error('the URL carries a password, which anyone who can read the config or the logs would learn: put it in a file (passwordFile, mode 600) or the environment (passwordEnv)');
  }
  if (u.hostname === '') throw new Error('the URL names no host');
  if (u.pathname.length <= 1) throw new Error('the URL names no database (postgres://user@host:port/database)');
  if (password.file !== undefined && password.env !== undefined) throw new Error('give passwordFile or passwordEnv, not both');
  if (password.env !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(password.env)) throw new Error(`passwordEnv must be an environment variable's name, got ${JSON.stringify(password.env)}`);
  return {
    backend: 'postgres',
    url,
    ...(password.file !== undefined ? { passwordFile: password.file } : {}),
    ...(password.env !== undefined ? { passwordEnv: password.env } : {}),
  };
}

/** How a location is shown in logs and status lines: never a password. */
export function describeStoreLocation(location: StoreLocation): string {
  if (location.backend === 'sqlite') return `SQLite ${location.file}`;
  const u = new URL(location.url);
  u.password = '';
  return `PostgreSQL ${u.toString()}`;
}
