// A lab spread over hosts, on this machine with real processes, nothing mocked: PostgreSQL (a throw-away
// cluster), the dashboard (the results service), a labd scheduler (mail) and two labd workers with separate
// homes and kernel caches, as two hosts would have, each with its own QEMU NUT; only worker-a builds. Kernels
// triggered over the API are built once by worker-a and tested on both workers (worker-b fetches the kernel over
// HTTP, checksums checked). Then a worker is killed with SIGKILL mid-run: the other takes its job over once
// the lease lapses and finishes it; each result is stored once and no email is sent twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { stringify } from 'yaml';
import { openPostgresStores } from '@testlab/store-postgres';
import { testCluster } from '@testlab/store-postgres/throwaway-cluster';
import { SINK_AUTH, startSmtpSink, type ReceivedMail } from '@testlab/notify/test-smtp-sink';
import { cacheDir, cachedKernel, kernelTarball, LabdProcess, nutImage, removeLab, repoRoot, SMOKE_CASES } from './lab-fixture.js';

const skip = cachedKernel() ? false : 'no cached Linux 6.1 build, linux-source tarball or NUT image (run the CLI e2e tests first)';
const webMain = path.join(repoRoot, 'apps/web/dist/src/main.js');
const TOKEN = 'several-hosts-token-0123456789abcdef0123456789';
const SUBSCRIBER = 'dev@example.org';
const SETS = ['smoke-a', 'smoke-b', 'smoke-c'];
const LEASE_SECONDS = 20;

function startWeb(config: string): { child: ChildProcess; address: Promise<string> } {
  const child = spawn(process.execPath, [webMain, '--config', config, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const address = new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const parsed = JSON.parse(line) as { msg?: string; address?: string };
      if (parsed.msg === 'dashboard listening' && parsed.address) resolve(parsed.address);
    });
    child.once('exit', (code) => reject(new Error(`the dashboard exited (${code}) before listening`)));
  });
  address.catch(() => undefined);
  return { child, address };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await probe();
    if (got !== undefined) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(500);
  }
}

