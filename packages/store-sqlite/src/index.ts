// @testlab/store-sqlite: the lab's embedded LabStore on a single SQLite file.
export { openSqliteStore, SqliteStore, type SqliteStoreOptions } from './store.js';
export { migrations, LATEST_SCHEMA_VERSION, type Migration } from './migrations.js';
export { SchemaTooNewError } from './migrate.js';
export { SqliteSubscriptionStore, subscriptionStoreOn } from './subscriptions.js';
export { SqliteOutbox, outboxOn } from './outbox.js';
export { openSqliteJobQueue, SqliteJobQueue, type SqliteJobQueueOptions } from './queue.js';
export { SqliteResults, resultsQueryOn } from './queries.js';
export { openSqliteStores, type SqliteStores } from './stores.js';
export { SqliteHosts } from './hosts.js';
export { SqliteBisections } from './bisections.js';
