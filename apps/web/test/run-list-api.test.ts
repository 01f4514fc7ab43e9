// GET /api/runs over a real fastify server on loopback and a real SQLite lab: order, filters, the paging
// cursor, and a 400 naming the parameter for every hostile or mistaken query.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { RunListPage } from '@testlab/core';
import { build, listen } from '../src/index.js';
import { addRun, openLab, seedHistory, type Lab } from './fixture.js';

let lab: Lab;
let app: FastifyInstance;
let base: string;
let routerRun: number;
before(async () => {
  lab = await openLab();
  await seedHistory(lab);
  routerRun = await addRun(lab, { version: '6.12.1', verdicts: { 'v6LC.1.1.1': 'PASS' }, testset: 'phase2-router' });
  app = build({ store: lab.store, results: lab.results, bisections: lab.bisections, runsDir: lab.runsDir });
  base = await listen(app, { host: '127.0.0.1', port: 0 });
});
after(async () => {
  await app.close();
  await lab.cleanup();
});

async function get(query: string): Promise<{ status: number; body: RunListPage & { error?: string } }> {
  const r = await fetch(`${base}/api/runs${query}`);
  assert.match(r.headers.get('content-type') ?? '', /application\/json/);
  return { status: r.status, body: (await r.json()) as RunListPage & { error?: string } };
}
const versions = (page: RunListPage) => page.runs.map((r) => `${r.kernelVersion}/${r.testset}`);

test('newest first, with counts, status and the regressions the stored diffs found', async () => {
  const { status, body } = await get('');
  assert.equal(status, 200);
  assert.deepEqual(versions(body), [
    '6.12.1/phase2-router', '6.13-rc1/phase2-host', '6.12.1/phase2-host', '6.12/phase2-host', '6.12-rc2/phase2-host', '6.12-rc1/phase2-host', '6.11/phase2-host',
  ]);
  assert.equal(body.next, null);
  const rc1 = body.runs.find((r) => r.kernelVersion === '6.12-rc1')!;
  assert.deepEqual([rc1.status, rc1.counts.PASS, rc1.counts.FAIL, rc1.counts.ERROR, rc1.regressions], ['done', 3, 1, 1, 2]);
  assert.equal(body.runs[1]!.status, 'running');
  assert.equal(body.runs[1]!.regressions, null);
});

test('filters: kernel, test set, NUT, status, regressed; combined', async () => {
  assert.deepEqual(versions((await get('?kernel=6.12.1')).body), ['6.12.1/phase2-router', '6.12.1/phase2-host']);
  assert.deepEqual(versions((await get('?testset=phase2-router')).body), ['6.12.1/phase2-router']);
  assert.deepEqual(versions((await get('?status=running')).body), ['6.13-rc1/phase2-host']);
  // 6.12 regressed against 6.11 (its previous final), 6.12-rc1 against 6.11 too; rc2 and 6.12.1 did not.
  assert.deepEqual(versions((await get('?regressed=1')).body), ['6.12/phase2-host', '6.12-rc1/phase2-host']);
  assert.deepEqual(versions((await get('?kernel=6.12.1&testset=phase2-host&nut=qemu&status=done')).body), ['6.12.1/phase2-host']);
  assert.deepEqual((await get('?nut=ssh-box')).body.runs, []);
  // Blank values (an empty form field) mean "no filter", not "the empty test set".
  assert.equal((await get('?testset=&kernel=&status=')).body.runs.length, 7);
});

test('paging: limit and the before cursor walk the whole list once', async () => {
  const seen: number[] = [];
  let query = '?limit=3';
  for (let i = 0; i < 5; i++) {
    const { status, body } = await get(query);
    assert.equal(status, 200);
    assert.ok(body.runs.length <= 3);
    seen.push(...body.runs.map((r) => r.id));
    if (body.next === null) break;
    query = `?limit=3&before=${body.next}`;
  }
  assert.deepEqual(seen, (await get('')).body.runs.map((r) => r.id));
  assert.equal(seen[0], routerRun);
  assert.deepEqual(versions((await get(`?limit=1&before=${routerRun}&testset=phase2-host`)).body), ['6.13-rc1/phase2-host']);
});

test('hostile or mistaken queries: 400 naming the parameter, before any query runs', async () => {
  const cases: [string, RegExp][] = [
    ['?limit=0', /limit: 1\.\.500/],
    ['?limit=501', /limit: 1\.\.500/],
    ['?limit=-5', /limit: 1\.\.500/],
    ['?limit=1e3', /limit: 1\.\.500/],
    ['?before=0', /before: a positive whole number/],
    ['?before=1%20OR%201=1', /before: a positive whole number/],
    ['?status=lost', /status: Invalid option: expected one of "running"\|"done"\|"failed"\|"unfinished"/],
    ['?testset=..%2F..%2Fetc', /testset: letters, digits/],
    ["?kernel=6.1'%20OR%20'1'='1", /kernel: a kernel version/],
    [`?kernel=${'9'.repeat(101)}`, /kernel: a kernel version/],
    ['?regressed=maybe', /regressed:/],
    ['?testsets=phase2-host', /Unrecognized key.*testsets/],
    ['?kernel=6.11&kernel=6.12', /kernel: Invalid input: expected string, received array/],
  ];
  for (const [query, why] of cases) {
    const { status, body } = await get(query);
    assert.equal(status, 400, query);
    assert.match(body.error ?? '', /^invalid request: /, query);
    assert.match(body.error ?? '', why, `${query}: ${body.error}`);
  }
});

test('a cursor naming no run is a 404, not a silently empty page', async () => {
  const { status, body } = await get('?before=999999');
  assert.equal(status, 404);
  assert.equal(body.error, 'before: no run 999999');
});
