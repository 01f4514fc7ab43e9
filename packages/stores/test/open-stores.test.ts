// The store factory: SQLite or PostgreSQL as the location says; the password from a file only its owner can
// read or from the environment, never in a message; a database down at start retried with backoff until it
// answers; what waiting cannot mend fails at once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { postgresLocation } from '@testlab/core';
import { testCluster } from '@testlab/store-postgres/throwaway-cluster';
import { openLabStores } from '../src/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'testlab-stores-'));
let cluster: Awaited<ReturnType<typeof testCluster>>;
before(async () => {
  cluster = await testCluster();
});
after(async () => {
  await cluster.release();
  rmSync(dir, { recursive: true, force: true });
});

function passwordFile(mode: number): string {
  const file = path.join(dir, `password-${mode.toString(8)}-${Math.random().toString(36).slice(2)}`);
  writeFileSync(file, `${cluster.password}\n`);
  chmodSync(file, mode);
  return file;
}

test('no store configured: SQLite in the lab home, the folder made if needed', async () => {
  const stores = await openLabStores({ backend: 'sqlite', file: path.join(dir, 'new-home', 'lab.db') });
  assert.equal(stores.backend, 'sqlite');
  const run = await stores.store.startRun({ testset: 't', nut: 'host', sourceLabel: 'x', ownerPid: 1 });
  assert.equal((await stores.results.run(run.id))?.status, 'running');
  await stores.close();
});

test('PostgreSQL with the password from a file (mode 600), or from the environment', async () => {
  const url = await cluster.cluster.createDatabase('stores');
  const fromFile = await openLabStores(postgresLocation(url, { file: passwordFile(0o600) }));
  assert.equal(fromFile.backend, 'postgres');
  await fromFile.store.startRun({ testset: 't', nut: 'host', sourceLabel: 'x', ownerPid: 1 });
  await fromFile.close();
  const fromEnv = await openLabStores(postgresLocation(url, { env: 'LAB_DB_PASSWORD' }), { env: { LAB_DB_PASSWORD: cluster.password } });
  assert.equal((await fromEnv.store.listRuns()).length, 1, 'the same database');
  await fromEnv.close();
});

test('a password file others can read, an unset variable, a wrong password: refused at once, the password never shown', async () => {
  const url = await cluster.cluster.createDatabase('stores_refused');
  const loose = passwordFile(0o644);
  await assert.rejects(openLabStores(postgresLocation(url, { file: loose }), { retryForMs: 60_000 }), (e: unknown) => {
    assert.equal((e as Error).message, `store password file ${loose}: readable by group or others (mode 644): chmod 600 it`);
    return true;
  });
  await assert.rejects(openLabStores(postgresLocation(url, { env: 'NOT_SET_HERE' }), { env: {} }), /passwordEnv names NOT_SET_HERE, which is not set/);
  const wrong = path.join(dir, 'wrong');
  writeFileSync(wrong, 'not-the-password', { mode: 0o600 });
  const t0 = Date.now();
  await assert.rejects(openLabStores(postgresLocation(url, { file: wrong }), { retryForMs: 60_000 }), (e: unknown) => {
    const message = (e as Error).message;
    assert.match(message, /^lab database postgres:\/\/testlab@127\.0\.0\.1:\d+\/stores_refused_\w+: password authentication failed/);
    assert.ok(!message.includes('not-the-password') && !message.includes(cluster.password));
    return true;
  });
  assert.ok(Date.now() - t0 < 20_000, 'not retried: waiting cannot fix a password');
});

/** A TCP port that refuses connections until `open()` starts forwarding it to the cluster. */
async function lateDatabase(target: URL): Promise<{ url: string; open: () => Promise<void>; close: () => Promise<void> }> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  let server: Server | undefined;
  const late = new URL(target);
  late.port = String(port);
  return {
    url: late.toString(),
    open: () => new Promise<void>((resolve) => {
      server = createServer((socket) => {
        const upstream = connect(Number(target.port), target.hostname);
        socket.pipe(upstream).pipe(socket);
        socket.on('error', () => upstream.destroy());
        upstream.on('error', () => socket.destroy());
      });
      server.listen(port, '127.0.0.1', resolve);
    }),
    close: () => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())),
  };
}

test('a database that is down at start is retried with backoff and opened once it answers', async () => {
  const url = new URL(await cluster.cluster.createDatabase('stores_late'));
  const late = await lateDatabase(url);
  const retries: { attempt: number; message: string }[] = [];
  const opening = openLabStores(postgresLocation(late.url, { file: passwordFile(0o600) }), {
    retryForMs: 120_000,
    onRetry: (error, attempt) => retries.push({ attempt, message: error.message }),
  });
  await new Promise((r) => setTimeout(r, 2500));
  await late.open();
  const stores = await opening;
  assert.ok(retries.length >= 1, 'it waited at least once');
  assert.match(retries[0]!.message, new RegExp(`lab database postgres://testlab@127\\.0\\.0\\.1:${new URL(late.url).port}/.*ECONNREFUSED`));
  assert.deepEqual(await stores.store.listRuns(), []);
  await stores.close();
  await late.close();
});

test('a database that stays down: a clear error once the time is up', async () => {
  const late = await lateDatabase(new URL(await cluster.cluster.createDatabase('stores_down')));
  await assert.rejects(
    openLabStores(postgresLocation(late.url, { file: passwordFile(0o600) }), { retryForMs: 2500 }),
    /PostgreSQL postgres:\/\/testlab@127\.0\.0\.1:\d+\/stores_down_\w+ did not answer within 3 s: lab database .*ECONNREFUSED/,
  );
});