test('kernels triggered over the API are built by one worker and tested on both; a worker killed mid-run has its job finished by the other', { skip, timeout: 1_200_000 }, async (t) => {
  const kernel = cachedKernel()!;
  const pg = await testCluster();
  const url = await pg.cluster.createDatabase('several_hosts');
  const smtp = await startSmtpSink();
  const root = await mkdtemp(path.join(os.tmpdir(), 'testlab-hosts-'));
  const testsets = path.join(root, 'testsets');
  await mkdir(testsets);
  await copyFile(path.join(repoRoot, 'testsets/phase2-host.config'), path.join(testsets, 'phase2-host.config'));
  for (const name of SETS) {
    await writeFile(path.join(testsets, `${name}.yaml`), stringify({
      name, title: `three cases of phase2-host (${name})`, mode: 'host', engine: 'builtin', links: 1, kernelConfig: 'phase2-host.config',
      sysctls: { 'net.ipv6.conf.all.forwarding': '0' }, cases: SMOKE_CASES,
    }));
  }
  // One config for the whole lab; each host has its own home, cache and host section.
  const hostConfig = async (name: string, host: Record<string, unknown>, cache?: string): Promise<{ home: string; file: string }> => {
    const home = path.join(root, name);
    await mkdir(home, { mode: 0o700 });
    const tokenFile = path.join(home, 'api-token');
    await writeFile(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
    const file = path.join(home, 'labd.yaml');
    await writeFile(file, stringify({
      home, cache: cache ?? path.join(home, 'cache'), nutImage,
      store: { url, passwordFile: pg.cluster.passwordFile },
      testsets: { dir: testsets, run: SETS },
      queue: { leaseSeconds: LEASE_SECONDS, retryBackoffSeconds: 1, idlePollSeconds: 1 },
      watchdog: { bootDeadlineSeconds: 90, caseDeadlineSeconds: 120 },
      shutdownGraceSeconds: 10,
      profiles: { qemu: { baseConfig: 'tinyconfig', labFragment: path.join(repoRoot, 'infra/kernel/qemu-nut.config') } },
      nuts: ['vm-a', 'vm-b'].map((nut) => ({
        name: nut, driver: 'qemu', profile: 'qemu', modes: ['host'], memoryMiB: 128,
        knownGood: { bzImage: kernel.bzImage, kernelRelease: kernel.kernelRelease },
      })),
      host: { name, heartbeatSeconds: 5, ...host },
      web: { host: '127.0.0.1', port: 8080, tokenFile },
      mail: { smtp: { host: '127.0.0.1', port: smtp.port, tls: 'none', auth: SINK_AUTH }, from: 'testlab <lab@example.org>', baseUrl: 'http://lab.invalid' },
    }), { mode: 0o600 });
    return { home, file };
  };

  const results = await hostConfig('results', { role: 'scheduler', nuts: [] });
  const web = startWeb(results.file);
  const processes: { name: string; labd: LabdProcess; home: string }[] = [];
  const direct = await openPostgresStores(url, { password: pg.password });
  try {
    const base = await web.address;
    // worker-a builds in the machine's kernel cache (Linux 6.1 for this set is usually there already);
    // worker-b builds nothing and has a cache of its own: every kernel it boots came over HTTP.
    const workerA = await hostConfig('worker-a', { role: 'worker', builds: true, nuts: ['vm-a'], resultsUrl: base }, cacheDir);
    const workerB = await hostConfig('worker-b', { role: 'worker', builds: false, nuts: ['vm-b'], resultsUrl: base });
    processes.push({ name: 'scheduler', labd: new LabdProcess(results.file, [], t.signal), home: results.home });
    processes.push({ name: 'worker-a', labd: new LabdProcess(workerA.file, [], t.signal), home: workerA.home });
    processes.push({ name: 'worker-b', labd: new LabdProcess(workerB.file, [], t.signal), home: workerB.home });
    const [scheduler, a, b] = processes.map((p) => p.labd) as [LabdProcess, LabdProcess, LabdProcess];
    for (const p of [scheduler, a, b]) await p.waitFor((l) => l.msg === 'lab daemon running', 'labd running');

    const post = (p: string, body: unknown) =>
      fetch(`${base}${p}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(body) });
    // A subscriber to every run, confirmed from the email the scheduler's outbox sent.
    assert.equal((await post('/api/subscriptions', { email: SUBSCRIBER, scope: 'every-run' })).status, 201);
    const confirmation = await until('the confirmation email', async () => smtp.mails.find((m) => m.rcpt.includes(SUBSCRIBER)), 60_000);
    const link = /http:\/\/lab\.invalid(\/subscriptions\/confirm\?s=\d+&e=\d+&t=[A-Za-z0-9_-]+)/.exec(confirmation.text)?.[1];
    assert.ok(link, confirmation.text);
    assert.equal((await fetch(`${base}${link}`, { method: 'POST' })).status, 200);

    // The dashboard's status lists the three hosts and their NUTs.
    const status = (await (await fetch(`${base}/api/status`)).json()) as { hosts?: { name: string; nuts: { name: string }[] }[] };
    assert.deepEqual(status.hosts?.map((h) => [h.name, h.nuts.map((n) => n.name)]).sort(), [['results', []], ['worker-a', ['vm-a']], ['worker-b', ['vm-b']]]);

    // Part 1: two sets of one kernel: one build (worker-a), one run on each worker.
    const trigger = async (testset: string) => {
      const response = await post('/api/runs', { source: kernelTarball, testset });
      assert.equal(response.status, 202, await response.clone().text());
      return ((await response.json()) as { jobId: number }).jobId;
    };
    const first = [await trigger(SETS[0]!), await trigger(SETS[1]!)];
    const doneRunOf = async (jobId: number) => {
      const job = await direct.queue.get(jobId);
      return job?.status === 'done' && typeof job.progress.runId === 'number' ? job.progress.runId : undefined;
    };
    const firstRuns = await Promise.all(first.map((job) => until(`job ${job} done`, () => doneRunOf(job), 600_000)));
    assert.equal(a.lines.filter((l) => l.msg === 'build started').length, 1, 'worker-a built the kernel once');
    assert.equal(b.lines.filter((l) => l.msg === 'build started').length, 0, 'worker-b builds nothing');
    const hostOf = async (id: number) => (await direct.pool.query<{ owner_host: string }>('SELECT owner_host FROM runs WHERE id = $1', [id])).rows[0]!.owner_host;
    const ranOn = await Promise.all(firstRuns.map(hostOf));
    assert.deepEqual([...ranOn].sort(), ['worker-a', 'worker-b'], 'one run on each worker');
    const built = await direct.store.getRun(firstRuns[0]!);
    const buildRow = (await direct.pool.query<{ cache_key: string }>('SELECT cache_key FROM builds WHERE id = $1', [built!.buildId])).rows[0]!;
    assert.ok(existsSync(path.join(workerB.home, 'cache', 'kernels', buildRow.cache_key, 'bzImage')), 'worker-b fetched the kernel into its own cache');
    assert.ok(existsSync(path.join(results.home, 'kernels', buildRow.cache_key, 'bzImage')), 'the results service holds the uploaded kernel');
    // The dashboard serves the captures of the runs made on both workers (their files were uploaded).
    for (const [i, runId] of firstRuns.entries()) {
      const sent = await (ranOn[i] === 'worker-a' ? a : b).waitFor((l) => l.msg === 'run files sent to the results service' && l.run === runId, `run ${runId}'s files sent`);
      assert.equal(sent.missing, 0);
      const pcap = await fetch(`${base}/runs/${runId}/cases/${encodeURIComponent(SMOKE_CASES[0]!)}/pcaps/0`);
      assert.equal(pcap.status, 200, `run ${runId}'s first capture`);
      const magic = Buffer.from(await pcap.arrayBuffer()).subarray(0, 4).toString('hex');
      assert.ok(['d4c3b2a1', 'a1b2c3d4', '4d3cb2a1', '0a0d0d0a'].includes(magic), `a pcap file, not ${magic}`);
    }

    // Part 2: a third set; whichever worker starts it is killed with SIGKILL while it runs.
    const third = await trigger(SETS[2]!);
    const startedOn = await until('the third run starting', async () => {
      for (const [name, labd] of [['worker-a', a], ['worker-b', b]] as const) if (labd.lines.some((l) => l.msg === 'run started' && l.job === third)) return { name, labd };
      return undefined;
    }, 300_000);
    // Mid-run: wait until its run is in the store, then kill.
    await until('the third run recorded', async () => ((await direct.queue.get(third))?.progress.runId !== undefined ? true : undefined), 120_000);
    await startedOn.labd.kill9();
    const survivor = startedOn.labd === a ? b : a;
    const survivorName = startedOn.name === 'worker-a' ? 'worker-b' : 'worker-a';
    const t0 = Date.now();
    const thirdRun = await until('the third job finished by the other worker', () => doneRunOf(third), 600_000);
    assert.ok(Date.now() - t0 >= (LEASE_SECONDS - 5) * 1000, 'taken over only after the lease lapsed');
    assert.ok(survivor.lines.some((l) => l.msg === 'took back jobs whose lease expired'), 'the survivor took the job back');
    const runsOfThird = (await direct.pool.query<{ id: number; status: string; owner_host: string }>('SELECT id, status, owner_host FROM runs WHERE testset = $1 ORDER BY id', [SETS[2]])).rows;
    assert.deepEqual(runsOfThird.map((r) => [r.status, r.owner_host]), [['unfinished', startedOn.name], ['done', survivorName]]);
    assert.equal(runsOfThird[1]!.id, thirdRun);

    // Each result once: every done run holds each case exactly once.
    for (const runId of [...firstRuns, thirdRun]) {
      const cases = (await direct.store.resultsOf(runId)).map((r) => r.caseId).sort();
      assert.deepEqual(cases, [...SMOKE_CASES].sort(), `run ${runId}`);
    }
    // One email per done run, none for the killed attempt, none twice (waiting past another mail scan).
    const subjectOf = (m: ReceivedMail) => m.headers.get('subject') ?? '';
    const runMails = () => smtp.mails.filter((m) => SETS.some((s) => subjectOf(m).includes(s)));
    await until('three run emails', async () => (runMails().length >= 3 ? true : undefined), 180_000);
    await sleep(45_000);
    assert.deepEqual(runMails().map((m) => SETS.find((s) => subjectOf(m).includes(s))).sort(), [...SETS].sort(), runMails().map(subjectOf).join('\n'));
  } finally {
    for (const { labd } of processes) if (labd.child.exitCode === null && labd.child.signalCode === null) labd.child.kill('SIGTERM');
    await Promise.all(processes.map((p) => p.labd.exited));
    web.child.kill('SIGTERM');
    await direct.close();
    await smtp.close();
    for (const { home } of processes) await removeLab(home);
    await rm(root, { recursive: true, force: true });
    await pg.release();
  }
});
