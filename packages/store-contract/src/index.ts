// @testlab/store-contract: the store contracts' test suite, one for every backend. A backend's test file calls
// `storeContract(backend)`; a new contract (a new field of core's LabStores) gets a new `*.suite.ts` here and
// one line below, and then runs against SQLite and PostgreSQL alike.
import type { ContractBackend } from './backend.js';
import { bisectionsContract } from './bisections.suite.js';
import { crashContract } from './crash.suite.js';
import { hostsContract } from './hosts.suite.js';
import { importedRunContract } from './imported-run.suite.js';
import { labStoreContract } from './lab-store.suite.js';
import { outboxContract } from './outbox.suite.js';
import { queueContract } from './queue.suite.js';
import { resultsContract } from './results.suite.js';
import { runListContract } from './run-list.suite.js';
import { subscriptionsContract } from './subscriptions.suite.js';

export type { ContractBackend, TestLab, Tamper } from './backend.js';
export { Clock, caseResult, finishedRun, ISO_UTC } from './fixtures.js';

/** Every contract's suite against `backend`. */
export function storeContract(backend: ContractBackend): void {
  labStoreContract(backend);
  importedRunContract(backend);
  crashContract(backend);
  queueContract(backend);
  resultsContract(backend);
  runListContract(backend);
  subscriptionsContract(backend);
  outboxContract(backend);
  hostsContract(backend);
  bisectionsContract(backend);
}
