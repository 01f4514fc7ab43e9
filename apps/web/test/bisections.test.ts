// The bisection pages and JSON through app.inject(), over a real SQLite lab whose bisections' steps point at
// real runs: a found, an inconclusive and a running bisection; a hostile culprit subject and author shown as
// text; 400s naming the parameter and 404s. (The run and case pages' links: bisection-links.test.ts.)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { BisectionRecord, BisectionStep } from '@testlab/core';
import { build } from '../src/index.js';
import { openLab, seedHistory, type Lab } from './fixture.js';
import { ESCAPED_AUTHOR, ESCAPED_SUBJECT, HOSTILE_AUTHOR, HOSTILE_SUBJECT, seedBisections, sha, TREE, type SeededBisections } from './bisection-fixture.js';

let lab: Lab;
let app: FastifyInstance;
let found: SeededBisections['found'];
let inconclusive: number;
let running: number;
let runningStepRun: number;
const runOf = (v: string) => lab.runs.get(v)!;
const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

before(async () => {
  lab = await openLab();
  await seedHistory(lab);
  app = build({ store: lab.store, results: lab.results, bisections: lab.bisections, runsDir: lab.runsDir });
  ({ found, inconclusive, running, runningStepRun } = await seedBisections(lab));
});
after(async () => {
  await app.close();
  await lab.cleanup();
});

/** The rows of the steps table: n, role, commit (shown), outcome, run link. */
function stepRows(body: string): { n: string; role: string; commit: string; outcome: string; run: string | null }[] {
  const table = body.slice(body.indexOf('<table class="compact steps">'));
  return [...table.matchAll(/<tr class="step [^"]+"><td>(\d+)<\/td><td>([a-z]+)<\/td><td><code title="[0-9a-f]{40}">([0-9a-f]+)<\/code><\/td>[\s\S]*?<td class="outcome[^"]*">([a-z]+)<\/td>[\s\S]*?<\/tr>/g)]
    .map((m) => ({ n: m[1]!, role: m[2]!, commit: m[3]!, outcome: m[4]!, run: /<a href="\/runs\/(\d+)">/.exec(m[0])?.[1] ?? null }));
}

test('the list: newest first, with status, range, set, cases and culprit; the nav links it', async () => {
  const r = await get('/bisections');
  assert.equal(r.statusCode, 200);
  assert.match(r.headers['content-type'] as string, /text\/html/);
  assert.equal(r.headers['cache-control'], 'no-store');
  const ids = [...r.body.matchAll(/<td><a href="\/bisections\/(\d+)">/g)].map((m) => Number(m[1]));
  assert.deepEqual(ids, [running, inconclusive, found.id]);
  assert.match(r.body, /<td class="bisection-status running">running<\/td>/);
  assert.match(r.body, /<td class="bisection-status inconclusive">inconclusive<\/td>/);
  assert.match(r.body, /<code title="1{40}">1{12}<\/code>\.\.<code title="9{40}">9{12}<\/code> <span class="small">\(8 commits\)<\/span>/);
  assert.match(r.body, /<td>phase2-host@qemu<\/td><td class="cases">v6LC\.2\.1\.7-D, v6LC\.1\.1\.1<\/td>/);
  assert.match(r.body, /<code title="4{40}">4{12}<\/code> <span class="subject">ipv6: ndisc: &lt;script&gt;/);
  assert.match(r.body, /<a href="\/bisections">Bisections<\/a>/);

  const onlyFound = await get('/bisections?status=found');
  assert.deepEqual([...onlyFound.body.matchAll(/<td><a href="\/bisections\/(\d+)">/g)].map((m) => Number(m[1])), [found.id]);
  assert.match(onlyFound.body, /<option value="found" selected>found<\/option>/);
  assert.match((await get('/bisections?status=queued')).body, /<p>No bisection queued\.<\/p>/);
});

