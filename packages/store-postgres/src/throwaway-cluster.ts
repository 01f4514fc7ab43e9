// A throw-away PostgreSQL cluster for tests and the benchmark: Debian's postgresql binaries, `initdb` in a temp
// folder, the server on a free port of 127.0.0.1 as an unprivileged user (postgres refuses to run as root, so
// under root the files and the server belong to the `postgres` account), password authentication over TCP
// for the lab's role, stopped and removed by `stop()`. Nothing is mocked: it is the server a lab would use.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { clientConfig } from './connection.js';

export interface ThrowawayCluster {
  host: string;
  port: number;
  /** The role every test database belongs to; its password is in `passwordFile` (mode 600). */
  user: string;
  passwordFile: string;
  /** `postgres://testlab@127.0.0.1:<port>/postgres`: never carries the password. */
  url: string;
  /** A new database on the cluster, empty or a copy of `template`; its URL (without the password). */
  createDatabase(prefix?: string, template?: string): Promise<string>;
  /** Fast shutdown, then the folder is removed. Idempotent. */
  stop(): Promise<void>;
}

const USER = 'testlab';

/** The newest installed server's bin folder (Debian: /usr/lib/postgresql/<major>/bin), or TESTLAB_POSTGRES_BIN. */
export function postgresBinDir(): string {
  const fromEnv = process.env.TESTLAB_POSTGRES_BIN;
  if (fromEnv) {
    if (!existsSync(path.join(fromEnv, 'initdb'))) throw new Error(`TESTLAB_POSTGRES_BIN=${fromEnv} holds no initdb: name the bin folder of a PostgreSQL server`);
    return fromEnv;
  }
  const base = '/usr/lib/postgresql';
  const majors = existsSync(base) ? readdirSync(base).filter((d) => existsSync(path.join(base, d, 'bin', 'initdb'))) : [];
  majors.sort((a, b) => Number(b) - Number(a));
  if (majors[0] === undefined) {
    throw new Error(`PostgreSQL server binaries not found under ${base}: install Debian's postgresql package (infra/setup.sh does), or set TESTLAB_POSTGRES_BIN`);
  }
  return path.join(base, majors[0], 'bin');
}

