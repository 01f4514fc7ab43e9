// Every store contract of one lab database, opened together: what a lab process gets from the store factory,
// whichever backend holds the lab (an SQLite file, PostgreSQL). A new contract is one more field here, opened
// by each backend's `open...Stores` and covered by a suite of packages/store-contract run against both.
import type { ResultsQuery } from './diffs.js';
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
  /** Closes every contract's connection (one pool or one file for all). */
  close(): Promise<void>;
}
