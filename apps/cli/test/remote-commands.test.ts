// The commands that talk to a running lab, run as the real `testlab` binary against an HTTP server on
// loopback that answers like the lab's API (the web app cannot be imported here: apps do not depend on
// apps). Checks tables, --json, token handling and exit codes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TOKEN = 'cli-test-token-0123456789abcdefghijkl';
const main = fileURLToPath(new URL('../src/main.js', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'testlab-cli-remote-'));
const received: { method: string; url: string; auth: string | undefined; body: unknown }[] = [];
let server: Server;
let lab: string;

const run = (id: number, kernel: string) => ({
  id, kernelId: id, buildId: id, testset: 'phase2-host', nut: 'qemu', status: 'done', failedStage: null, error: null,
  sourceLabel: `linux-${kernel}.tar.xz`, startedAt: '2025-01-07T03:00:00.000Z', finishedAt: '2025-01-07T03:10:00.000Z', ownerPid: null,
  kernelVersion: kernel, counts: { PASS: 5, FAIL: 1, WARN: 0, NA: 0, ERROR: 0 },
});
const noCounts = { regression: 0, fix: 0, new: 0, removed: 0, 'still-failing': 0, flaky: 0, changed: 0 };
const entry = (caseId: string, cls: string, before: string, after: string) => ({ caseId, title: `title ${caseId}`, class: cls, before, after, failingSince: null, failRuns: null });

function api(req: IncomingMessage, body: string): [number, unknown] {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method === 'GET' && url.pathname === '/api/status') {
    return [200, {
      queue: { queued: 3, leased: 1 },
      nuts: [{ nut: 'qemu', running: 1, lastRunAt: '2025-01-07T03:00:00.000Z' }],
      running: [{ run: { ...run(12, '6.13-rc1'), status: 'running' }, stage: { runId: 12, stage: 'build', status: 'running', startedAt: '', finishedAt: null, durationMs: null, logPath: null, detail: '42% ETA 3m' } }],
      totals: { runs: 12, kernels: 4 },
    }];
  }
  if (req.method === 'GET' && url.pathname === '/api/compare') {
    const [a, b] = [Number(url.searchParams.get('a')), Number(url.searchParams.get('b'))];
    if (a === 404 || b === 404) return [404, { error: 'no run 404', statusCode: 404 }];
    const regressed = b === 11;
    return [200, {
      a: run(a, '6.1.191'), b: run(b, '6.1.192'),
      counts: { ...noCounts, regression: regressed ? 1 : 0, 'still-failing': 1 },
      entries: [...(regressed ? [entry('v6LC.2.1.5', 'regression', 'PASS', 'FAIL')] : []), entry('v6LC.1.1.1', 'still-failing', 'FAIL', 'FAIL')],
    }];
  }
  if (req.method === 'GET' && url.pathname === '/api/runs/10') {
    return [200, {
      run: { ...run(10, '6.1.192'), regressions: 1 },
      stages: [{ runId: 10, stage: 'build', status: 'cached', startedAt: '', finishedAt: '', durationMs: 1500, logPath: null, detail: null }],
      diffs: [{ runId: 10, baselineRunId: 9, baselineKernel: '6.1.191', roles: ['previous-stable', 'pinned'], wanted: null, counts: { ...noCounts, regression: 1 }, entries: [] }],
      artifacts: [{ id: 77, runId: 10, kind: 'console-log', path: '/srv/x', sizeBytes: 10, url: '/artifacts/77' }],
    }];
  }
  if (req.method === 'GET' && url.pathname === '/api/runs/10/results') {
    return [200, [{ resultId: 1, caseId: 'v6LC.2.1.5', title: 'NS processing', verdict: 'FAIL', reason: 'no NA', durationMs: 3000, pcapCount: 2 }]];
  }
  if (req.method === 'POST' && (url.pathname === '/api/runs' || url.pathname === '/api/subscriptions')) {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return [401, { error: 'wrong lab token', statusCode: 401 }];
    const parsed = JSON.parse(body) as Record<string, unknown>;
    if (url.pathname === '/api/runs') return [202, { jobId: 31, created: true }];
    if (parsed.email === 'bad') return [400, { error: 'invalid subscription: email: must be an email address', problems: ['email: must be an email address'], statusCode: 400 }];
    return [201, { id: 5, email: parsed.email, status: 'pending', filter: 'regressions of stable kernels on any test set, at once' }];
  }
  return [404, { error: 'no page', statusCode: 404 }];
}

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization, body: body ? JSON.parse(body) : undefined });
      const [status, json] = api(req, body);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  lab = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

