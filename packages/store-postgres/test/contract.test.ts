// The store contracts' shared suite (packages/store-contract) against a real PostgreSQL: a throw-away cluster
// (the test runner's, or one of this file's own), a fresh database per test.
import { after, before } from 'node:test';
import pg from 'pg';
import type { LabStores } from '@testlab/core';
import { storeContract, type ContractBackend } from '@testlab/store-contract';
import { openPostgresStores } from '../src/index.js';
import { clientConfig } from '../src/connection.js';
import { testCluster } from '../src/throwaway-cluster.js';

let cluster: Awaited<ReturnType<typeof testCluster>>;
// Migrated once, then copied per test (CREATE DATABASE ... TEMPLATE): the migrations have their own tests.
let template: string;
before(async () => {
  cluster = await testCluster();
  const url = await cluster.cluster.createDatabase('contract_template');
  await (await openPostgresStores(url, { password: cluster.password })).close();
  template = new URL(url).pathname.slice(1);
});
after(async () => {
  await cluster.release();
});

const storeModule = new URL('../src/index.js', import.meta.url).href;

const postgres: ContractBackend = {
  name: 'postgres',
  async create(now) {
    const url = await cluster.cluster.createDatabase('contract', template);
    const { password } = cluster;
    const opened: LabStores[] = [];
    const open = async (clock = now, host = 'host-a') => {
      const stores = await openPostgresStores(url, { now: clock, password, maxConnections: 4, host });
      opened.push(stores);
      return stores;
    };
    // Edits behind the contracts' back go through a connection of their own, as a hand's psql would.
    const raw = async <T>(sql: string, params: unknown[] = [], on = url): Promise<T[]> => {
      const client = new pg.Client(clientConfig(on, password));
      await client.connect();
      try {
        return (await client.query(sql, params)).rows as T[];
      } finally {
        await client.end();
      }
    };
    // PostgreSQL cannot write past a CHECK, so a hand's edit drops the ones on that column first (this database only).
    const dropChecks = async (table: string, column: string) => {
      const checks = await raw<{ name: string }>(
        `SELECT conname AS name FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'c' AND pg_get_constraintdef(oid) ~ $2`, [table, `\\m${column}\\M`]);
      for (const { name } of checks) await raw(`ALTER TABLE ${table} DROP CONSTRAINT "${name}"`);
    };
    return {
      stores: await open(),
      reopen: (clock, host) => open(clock, host),
      childPrelude: `import { openPostgresStores } from ${JSON.stringify(storeModule)};
        const stores = await openPostgresStores(${JSON.stringify(url)}, { password: ${JSON.stringify(password)}, host: 'host-a' });`,
      tamper: {
        jobPayload: async (key) => (await raw<{ p: string }>('SELECT payload::text AS p FROM jobs WHERE key = $1', [key]))[0]!.p,
        setJobPayload: async (key, payload) => void (await raw('UPDATE jobs SET payload = $1 WHERE key = $2', [payload, key])),
        jobState: async (key) => (await raw<{ status: string; failureOwner: string | null; error: string | null; leaseOwner: string | null }>(
          'SELECT status, failure_owner AS "failureOwner", error, lease_owner AS "leaseOwner" FROM jobs WHERE key = $1', [key]))[0]!,
        kernelKinds: async () => (await raw<{ kind: string }>('SELECT kind FROM kernels ORDER BY id')).map((r) => r.kind),
        setEveryKernelVersion: async (text) => void (await raw('UPDATE kernels SET version = $1', [text])),
        count: async (table) => Number((await raw<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0]!.n),
        setBisectionColumn: async (id, column, value) => {
          await dropChecks('bisections', column);
          await raw(`UPDATE bisections SET ${column} = $1 WHERE id = $2`, [value, id]);
        },
        setStepColumn: async (id, n, column, value) => {
          await dropChecks('bisection_steps', column);
          await raw(`UPDATE bisection_steps SET ${column} = $1 WHERE bisection_id = $2 AND n = $3`, [value, id, n]);
        },
      },
      async drop() {
        for (const s of opened) await s.close();
        await raw(`DROP DATABASE IF EXISTS ${new URL(url).pathname.slice(1)} WITH (FORCE)`, [], cluster.cluster.url);
      },
    };
  },
};

storeContract(postgres);
