// `testlab runs`, local and `--lab`, run as the real binary. The lab is the real dashboard process
// (dashboard-process.ts) serving a real SQLite lab on loopback, so the CLI is checked against the API as it
// is, not against a copy of it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseKernelVersion, type RunListPage, type Verdict } from '@testlab/core';
import { openSqliteStore, resultsQueryOn } from '@testlab/store-sqlite';
import { startDashboard, testlab as runTestlab, type Dashboard } from './dashboard-process.js';

const home = mkdtempSync(path.join(tmpdir(), 'testlab-cli-runs-'));
const ids: Record<string, number> = {};
let lab: string;

async function seed(): Promise<void> {
  let ms = Date.parse('2025-03-01T02:00:00.000Z');
  const now = () => new Date(ms);
  const store = openSqliteStore(path.join(home, 'lab.db'), { now });
  const add = async (name: string, version: string | null, testset: string, verdicts: Verdict[], end: 'done' | 'failed' | 'running') => {
    ms += 3_600_000;
    const run = await store.startRun({ testset, nut: 'qemu', sourceLabel: `linux-${version ?? 'x'}.tar.xz`, ownerPid: process.pid });
    if (version) {
      const k = await store.upsertKernel({ version: parseKernelVersion(version), sourceLabel: `linux-${version}.tar.xz`, sourceHash: `sha256:${version}` });
      const b = await store.recordBuild({ kernelId: k.id, cacheKey: `${version}-${testset}`, kernelRelease: version, fromCache: false });
      await store.attachKernel(run.id, k.id, b.id);
    }
    for (const [i, verdict] of verdicts.entries()) {
      await store.addResult(run.id, { caseId: `v6LC.1.1.${i + 1}`, title: 't', verdict, reason: 'r', durationMs: 10, log: '', pcaps: [] });
    }
    if (end === 'done') await store.finishRun(run.id, { status: 'done' });
    if (end === 'failed') await store.finishRun(run.id, { status: 'failed', stage: 'unpack', error: 'not a tarball' });
    ids[name] = run.id;
  };
  await add('a', '6.1.191', 'phase2-host', ['PASS', 'PASS', 'PASS'], 'done');
  await add('b', '6.1.192', 'phase2-host', ['PASS', 'FAIL', 'NA'], 'done');
  await add('c', '6.1.192', 'phase2-router', ['PASS', 'WARN', 'ERROR'], 'done');
  await add('d', null, 'phase2-host', [], 'failed');
  await add('e', '6.13-rc1', 'phase2-host', ['PASS'], 'running');
  await resultsQueryOn(store, now).saveDiffs(ids.b!, [], new Map(), {
    counts: { PASS: 1, FAIL: 1, WARN: 0, NA: 1, ERROR: 0 }, regressions: 1, fixes: 0, flaky: 0,
  });
  await store.close();
}

let dashboard: Dashboard;

before(async () => {
  await seed();
  dashboard = await startDashboard(home);
  lab = dashboard.url;
});
after(async () => {
  await dashboard?.stop();
  rmSync(home, { recursive: true, force: true });
});

const testlab = (args: string[]) => runTestlab(home, args);
const runIds = (stdout: string) => [...stdout.matchAll(/^(\d+) /gm)].map((m) => Number(m[1]));

test('runs --lab prints the very table the local `testlab runs` prints', async () => {
  const local = await testlab(['runs']);
  const remote = await testlab(['runs', '--lab', lab]);
  assert.equal(local.code, 0, local.stderr);
  assert.equal(remote.code, 0, remote.stderr);
  assert.equal(remote.stdout, local.stdout);
  assert.match(remote.stdout, /^RUN +KERNEL +TESTSET +NUT +STATUS +PASS\/FAIL\/WARN\/NA\/ERR +STARTED \(UTC\)$/m);
  assert.match(remote.stdout, new RegExp(`^${ids.c} +6\\.1\\.192 +phase2-router +qemu +done +1/0/1/0/1 +2025-03-01 05:00:00$`, 'm'));
  assert.match(remote.stdout, new RegExp(`^${ids.d} +- +phase2-host +qemu +failed \\(unpack\\) +0/0/0/0/0`, 'm'));
  assert.deepEqual(runIds(remote.stdout), [ids.e, ids.d, ids.c, ids.b, ids.a]);
});