test('a found bisection: its ends and their runs, the culprit, the proof, the estimate, and every step with its run', async () => {
  const r = await get(`/bisections/${found.id}`);
  assert.equal(r.statusCode, 200);
  assert.match(r.body, new RegExp(`<h1>Bisection ${found.id}: phase2-host on qemu, <span class="bisection-status found">found</span></h1>`));
  assert.ok(r.body.includes(`<dt>tree</dt><dd><code>${TREE}</code></dd>`));
  assert.match(r.body, new RegExp(`<dt>good</dt><dd><code>1{40}</code>: <a href="/runs/${runOf('6.11')}">run ${runOf('6.11')}</a></dd>`));
  assert.match(r.body, new RegExp(`<dt>bad</dt><dd><code>9{40}</code>: <a href="/runs/${runOf('6.12-rc1')}">run ${runOf('6.12-rc1')}</a></dd>`));
  assert.match(r.body, new RegExp(`<dt>cases</dt><dd><a href="/runs/${runOf('6.12-rc1')}/cases/v6LC.2.1.7-D">v6LC.2.1.7-D</a></dd>`));
  assert.match(r.body, /<dd class="culprit"><code>4{40}<\/code> <span class="subject">/);
  assert.match(r.body, /<dt>proof<\/dt><dd class="reason">culprit 444444444444: v6LC.2.1.7-D failed 2 of 2 \(step 5\); parent/);
  assert.match(r.body, /<dt>commits in range<\/dt><dd>8<\/dd>/);
  assert.match(r.body, /<dt>steps<\/dt><dd>4 of the search \(about 3 expected\), at most 12; 7 in all with the proof; 2 attempt\(s\) each<\/dd>/);
  assert.match(r.body, /<dt>requested by<\/dt><dd>auto, 20\d\d-/);
  assert.match(r.body, /<dt>took<\/dt><dd>\d+ min \d+ s<\/dd>/);

  const rows = stepRows(r.body);
  assert.deepEqual(rows.map((s) => [s.n, s.role, s.commit, s.outcome]), [
    ['1', 'search', '555555555555', 'bad'], ['2', 'search', '333333333333', 'skip'], ['3', 'search', '222222222222', 'good'],
    ['4', 'search', '444444444444', 'bad'], ['5', 'culprit', '444444444444', 'bad'], ['6', 'parent', '222222222222', 'good'],
    ['7', 'revert', '999999999999', 'good'],
  ]);
  assert.deepEqual(rows.map((s) => Number(s.run)), found.stepRuns, "each step links the run that tested it");
  // Each attempt's verdict per case, the times, and the skipped step's build log linked as its run's artifact.
  assert.match(r.body, /<td class="attempts"><div>v6LC\.2\.1\.7-D: <span class="verdict fail">FAIL<\/span> <span class="verdict fail">FAIL<\/span><\/div><\/td>/);
  assert.match(r.body, /<td>5 min 12 s<\/td><td>14\.5 s<\/td><td>6\.2 s<\/td>/);
  assert.match(r.body, /<td class="attempts">none<\/td>/, 'a step that never built has no attempt');
  assert.match(r.body, /<td class="reason">build failed \(run N\): net\/ipv6\/ndisc\.c:42: error<\/td>\s*<td>98\.0 s<\/td><td><\/td><td><\/td>/);
  const [buildLog] = (await lab.results.artifactsWithIds(found.stepRuns[1]!)).filter((a) => a.kind === 'build-log');
  assert.ok(r.body.includes(`<a href="/artifacts/${buildLog!.id}">run-${found.stepRuns[1]}/build.log</a>`));
  assert.ok(r.body.includes(`<div class="small">run-${found.stepRuns[1]}</div>`), 'the run folder by its place under the runs folder, not the server path');
  assert.ok(!r.body.includes(lab.runsDir));
});

