// labd as a worker host of a lab on PostgreSQL, as a process, nothing mocked (it owns no NUT and builds
// nothing, so no QEMU): a database down at start is waited for with backoff; one that goes away while labd
// runs is logged and waited for, and labd carries on when it is back; a results service that refuses the
// worker's lab token stops it at once, saying so. The dashboard is the real one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { stringify } from 'yaml';
import { openPostgresStores } from '@testlab/store-postgres';
import { outageProxy, testCluster } from '@testlab/store-postgres/throwaway-cluster';
import { LabdProcess, labdMain, repoRoot } from './lab-fixture.js';

const dir = mkdtempSync(path.join(tmpdir(), 'testlab-shared-store-'));
const TOKEN = 'shared-store-token-0123456789abcdef0123456789';
let cluster: Awaited<ReturnType<typeof testCluster>>;
before(async () => {
  cluster = await testCluster();
});
after(async () => {
  await cluster.release();
  rmSync(dir, { recursive: true, force: true });
});

function config(name: string, o: { storeUrl: string; host: Record<string, unknown>; tokenFile?: string; web?: Record<string, unknown> }): string {
  const home = mkdtempSync(path.join(dir, `${name}-`));
  const file = path.join(home, 'labd.yaml');
  writeFileSync(file, stringify({
    home, cache: path.join(home, 'cache'), nutImage: path.join(repoRoot, 'var/nut-image/initramfs.gz'),
    store: { url: o.storeUrl, passwordFile: cluster.cluster.passwordFile },
    testsets: { dir: path.join(repoRoot, 'testsets'), run: ['phase2-host'] },
    queue: { idlePollSeconds: 1 },
    profiles: { qemu: { baseConfig: 'tinyconfig', labFragment: path.join(repoRoot, 'infra/kernel/qemu-nut.config') } },
    nuts: [{ name: 'vm-1', driver: 'qemu', profile: 'qemu', modes: ['host'], knownGood: { bzImage: '/nonexistent/bzImage', kernelRelease: '6.1.0' } }],
    host: { role: 'worker', builds: false, nuts: [], heartbeatSeconds: 1, ...o.host },
    web: { host: '127.0.0.1', port: 8080, ...(o.tokenFile ? { tokenFile: o.tokenFile } : {}), ...o.web },
  }));
  return file;
}

test('a worker whose database is down at start waits for it, and rides out an outage while it runs', { timeout: 180_000 }, async (t) => {
  const url = await cluster.cluster.createDatabase('labd_outage');
  const proxy = await outageProxy(url, { startCut: true });
  const file = config('worker-a', { storeUrl: proxy.url, host: { name: 'worker-a' } });
  const labd = new LabdProcess(file, [], t.signal);
  const direct = await openPostgresStores(url, { password: cluster.password });
  try {
    const waiting = await labd.waitFor((l) => l.msg === 'lab database not answering: trying again', 'waiting for the database');
    assert.match(String(waiting.error), /lab database postgres:\/\/testlab@127\.0\.0\.1:\d+\/labd_outage_\w+: connect ECONNREFUSED/);
    assert.ok(!JSON.stringify(labd.lines).includes(cluster.password), 'the password is never logged');
    await proxy.restore();
    await labd.waitFor((l) => l.msg === 'host announced', 'the announcement once the database answers');
    await labd.waitFor((l) => l.msg === 'lab daemon running', 'labd running');
    const [host] = await direct.hosts.hosts();
    assert.deepEqual([host?.name, host?.roles, host?.nuts], ['worker-a', ['worker'], []]);

    await proxy.cut();
    await labd.waitFor((l) => /is the lab database reachable/.test(String(l.msg)), 'a loop noticing the outage');
    await labd.waitFor((l) => l.msg === 'heartbeat failed: is the lab database reachable?', 'a heartbeat failing');
    const before = (await direct.hosts.hosts())[0]!.lastSeenAt;
    await proxy.restore();
    for (let i = 0; i < 100 && (await direct.hosts.hosts())[0]!.lastSeenAt === before; i++) await new Promise((r) => setTimeout(r, 100));
    assert.notEqual((await direct.hosts.hosts())[0]!.lastSeenAt, before, 'heartbeats again once the database is back');
    assert.equal(labd.child.exitCode, null, 'labd never stopped');
    labd.child.kill('SIGTERM');
    assert.deepEqual(await labd.exited, { code: 0, signal: null });
    assert.notEqual((await direct.hosts.hosts())[0]!.leftAt, null, 'it said goodbye');
  } finally {
    if (labd.child.exitCode === null) await labd.kill9();
    await direct.close();
    await proxy.close();
  }
});

test('a worker whose lab token the results service refuses stops at once, naming the service and its token file', { timeout: 120_000 }, async (t) => {
  const url = await cluster.cluster.createDatabase('labd_token');
  const good = path.join(dir, 'good-token');
  const wrong = path.join(dir, 'wrong-token');
  writeFileSync(good, `${TOKEN}\n`, { mode: 0o600 });
  writeFileSync(wrong, `${TOKEN.replace(/.$/, 'x')}\n`, { mode: 0o600 });
  const webConfig = config('web', { storeUrl: url, host: { role: 'scheduler', name: 'sched' }, tokenFile: good });
  const web = spawn(process.execPath, [path.join(repoRoot, 'apps/web/dist/src/main.js'), '--config', webConfig, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const base = await new Promise<string>((resolve, reject) => {
      createInterface({ input: web.stdout }).on('line', (line) => {
        const m = /"address":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(line);
        if (m) resolve(m[1]!);
      });
      web.once('exit', (code) => reject(new Error(`the dashboard exited (${code})`)));
    });
    const file = config('worker-b', { storeUrl: url, host: { name: 'worker-b', resultsUrl: base }, tokenFile: wrong });
    const labd = spawn(process.execPath, [labdMain, '--config', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    labd.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    t.signal.addEventListener('abort', () => labd.kill('SIGKILL'), { once: true });
    const [code] = (await once(labd, 'exit')) as [number | null];
    assert.equal(code, 2, stderr);
    assert.equal(stderr.trim(), `labd: the results service at ${base} refused the lab token of ${wrong} (HTTP 401): use the token file the dashboard has`);
  } finally {
    web.kill('SIGTERM');
  }
});