/** Under root the server runs as `postgres` (Debian's package creates it); otherwise as ourselves. */
function serverAccount(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const uid = id('-u');
  const gid = id('-g');
  if (uid.status !== 0 || gid.status !== 0) throw new Error('running as root and there is no postgres account to run the test cluster as: install Debian\'s postgresql package');
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** argv that runs `program` as the server account: setpriv execs in place, so the pid we hold is the server's. */
function asServer(account: { uid: number; gid: number } | undefined, program: string, args: string[]): [string, string[]] {
  if (account === undefined) return [program, args];
  return ['setpriv', [`--reuid=${account.uid}`, `--regid=${account.gid}`, '--clear-groups', '--', program, ...args]];
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

export async function startThrowawayCluster(options: { readyTimeoutMs?: number } = {}): Promise<ThrowawayCluster> {
  const bin = postgresBinDir();
  const account = serverAccount();
  const root = mkdtempSync(path.join(tmpdir(), 'testlab-pg-'));
  const data = path.join(root, 'data');
  const sockets = path.join(root, 'run');
  const password = randomBytes(18).toString('base64url');
  const passwordFile = path.join(root, 'password');
  writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  const initPassword = path.join(root, 'init-password');
  writeFileSync(initPassword, password, { mode: 0o600 });
  mkdirSync(sockets);
  if (account) {
    chmodSync(root, 0o755);
    chownSync(initPassword, account.uid, account.gid);
    chownSync(sockets, account.uid, account.gid);
    mkdirSync(data, { mode: 0o700 });
    chownSync(data, account.uid, account.gid);
  }
  let server: ChildProcess | undefined;
  const stop = async () => {
    const s = server;
    server = undefined;
    if (s && s.exitCode === null && s.signalCode === null) {
      const exited = new Promise<void>((resolve) => s.once('exit', () => resolve()));
      s.kill('SIGINT'); // fast shutdown: clients are disconnected, no waiting for them
      const timer = setTimeout(() => s.kill('SIGQUIT'), 15_000);
      await exited;
      clearTimeout(timer);
    }
    process.removeListener('exit', killOnExit);
    rmSync(root, { recursive: true, force: true });
  };
  // A test process that ends without stop(): the server goes with it, and so does its folder.
  const killOnExit = () => {
    server?.kill('SIGQUIT');
    rmSync(root, { recursive: true, force: true });
  };
  try {
    const [initdb, initArgs] = asServer(account, path.join(bin, 'initdb'), [
      '-D', data, '-U', USER, `--pwfile=${initPassword}`, '--auth-local=trust', '--auth-host=scram-sha-256',
      '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions',
    ]);
    const init = spawnSync(initdb, initArgs, { encoding: 'utf8', cwd: root });
    if (init.status !== 0) throw new Error(`initdb failed (${init.status ?? init.signal}): ${init.stderr || init.stdout}`);
    rmSync(initPassword);
    // A free port can be taken between asking and binding: try a few.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      const log = path.join(root, `postgres-${port}.log`);
      writeFileSync(log, '');
      if (account) chownSync(log, account.uid, account.gid);
      const [postgres, args] = asServer(account, path.join(bin, 'postgres'), [
        '-D', data, '-p', String(port), '-k', sockets, '-c', 'listen_addresses=127.0.0.1',
        // A throw-away cluster: durability is not wanted, speed is.
        '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200',
      ]);
      const child = spawn(postgres, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], detached: false });
      server = child;
      process.on('exit', killOnExit);
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
      const ready = await waitReady(port, password, child, options.readyTimeoutMs ?? 60_000);
      if (ready === true) {
        const url = `postgres://${USER}@127.0.0.1:${port}/postgres`;
        return {
          host: '127.0.0.1', port, user: USER, passwordFile, url, stop,
          createDatabase: (prefix = 'testlab', template?: string) => createDatabase(url, password, prefix, template),
        };
      }
      server = undefined;
      if (attempt >= 3 || !/could not bind|Address already in use/.test(stderr)) {
        throw new Error(`the throw-away PostgreSQL server did not start: ${ready}\n${stderr || readFileSync(log, 'utf8')}`);
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
}

/** true once a login works; otherwise why not (the server exited, or the time ran out). */
async function waitReady(port: number, password: string, child: ChildProcess, timeoutMs: number): Promise<true | string> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return `postgres exited (${child.exitCode ?? child.signalCode})`;
    const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password, database: 'postgres', connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.end();
      return true;
    } catch (error) {
      last = (error as Error).message;
      await client.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  child.kill('SIGQUIT');
  return `not accepting logins after ${timeoutMs} ms (${last})`;
}

async function createDatabase(url: string, password: string, prefix: string, template?: string): Promise<string> {
  const identifier = /^[a-z][a-z0-9_]{0,40}$/;
  if (!identifier.test(prefix)) throw new Error(`database prefix must be lower-case letters, digits and _, got ${JSON.stringify(prefix)}`);
  if (template !== undefined && !identifier.test(template)) throw new Error(`template must be a database name, got ${JSON.stringify(template)}`);
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const client = new pg.Client(clientConfig(url, password));
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  } finally {
    await client.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * The cluster a test file uses: the one the test runner started for the whole phase (TESTLAB_TEST_POSTGRES_URL
 * and TESTLAB_TEST_POSTGRES_PASSWORD_FILE, from infra/run-tests.mjs), else one of its own, stopped by `release`.
 */
export async function testCluster(): Promise<{ cluster: Pick<ThrowawayCluster, 'url' | 'passwordFile' | 'createDatabase'>; password: string; release: () => Promise<void> }> {
  const url = process.env.TESTLAB_TEST_POSTGRES_URL;
  const passwordFile = process.env.TESTLAB_TEST_POSTGRES_PASSWORD_FILE;
  if (url && passwordFile) {
    const password = readFileSync(passwordFile, 'utf8').trim();
    return { cluster: { url, passwordFile, createDatabase: (prefix = 'testlab', template?: string) => createDatabase(url, password, prefix, template) }, password, release: async () => undefined };
  }
  const own = await startThrowawayCluster();
  return { cluster: own, password: readFileSync(own.passwordFile, 'utf8').trim(), release: own.stop };
}
export { outageProxy, type OutageProxy } from './outage-proxy.js';