test('filters go to the lab: kernel, test set, status, regressed', async () => {
  assert.deepEqual(runIds((await testlab(['runs', '--lab', lab, '--kernel', '6.1.192'])).stdout), [ids.c, ids.b]);
  assert.deepEqual(runIds((await testlab(['runs', '--lab', lab, '--kernel', '6.1.192', '--testset', 'phase2-host', '--nut', 'qemu'])).stdout), [ids.b]);
  assert.deepEqual(runIds((await testlab(['runs', '--lab', lab, '--status', 'running'])).stdout), [ids.e]);
  assert.deepEqual(runIds((await testlab(['runs', '--lab', lab, '--regressed'])).stdout), [ids.b]);
  const none = await testlab(['runs', '--lab', lab, '--testset', 'tahi-host']);
  assert.equal(none.code, 0);
  assert.equal(none.stdout, `no runs match on ${lab}\n`);
});

test('paging: --limit shows where the next page starts, --before takes it; --json carries the cursor', async () => {
  const first = await testlab(['runs', '--lab', lab, '--limit', '2']);
  assert.equal(first.code, 0, first.stderr);
  assert.deepEqual(runIds(first.stdout), [ids.e, ids.d]);
  assert.match(first.stdout, new RegExp(`\\nolder runs: the same with --before ${ids.d}\\n$`));
  const json = await testlab(['runs', '--lab', lab, '--limit', '2', '--before', String(ids.d), '--json']);
  const page = JSON.parse(json.stdout) as RunListPage;
  assert.deepEqual(page.runs.map((r) => r.id), [ids.c, ids.b]);
  assert.equal(page.next, ids.b);
  assert.equal(page.runs[1]!.regressions, 1);
  const last = await testlab(['runs', '--lab', lab, '--limit', '2', '--before', String(ids.b)]);
  assert.deepEqual(runIds(last.stdout), [ids.a]);
  assert.doesNotMatch(last.stdout, /older runs/);
});

test('exit codes: 2 for bad arguments (ours or refused by the lab), 3 for an unknown cursor, 1 when the lab fails', async () => {
  const usage: [string[], RegExp][] = [
    [['--status', 'lost'], /--status must be one of running, done, failed, unfinished/],
    [['--limit', '501'], /--limit must be 1\.\.500/],
    [['--limit', 'ten'], /--limit must be 1\.\.500/],
    [['--before', '0'], /--before must be a run id/],
    // Not checked by the CLI: the lab's 400 and the parameter it names come through.
    [['--kernel', "6.1' OR '1'='1"], /the lab refused: invalid request: kernel: a kernel version/],
  ];
  for (const [args, why] of usage) {
    const r = await testlab(['runs', '--lab', lab, ...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, why);
    assert.equal(r.stdout, '');
  }
  const local = await testlab(['runs', '--testset', 'phase2-host']);
  assert.equal(local.code, 2);
  assert.match(local.stderr, /--testset: only with --lab/);

  const cursor = await testlab(['runs', '--lab', lab, '--before', '999999']);
  assert.equal(cursor.code, 3);
  assert.match(cursor.stderr, /before: no run 999999/);

  // A URL that is not the lab's API root: the answer is not the API's JSON.
  const notApi = await testlab(['runs', '--lab', `${lab}/runs/${ids.a}`]);
  assert.equal(notApi.code, 1);
  const closed = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
  const down = await testlab(['runs', '--lab', `http://127.0.0.1:${closed}`]);
  assert.equal(down.code, 1);
  assert.match(down.stderr, /cannot reach the lab at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/);
  assert.equal((await testlab(['runs', '--lab', 'ftp://lab'])).code, 2);
});
