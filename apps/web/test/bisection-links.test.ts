// The bisections seen from the runs they started from: the run page lists those it is the good or bad end of
// (status, culprit, escaped), the case page those that bisected its case, /api/runs/:id names them; and a
// finished run's ETag names them, so a bisection made, started or ended later changes the kept run page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { BisectionRecord } from '@testlab/core';
import { build } from '../src/index.js';
import { addRun, openLab, seedHistory, type Lab } from './fixture.js';
import { ESCAPED_AUTHOR, ESCAPED_SUBJECT, seedBisections, sha, spec, type SeededBisections } from './bisection-fixture.js';

let lab: Lab;
let app: FastifyInstance;
let found: SeededBisections['found'];
let inconclusive: number;
let running: number;
const runOf = (v: string) => lab.runs.get(v)!;
const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

before(async () => {
  lab = await openLab();
  await seedHistory(lab);
  app = build({ store: lab.store, results: lab.results, bisections: lab.bisections, runsDir: lab.runsDir });
  ({ found, inconclusive, running } = await seedBisections(lab));
});
after(async () => {
  await app.close();
  await lab.cleanup();
});

test('the run page lists the bisections it is an end of, with status and culprit; its JSON too', async () => {
  const bad = await get(`/runs/${runOf('6.12-rc1')}`);
  assert.match(bad.body, new RegExp(`<li><a href="/bisections/${found.id}">bisection ${found.id}</a> \\(phase2-host, this run is its bad end\\): <span class="bisection-status found">found</span>, culprit <code title="4{40}">4{12}</code>`));
  const good = await get(`/runs/${runOf('6.11')}`);
  const linked = [...good.body.matchAll(/<li><a href="\/bisections\/(\d+)">bisection \d+<\/a> \(phase2-host, this run is its good end\): <span class="bisection-status (\w+)">/g)].map((m) => [Number(m[1]), m[2]]);
  assert.deepEqual(linked, [[inconclusive, 'inconclusive'], [found.id, 'found']]);
  const both = await get(`/runs/${runOf('6.12')}`);
  assert.deepEqual([...both.body.matchAll(/<a href="\/bisections\/(\d+)">bisection/g)].map((m) => Number(m[1])), [running, inconclusive]);
  assert.doesNotMatch((await get(`/runs/${runOf('6.12.1')}`)).body, /aria-label="bisections"/, 'no section when the run ended no bisection');

  const json = (await get(`/api/runs/${runOf('6.12')}`)).json() as { bisections: (BisectionRecord & { url: string })[] };
  assert.deepEqual(json.bisections.map((b) => [b.id, b.status, b.url]), [[running, 'running', `/bisections/${running}`], [inconclusive, 'inconclusive', `/bisections/${inconclusive}`]]);
});

test('the culprit\'s hostile subject and author are text on the run and case pages', async () => {
  for (const url of [`/runs/${runOf('6.12-rc1')}`, `/runs/${runOf('6.12-rc1')}/cases/v6LC.2.1.7-D`]) {
    const body = (await get(url)).body;
    for (const bad of ['<script>', '<img src=x']) assert.ok(!body.includes(bad), `${url} holds ${bad}`);
    assert.ok(body.includes(ESCAPED_SUBJECT), url);
    assert.ok(body.includes(ESCAPED_AUTHOR), url);
  }
});

test('the case page links the bisections of its run that bisected that case', async () => {
  const shown = async (caseId: string) => [...(await get(`/runs/${runOf('6.12')}/cases/${caseId}`)).body.matchAll(/<a href="\/bisections\/(\d+)">/g)].map((m) => Number(m[1]));
  assert.deepEqual(await shown('v6LC.2.1.7-D'), [running, inconclusive]);
  assert.deepEqual(await shown('v6LC.1.1.1'), [inconclusive], 'only the inconclusive one bisected 1.1.1');
  assert.deepEqual(await shown('v6LC.5.1.8'), []);
});

test("a finished run's ETag changes when a bisection of it is made, starts and ends; the page shows each", async () => {
  const good = await addRun(lab, { version: '6.12.1', verdicts: { 'v6LC.2.1.7-D': 'PASS' }, testset: 'phase2-router' });
  const bad = await addRun(lab, { version: '6.13-rc1', verdicts: { 'v6LC.2.1.7-D': 'FAIL' }, testset: 'phase2-router' });
  const urls = [`/runs/${bad}`, `/runs/${bad}/cases/v6LC.2.1.7-D`, `/api/runs/${bad}`];
  const etags = async () => Promise.all(urls.map(async (url) => (await get(url)).headers.etag as string));
  const initial = await etags();
  assert.equal(new Set(initial).size, 1, 'one validator for the run page, its case pages and its JSON');

  const { bisection } = await lab.bisections.create(spec({ goodRun: good, badRun: bad, testset: 'phase2-router', good: { commit: sha('e'), runId: good }, bad: { commit: sha('f'), runId: bad } }));
  const queued = await etags();
  assert.notEqual(queued[0], initial[0]);
  assert.match(queued[0]!, new RegExp(`-b${bisection.id}\\.queued"$`));
  const stale = await get(urls[0]!, { 'if-none-match': initial[0]! });
  assert.equal(stale.statusCode, 200, 'the kept page without the bisection is not the page any more');
  assert.match(stale.body, /<span class="bisection-status queued">queued<\/span>/);

  await lab.bisections.start(bisection.id, 3);
  const started = await etags();
  assert.notEqual(started[0], queued[0]);
  assert.equal((await get(urls[0]!, { 'if-none-match': started[0]! })).statusCode, 304);

  await lab.bisections.finish(bisection.id, { status: 'failed', reason: 'the tree did not answer' });
  const ended = await etags();
  assert.notEqual(ended[0], started[0]);
  assert.match(ended[0]!, new RegExp(`-b${bisection.id}\\.failed"$`));
  for (const [i, url] of urls.entries()) assert.equal((await get(url, { 'if-none-match': started[i]! })).statusCode, 200, url);
  assert.match((await get(urls[0]!)).body, /<span class="bisection-status failed">failed<\/span>/);
  assert.equal((await get(urls[0]!, { 'if-none-match': ended[0]! })).statusCode, 304);
});