function testlab(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [main, ...args], { env: { PATH: process.env.PATH ?? '', TESTLAB_HOME: dir, ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

test('status prints the queue, runs in progress and NUTs; --json gives the API answer', async () => {
  const r = await testlab(['status', '--lab', lab]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^queue: 3 waiting, 1 in progress; 12 runs of 4 kernels stored$/m);
  assert.match(r.stdout, /^RUN +KERNEL +TESTSET +NUT +STAGE +DETAIL\n12 +6\.13-rc1 +phase2-host +qemu +build +42% ETA 3m$/m);
  const j = await testlab(['status', '--json'], { TESTLAB_LAB: lab });
  assert.equal(j.code, 0);
  assert.equal((JSON.parse(j.stdout) as { queue: { queued: number } }).queue.queued, 3);
});

test('diff: exit 5 when B regressed, 0 when not, 3 for a missing run, 2 for a bad id', async () => {
  const regressed = await testlab(['diff', '10', '11', '--lab', lab]);
  assert.equal(regressed.code, 5);
  assert.match(regressed.stdout, /^run 11 \(6\.1\.192, phase2-host on qemu\) against run 10 \(6\.1\.191, phase2-host on qemu\)\n1 regression, 1 still-failing$/m);
  assert.match(regressed.stdout, /^v6LC\.2\.1\.5 +regression +PASS +FAIL +title v6LC\.2\.1\.5$/m);
  assert.doesNotMatch(regressed.stdout, /v6LC\.1\.1\.1/, 'still-failing only with --all');
  assert.match((await testlab(['diff', '10', '11', '--all', '--lab', lab])).stdout, /v6LC\.1\.1\.1 +still-failing/);

  const clean = await testlab(['diff', '10', '12', '--lab', lab, '--json']);
  assert.equal(clean.code, 0);
  assert.equal((JSON.parse(clean.stdout) as { counts: { regression: number } }).counts.regression, 0);

  const missing = await testlab(['diff', '10', '404', '--lab', lab]);
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /no run 404/);
  assert.equal((await testlab(['diff', '10', 'x;rm', '--lab', lab])).code, 2);
});

test('run --lab: refused without a token (exit 4, nothing sent), queued with it', async () => {
  const before = received.length;
  const none = await testlab(['run', '--lab', lab, '--source', 'https://example.org/linux.tar.xz', '--testset', 'phase2-host']);
  assert.equal(none.code, 4);
  assert.match(none.stderr, /needs the lab token: set TESTLAB_TOKEN or give --token-file/);
  assert.equal(received.length, before, 'no request without a token');

  const wrong = await testlab(['run', '--lab', lab, '--source', 'x', '--testset', 'phase2-host'], { TESTLAB_TOKEN: 'wrong' });
  assert.equal(wrong.code, 4);
  assert.match(wrong.stderr, /wrong lab token/);

  const ok = await testlab(['run', '--lab', lab, '--source', 'https://example.org/linux.tar.xz', '--ref', 'v6.1', '--testset', 'phase2-host'], { TESTLAB_TOKEN: TOKEN });
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, 'queued: job 31\n');
  assert.deepEqual(received.at(-1)?.body, { source: 'https://example.org/linux.tar.xz', ref: 'v6.1', testset: 'phase2-host' });
  assert.equal((await testlab(['run', '--lab', lab, '--source', 'x', '--testset', 't', '--sysctl', 'a=b'], { TESTLAB_TOKEN: TOKEN })).code, 2);
});

test('run --lab --version: the version is validated here and sent with the request; without --lab it is refused', async () => {
  const ok = await testlab(['run', '--lab', lab, '--source', '/srv/my-kernel.tar.gz', '--testset', 'phase2-host', '--version', '6.1.158'], { TESTLAB_TOKEN: TOKEN });
  assert.equal(ok.code, 0, ok.stderr);
  assert.deepEqual(received.at(-1)?.body, { source: '/srv/my-kernel.tar.gz', testset: 'phase2-host', version: '6.1.158' });
  const before = received.length;
  const bad = await testlab(['run', '--lab', lab, '--source', '/srv/my-kernel.tar.gz', '--testset', 'phase2-host', '--version', 'v6.1'], { TESTLAB_TOKEN: TOKEN });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--version <kernel version>.*invalid kernel version "v6\.1": a leading "v" belongs to git tags/);
  const local = await testlab(['run', '--source', '/srv/my-kernel.tar.gz', '--testset', 'phase2-host', '--version', '6.1.158']);
  assert.equal(local.code, 2);
  assert.match(local.stderr, /--version goes with --lab: a local run takes the version from its tree's Makefile/);
  assert.equal(received.length, before, 'nothing sent');
});

test('the token file must be private to its owner', async () => {
  const file = path.join(dir, 'token');
  writeFileSync(file, `${TOKEN}\n`);
  chmodSync(file, 0o644);
  const open = await testlab(['subscribe', '--lab', lab, '--token-file', file, '--email', 'dev@example.org']);
  assert.equal(open.code, 4);
  assert.match(open.stderr, /readable by other users; chmod 600/);
  chmodSync(file, 0o600);
  const ok = await testlab(['subscribe', '--lab', lab, '--token-file', file, '--email', 'dev@example.org', '--stream', 'stable', '--stream', '6.1', '--daily']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /^confirmation email sent to dev@example\.org: follow its link/);
  assert.deepEqual(received.at(-1)?.body, { email: 'dev@example.org', streams: ['stable', '6.1'], testsets: [], casePrefix: '', scope: 'regressions', cadence: 'daily' });
});

test('subscribe: the lab\'s validation problems are printed, exit 2', async () => {
  const r = await testlab(['subscribe', '--lab', lab, '--email', 'bad'], { TESTLAB_TOKEN: TOKEN });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^ {2}email: must be an email address$/m);
});

