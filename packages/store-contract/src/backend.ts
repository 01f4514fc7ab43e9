// What a store backend gives the contract suite: fresh lab databases with every contract open on them, a second
// opening of the same database (another lab process), and the few edits only a hand or an older lab would make.
import type { LabStores } from '@testlab/core';

export interface ContractBackend {
  /** `sqlite`, `postgres`: prefixes every test's name. */
  name: string;
  /**
   * A new, empty, migrated lab database; every timestamp the contracts write comes from `now`. Its contracts
   * belong to a process on host `host-a` (runs it starts name that host).
   */
  create(now: () => Date): Promise<TestLab>;
}

export interface TestLab {
  stores: LabStores;
  /** The same database opened again, as another lab process would: its own connection(s), on `host` (default `host-a`). */
  reopen(now?: () => Date, host?: string): Promise<LabStores>;
  /** Edits behind the contracts' back, for the tests of what the contracts refuse to read. */
  tamper: Tamper;
  /**
   * An ES module prelude that opens this database as `const stores` (a LabStores) in a child process:
   * the crash tests kill that child with SIGKILL.
   */
  childPrelude: string;
  /** Closes what is still open and removes the database. */
  drop(): Promise<void>;
}

export interface Tamper {
  jobPayload(key: string): Promise<string>;
  setJobPayload(key: string, payload: string): Promise<void>;
  /** The columns a failed lease leaves, read without decoding the payload. */
  jobState(key: string): Promise<{ status: string; failureOwner: string | null; error: string | null; leaseOwner: string | null }>;
  kernelKinds(): Promise<string[]>;
  /** Rewrites every kernel's version text, as a hand editing the database would. */
  setEveryKernelVersion(text: string): Promise<void>;
  /** Rows in one of the lab's tables. */
  count(table: 'result_pcaps' | 'results' | 'jobs' | 'outbox' | 'runs' | 'bisections' | 'bisection_steps'): Promise<number>;
  /** Writes one column of a bisection as a hand would, past the schema's CHECKs (JSON columns as their text). */
  setBisectionColumn(id: number, column: string, value: string): Promise<void>;
  /** The same for step `n` of a bisection. */
  setStepColumn(id: number, n: number, column: string, value: string): Promise<void>;
}
