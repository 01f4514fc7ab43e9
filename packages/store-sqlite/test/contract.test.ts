// The store contracts' shared suite (packages/store-contract) against SQLite: a fresh file per test.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { LabStores } from '@testlab/core';
import { storeContract, type ContractBackend } from '@testlab/store-contract';
import { openSqliteStores } from '../src/index.js';

const storeModule = new URL('../src/index.js', import.meta.url).href;

const sqlite: ContractBackend = {
  name: 'sqlite',
  async create(now) {
    const dir = mkdtempSync(path.join(tmpdir(), 'testlab-contract-'));
    const file = path.join(dir, 'lab.db');
    const opened: LabStores[] = [];
    const open = (clock = now, host = 'host-a') => {
      const stores = openSqliteStores(file, { now: clock, host });
      opened.push(stores);
      return stores;
    };
    // Edits behind the contracts' back go through a connection of their own, as a hand's sqlite3 would.
    const raw = <T>(work: (db: Database.Database) => T): T => {
      const db = new Database(file);
      try {
        return work(db);
      } finally {
        db.close();
      }
    };
    // A hand's edit need not pass the schema's CHECKs: the store must still refuse to read what it never writes.
    const unchecked = (db: Database.Database) => (db.pragma('ignore_check_constraints = ON'), db);
    return {
      stores: open(),
      reopen: async (clock, host) => open(clock, host),
      childPrelude: `import { openSqliteStores } from ${JSON.stringify(storeModule)};\nconst stores = openSqliteStores(${JSON.stringify(file)}, { host: 'host-a' });`,
      tamper: {
        jobPayload: async (key) => raw((db) => db.prepare<[string], string>('SELECT payload FROM jobs WHERE key = ?').pluck().get(key)!),
        setJobPayload: async (key, payload) => void raw((db) => db.prepare('UPDATE jobs SET payload = ? WHERE key = ?').run(payload, key)),
        jobState: async (key) => raw((db) => db.prepare<[string], { status: string; failureOwner: string | null; error: string | null; leaseOwner: string | null }>(
          'SELECT status, failure_owner AS failureOwner, error, lease_owner AS leaseOwner FROM jobs WHERE key = ?').get(key)!),
        kernelKinds: async () => raw((db) => db.prepare<[], string>('SELECT kind FROM kernels ORDER BY id').pluck().all()),
        setEveryKernelVersion: async (text) => void raw((db) => db.prepare('UPDATE kernels SET version = ?').run(text)),
        count: async (table) => raw((db) => db.prepare<[], number>(`SELECT count(*) FROM ${table}`).pluck().get()!),
        setBisectionColumn: async (id, column, value) => void raw((db) => unchecked(db).prepare(`UPDATE bisections SET ${column} = ? WHERE id = ?`).run(value, id)),
        setStepColumn: async (id, n, column, value) =>
          void raw((db) => unchecked(db).prepare(`UPDATE bisection_steps SET ${column} = ? WHERE bisection_id = ? AND n = ?`).run(value, id, n)),
      },
      async drop() {
        for (const s of opened) await s.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

storeContract(sqlite);