test('no lab given: subscribe asks which lab (exit 2), the reads use the local store; a lab that is not there: exit 1', async () => {
  const which = await testlab(['subscribe', '--email', 'dev@example.org']);
  assert.equal(which.code, 2);
  assert.match(which.stderr, /which lab\? give --lab URL or set TESTLAB_LAB/);
  const local = await testlab(['status']);
  assert.equal(local.code, 0, local.stderr);
  assert.match(local.stdout, /^queue: 0 waiting, 0 in progress; 0 runs of 0 kernels stored$/m);
  const closed = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
  const r = await testlab(['status', '--lab', `http://127.0.0.1:${closed}`]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot reach the lab at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
});

test('mistakes commander finds (unknown option, missing value, bad number, unknown command) exit 2, not the lab\'s 1; --help exits 0', async () => {
  for (const args of [['runs', '--no-such-option'], ['runs', '--lab'], ['run', '--source', 'x', '--testset', 't', '--reruns', '11'], ['nonsense'], ['diff', '1']]) {
    const r = await testlab(args);
    assert.equal(r.code, 2, `testlab ${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^error: /m, `testlab ${args.join(' ')} names the mistake`);
  }
  const help = await testlab(['runs', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: testlab runs/m);
});

test('show --lab reads the run, its results and its diffs from the API; a missing run is exit 3', async () => {
  const r = await testlab(['show', '10', '--lab', lab]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^run 10: kernel 6\.1\.192 from linux-6\.1\.192\.tar\.xz$/m);
  assert.match(r.stdout, /^v6LC\.2\.1\.5 +FAIL +3s +NS processing: no NA$/m);
  assert.match(r.stdout, /^against 6\.1\.191 \(run 9, previous-stable, pinned\): 1 regression$/m);
  assert.match(r.stdout, /^1 artifacts \(list them: testlab show 10 --artifacts\)$/m);
  const listed = await testlab(['show', '10', '--lab', lab, '--artifacts']);
  assert.match(listed.stdout, new RegExp(`console-log +${lab.replace(/[.]/g, '\\.')}/artifacts/77$`, 'm'));
  const missing = await testlab(['show', '99', '--lab', lab]);
  assert.equal(missing.code, 3);
});