test('an ended bisection is kept by an ETag; a running one is made at each request', async () => {
  for (const url of [`/bisections/${found.id}`, `/api/bisections/${found.id}`, `/bisections/${inconclusive}`]) {
    const first = await get(url);
    const etag = first.headers.etag as string;
    assert.match(etag, /^"bisection-\d+-(found|inconclusive)-/, url);
    assert.equal(first.headers['cache-control'], 'no-cache', url);
    assert.equal((await get(url, { 'if-none-match': etag })).statusCode, 304, url);
  }
  const live = await get(`/bisections/${running}`);
  assert.equal(live.headers.etag, undefined);
  assert.equal(live.headers['cache-control'], 'no-store');
});

test('an inconclusive bisection: the reason, nobody blamed, and the attempts that disagreed', async () => {
  const r = await get(`/bisections/${inconclusive}`);
  assert.equal(r.statusCode, 200);
  assert.match(r.body, /<span class="bisection-status inconclusive">inconclusive<\/span>/);
  assert.match(r.body, /<dd class="culprit">—<\/dd>/);
  assert.match(r.body, /<dt>reason<\/dt><dd class="reason">step 1 \(666666666666\): the attempts disagree, so nobody is blamed<\/dd>/);
  assert.match(r.body, /<dt>steps<\/dt><dd>1 of the search \(about 6 expected\)/);
  assert.match(r.body, /<dt>requested by<\/dt><dd>cli,/);
  assert.match(r.body, /<div>v6LC\.2\.1\.7-D: <span class="verdict fail">FAIL<\/span> <span class="verdict pass">PASS<\/span><\/div><div>v6LC\.1\.1\.1: <span class="verdict pass">PASS<\/span> <span class="verdict pass">PASS<\/span><\/div>/);
  assert.deepEqual(stepRows(r.body).map((s) => [s.role, s.outcome]), [['search', 'disagree']]);
});

test('a running bisection: elapsed so far, the open step running with the attempts it has, linked to its run', async () => {
  const r = await get(`/bisections/${running}`);
  assert.equal(r.statusCode, 200);
  assert.match(r.body, /<span class="bisection-status running">running<\/span>/);
  assert.match(r.body, /<dt>ended<\/dt><dd>—<\/dd>/);
  assert.match(r.body, /<dt>elapsed<\/dt><dd>[^—<]+<\/dd>/);
  assert.match(r.body, /<dt>steps<\/dt><dd>2 of the search \(about 10 expected\)/);
  const rows = stepRows(r.body);
  assert.deepEqual(rows.map((s) => [s.commit, s.outcome]), [['cccccccccccc', 'good'], ['dddddddddddd', 'running']]);
  assert.equal(Number(rows[1]!.run), runningStepRun);
  assert.match(r.body, /<div>v6LC\.2\.1\.7-D: <span class="verdict fail">FAIL<\/span><\/div>/);
  assert.equal((await get(`/runs/${runningStepRun}`)).statusCode, 200, "the step's run page is there, logs and all");
});

test('a hostile culprit subject and author are text on the list and the bisection page; the JSON has them verbatim', async () => {
  for (const url of [`/bisections`, `/bisections/${found.id}`]) {
    const body = (await get(url)).body;
    for (const bad of ['<script>', '<img src=x']) assert.ok(!body.includes(bad), `${url} holds ${bad}`);
    assert.ok(body.includes(ESCAPED_SUBJECT), url);
    assert.ok(body.includes(ESCAPED_AUTHOR), url);
  }
  const json = (await get(`/api/bisections/${found.id}`)).json() as { bisection: BisectionRecord };
  assert.deepEqual(json.bisection.culprit, { commit: sha('4'), subject: HOSTILE_SUBJECT, author: HOSTILE_AUTHOR });
  assert.match((await get(`/bisections/${found.id}`)).headers['content-security-policy'] as string, /default-src 'none'/);
});

test('JSON: the list newest first, filtered and limited; one bisection with its estimate and every step', async () => {
  const all = (await get('/api/bisections')).json() as { bisections: BisectionRecord[] };
  assert.deepEqual(all.bisections.map((b) => [b.id, b.status]), [[running, 'running'], [inconclusive, 'inconclusive'], [found.id, 'found']]);
  assert.deepEqual(((await get('/api/bisections?status=inconclusive')).json() as typeof all).bisections.map((b) => b.id), [inconclusive]);
  assert.deepEqual(((await get('/api/bisections?limit=2')).json() as typeof all).bisections.map((b) => b.id), [running, inconclusive]);
  assert.equal(((await get('/api/bisections?status=&limit=')).json() as typeof all).bisections.length, 3, 'blank means no filter');

  const one = await get(`/api/bisections/${found.id}`);
  assert.match(one.headers['content-type'] as string, /application\/json/);
  const body = one.json() as { bisection: BisectionRecord; estimatedSteps: number; elapsedMs: number; steps: BisectionStep[] };
  assert.equal(body.bisection.id, found.id);
  assert.deepEqual([body.bisection.good, body.bisection.bad], [{ commit: sha('1'), runId: runOf('6.11') }, { commit: sha('9'), runId: runOf('6.12-rc1') }]);
  assert.equal(body.bisection.commitsInRange, 8);
  assert.equal(body.estimatedSteps, 3);
  assert.ok(body.elapsedMs > 0);
  assert.deepEqual(body.steps.map((s) => [s.n, s.role, s.outcome, s.runId]), found.stepRuns.map((runId, i) => [i + 1, ['search', 'search', 'search', 'search', 'culprit', 'parent', 'revert'][i], ['bad', 'skip', 'good', 'bad', 'bad', 'good', 'good'][i], runId]));
  assert.deepEqual(body.steps[0]!.attempts, [{ 'v6LC.2.1.7-D': 'FAIL' }, { 'v6LC.2.1.7-D': 'FAIL' }]);
  assert.deepEqual([body.steps[0]!.buildMs, body.steps[0]!.bootMs, body.steps[0]!.testMs], [312_000, 14_500, 6_200]);

  const live = (await get(`/api/bisections/${running}`)).json() as typeof body;
  assert.equal(live.steps.at(-1)!.outcome, null);
  assert.equal(live.steps.at(-1)!.endedAt, null);
});

test('bad ids and queries are 400s naming them; unknown bisections are 404s', async () => {
  const bad: [string, RegExp][] = [
    ['/api/bisections?status=lost', /status: Invalid option: expected one of "queued"\|"running"\|"found"\|"inconclusive"\|"failed"/],
    ['/api/bisections?limit=0', /limit: 1\.\.500/],
    ['/api/bisections?limit=501', /limit: 1\.\.500/],
    ['/api/bisections?limit=1e3', /limit: 1\.\.500/],
    ['/api/bisections?statuses=found', /Unrecognized key.*statuses/],
    ['/api/bisections?status=found&status=running', /status: Invalid input: expected string, received array/],
    ['/api/bisections?limit=1&limit=2', /limit: Invalid input: expected string, received array/],
    ['/api/bisections/0', /id: a positive whole number/],
    ['/api/bisections/1%20OR%201=1', /id: a positive whole number/],
    ['/api/bisections/12345678901', /id: a positive whole number/],
  ];
  for (const [url, why] of bad) {
    const r = await get(url);
    assert.equal(r.statusCode, 400, url);
    assert.match((r.json() as { error: string }).error, /^invalid request: /, url);
    assert.match((r.json() as { error: string }).error, why, url);
  }
  for (const url of ['/bisections?status=%3Cscript%3E', '/bisections/abc', '/bisections?limit=2&limit=3', '/bisections?sort=id']) {
    const r = await get(url);
    assert.equal(r.statusCode, 400, url);
    assert.match(r.headers['content-type'] as string, /text\/html/, url);
    assert.match(r.body, /invalid request: (status|id|limit|Unrecognized key|.*sort)/, url);
    assert.ok(!r.body.includes('<script>'), url);
  }
  const missing = await get('/api/bisections/999999');
  assert.equal(missing.statusCode, 404);
  assert.equal((missing.json() as { error: string }).error, 'no bisection 999999');
  const page = await get('/bisections/999999');
  assert.equal(page.statusCode, 404);
  assert.match(page.body, /no bisection 999999/);
});
