// The dashboard and JSON API through app.inject(): pages, filters, escaping, artifact confinement,
// validation errors and the Atom feed, over a real SQLite lab with real files.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { build, listen } from '../src/index.js';
import { addRun, openLab, seedHistory, XSS, type Lab } from './fixture.js';

let lab: Lab;
let app: FastifyInstance;
before(async () => {
  lab = await openLab();
  await seedHistory(lab);
  app = build({ store: lab.store, results: lab.results, bisections: lab.bisections, runsDir: lab.runsDir, publicUrl: 'http://lab.example:8080' });
});
after(async () => {
  await app.close();
  await lab.cleanup();
});

const runOf = (v: string) => lab.runs.get(v)!;
const get = (url: string) => app.inject({ method: 'GET', url });

test('home: the matrix lists kernels newest first by version order, with colours and the lab status', async () => {
  const r = await get('/');
  assert.equal(r.statusCode, 200);
  assert.match(r.headers['content-type'] as string, /text\/html/);
  const kernels = [...r.body.matchAll(/<span class="kernel">([^<]+)<\/span>/g)].map((m) => m[1]);
  assert.deepEqual(kernels, ['6.13-rc1', '6.12.1', '6.12', '6.12-rc2', '6.12-rc1', '6.11']);
  assert.match(r.body, /class="cell regression"><a href="\/runs\/\d+" title="2 regressions"/);
  assert.match(r.body, /class="cell running"/);
  assert.match(r.body, new RegExp(`run ${runOf('6.13-rc1')}</a>: 6\\.13-rc1, phase2-host on qemu: stage <strong>boot</strong>`));
});

test('home: a release stream in version order, with the stream links; a bad stream is a 400', async () => {
  const r = await get('/?stream=stable-6.12');
  assert.equal(r.statusCode, 200);
  const kernels = [...r.body.matchAll(/<span class="kernel">([^<]+)<\/span>/g)].map((m) => m[1]);
  assert.deepEqual(kernels, ['6.12.1']);
  assert.match(r.body, /<a href="\/">all<\/a> <a href="\/\?stream&#x3D;mainline">mainline<\/a> <strong>stable-6.12<\/strong>/);
  const bad = await get('/?stream=%3Cscript%3E');
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /stream: mainline, next or stable-X\.Y/);
  assert.ok(!bad.body.includes('<script>'));
});

test('the home security headers: no script may run, no sniffing', async () => {
  const r = await get('/');
  assert.match(r.headers['content-security-policy'] as string, /default-src 'none'/);
  assert.doesNotMatch(r.headers['content-security-policy'] as string, /script-src/);
  assert.equal(r.headers['x-content-type-options'], 'nosniff');
});

test('run page: diffs against each baseline, stages, artifacts; a case title with markup is escaped', async () => {
  const r = await get(`/runs/${runOf('6.12-rc2')}`);
  assert.equal(r.statusCode, 200);
  assert.match(r.body, /vs <a href="\/runs\/\d+">6\.12-rc1<\/a> <span class="roles">\(previous-rc/);
  assert.match(r.body, /vs <a href="\/runs\/\d+">6\.11<\/a> <span class="roles">\(previous-final/);
  assert.match(r.body, /failing since <a href="\/runs\/\d+">6\.12-rc1<\/a>/);
  assert.match(r.body, /<svg class="timeline"/);
  assert.match(r.body, /build-log: build\.log/);
  assert.ok(!r.body.includes(XSS), 'the raw payload never reaches the page');
  assert.ok(r.body.includes('&lt;script&gt;document.title&#x3D;&#x27;pwned&#x27;&lt;/script&gt;'));
});

test('run page filters: verdict, section, changed only', async () => {
  // The diff tables link cases too: only the results table counts.
  const cases = async (query: string) => {
    const body = (await get(`/runs/${runOf('6.12-rc1')}?${query}`)).body;
    const table = body.slice(body.indexOf('<table class="results">'));
    return [...table.matchAll(/<td><a href="\/runs\/\d+\/cases\/([^"]+)">/g)].map((m) => decodeURIComponent(m[1]!));
  };
  assert.deepEqual(await cases('verdict=FAIL'), ['v6LC.2.1.7-D']);
  assert.deepEqual(await cases('section=1'), ['v6LC.1.1.1', 'v6LC.1.1.7-A']);
  assert.deepEqual(await cases('changed=1'), ['v6LC.2.1.7-D', 'v6LC.5.1.8']);
  assert.deepEqual(await cases('changed=1&section=2&verdict=FAIL'), ['v6LC.2.1.7-D']);
  assert.equal((await cases('')).length, 5);
  assert.equal((await get(`/runs/${runOf('6.12-rc1')}?verdict=MAYBE`)).statusCode, 400);
});

test('case page: expected vs seen with the RFC section, log and capture links; the log is escaped', async () => {
  const r = await get(`/runs/${runOf('6.12-rc1')}/cases/v6LC.5.1.8`);
  assert.equal(r.statusCode, 200);
  assert.match(r.body, /<dd class="expected">an Echo Reply within 2 s<\/dd>/);
  assert.match(r.body, /<dd class="seen">nothing<\/dd>/);
  assert.match(r.body, /<dd class="rfc">RFC 4443 §4\.2<\/dd>/);
  assert.match(r.body, /5: RFC 4443 ICMPv6/);
  assert.ok(!r.body.includes('<script>document'));
  const log = await get(`/runs/${runOf('6.12-rc1')}/cases/v6LC.5.1.8/log`);
  assert.match(log.headers['content-type'] as string, /^text\/plain/);
  assert.ok(log.body.includes(XSS), 'plain text, served as such (nosniff)');
  const pcap = await get(`/runs/${runOf('6.12-rc1')}/cases/v6LC.5.1.8/pcaps/0`);
  assert.equal(pcap.statusCode, 200);
  assert.equal(pcap.headers['content-type'], 'application/vnd.tcpdump.pcap');
  assert.equal(pcap.body, 'pcap bytes');
});

test('artifacts are served by id from the runs folder only', async () => {
  const [log] = await lab.results.artifactsWithIds(runOf('6.11'));
  const ok = await get(`/artifacts/${log!.id}`);
  assert.equal(ok.statusCode, 200);
  assert.match(ok.body, /CC net\/ipv6\/ndisc\.o/);

  // A recorded path outside the runs folder, and one inside that is a symlink to outside: both refused.
  const outside = path.join(lab.dir, 'secret.txt');
  writeFileSync(outside, 'secret');
  const link = path.join(lab.runsDir, `run-${runOf('6.11')}`, 'escape.log');
  symlinkSync(outside, link);
  await lab.store.addArtifact({ runId: runOf('6.11'), kind: 'build-log', path: outside, sizeBytes: 6 });
  await lab.store.addArtifact({ runId: runOf('6.11'), kind: 'build-log', path: link, sizeBytes: 6 });
  await lab.store.addArtifact({ runId: runOf('6.11'), kind: 'build-log', path: `${lab.runsDir}/../secret.txt`, sizeBytes: 6 });
  const all = await lab.results.artifactsWithIds(runOf('6.11'));
  for (const a of all.slice(-3)) {
    const r = await get(`/artifacts/${a.id}`);
    assert.equal(r.statusCode, 404, a.path);
    assert.ok(!r.body.includes('secret</'), 'nothing of the file');
    assert.match(r.body, /not inside the lab runs folder/);
  }
  assert.equal((await get('/artifacts/999999')).statusCode, 404);
  assert.equal((await get('/artifacts/..%2F..%2Fetc%2Fpasswd')).statusCode, 400);
});

test('history: pass-rate chart as server-side SVG, first failure, version order', async () => {
  const r = await get('/history/v6LC.2.1.7-D?testset=phase2-host&nut=qemu');
  assert.equal(r.statusCode, 200);
  assert.match(r.body, /<svg class="trend"/);
  assert.match(r.body, /<polyline points="[0-9., ]+" class="rate"\/>/);
  assert.match(r.body, /First failure: <a href="\/runs\/\d+" class="first-failure">6\.12-rc1<\/a>/);
  assert.match(r.body, /5 run\(s\), 40% passed/);
  // Only one stream ran the case: the history is shown without asking.
  assert.equal((await get('/history/v6LC.2.1.7-D')).statusCode, 200);
  assert.equal((await get('/history/nope')).statusCode, 404);
  // Both named but not run there: the same 404s, saying why.
  const elsewhere = await get('/api/history/v6LC.2.1.7-D?testset=phase2-router&nut=qemu');
  assert.equal(elsewhere.statusCode, 404);
  assert.match(elsewhere.json().error, /never ran in test set phase2-router on NUT kind qemu/);
  assert.match((await get('/api/history/nope?testset=phase2-host&nut=qemu')).json().error, /no run has case nope/);
});

test('compare any two runs', async () => {
  const r = await get(`/compare?a=${runOf('6.11')}&b=${runOf('6.12-rc1')}`);
  assert.equal(r.statusCode, 200);
  assert.match(r.body, /2 regression\(s\), 0 fix\(es\)/);
  assert.equal((await get('/compare')).statusCode, 200);
  const bad = await get('/compare?a=1&b=x');
  assert.equal(bad.statusCode, 400);
  assert.match(bad.body, /b: a positive whole number/);
});

test('Atom feed: finished runs and regressions, values escaped, absolute links', async () => {
  const r = await get('/feed.atom');
  assert.equal(r.statusCode, 200);
  assert.match(r.headers['content-type'] as string, /application\/atom\+xml/);
  assert.ok(r.body.startsWith('<?xml version="1.0" encoding="utf-8"?>'));
  assert.match(r.body, /<title>Regression: 6\.12-rc1 phase2-host on qemu: 2 case\(s\)<\/title>/);
  assert.match(r.body, /<link href="http:\/\/lab\.example:8080\/runs\/\d+"\/>/);
  assert.ok(!r.body.includes('<script>'));
  assert.equal((r.body.match(/<entry>/g) ?? []).length, 5 + 3, 'five finished runs, three of them regressed');
});

test('JSON API: matrix, run with diffs and artifact URLs, filtered results, case, history, compare; errors are JSON', async () => {
  const m = (await get('/api/matrix')).json();
  assert.deepEqual(m.columns, ['phase2-host@qemu']);
  assert.equal(m.rows[0].kernelVersion, '6.13-rc1');
  const run = (await get(`/api/runs/${runOf('6.12-rc2')}`)).json();
  assert.deepEqual(run.diffs.map((d: { baselineKernel: string }) => d.baselineKernel), ['6.12-rc1', '6.11']);
  assert.match(run.artifacts[0].url, /^\/artifacts\/\d+$/);
  const fails = (await get(`/api/runs/${runOf('6.12-rc2')}/results?verdict=FAIL`)).json();
  assert.deepEqual(fails.map((x: { caseId: string }) => x.caseId), ['v6LC.2.1.7-D']);
  const c = (await get(`/api/runs/${runOf('6.12-rc1')}/cases/v6LC.5.1.8`)).json();
  assert.equal(c.title, XSS, 'JSON carries the raw value; escaping is the renderer\'s job');
  assert.match(c.pcaps[0].url, /\/pcaps\/0$/);
  const h = (await get('/api/history/v6LC.2.1.7-D')).json();
  assert.equal(h.history.firstFailure.kernelVersion, '6.12-rc1');
  const cmp = (await get(`/api/compare?a=${runOf('6.11')}&b=${runOf('6.12-rc1')}`)).json();
  assert.equal(cmp.counts.regression, 2);
  const status = (await get('/api/status')).json();
  assert.equal(status.running[0].stage.stage, 'boot');
  const feed = (await get('/api/feed')).json();
  assert.deepEqual(feed.filter((i: { kind: string }) => i.kind === 'regression').map((i: { kernelVersion: string }) => i.kernelVersion), ['6.12', '6.12-rc2', '6.12-rc1']);
  const missing = await get('/api/runs/424242');
  assert.equal(missing.statusCode, 404);
  assert.deepEqual(missing.json(), { error: 'no run 424242', statusCode: 404 });
  const bad = await get('/api/runs/0');
  assert.equal(bad.statusCode, 400);
  assert.match(bad.json().error, /id: a positive whole number/);
});

test('listen() binds to 127.0.0.1 unless told otherwise', async () => {
  const other = build({ store: lab.store, results: lab.results, bisections: lab.bisections, runsDir: lab.runsDir });
  try {
    const url = await listen(other, { port: 0 });
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const address = other.server.address();
    assert.ok(address && typeof address === 'object' && address.address === '127.0.0.1');
  } finally {
    await other.close();
  }
});

test('a case id with URL metacharacters (kselftest names) stays one path segment everywhere', async () => {
  const own = await openLab();
  const ownApp = build({ store: own.store, results: own.results, bisections: own.bisections, runsDir: own.runsDir });
  try {
    const caseId = 'net/fib tests?x#y%';
    const id = await addRun(own, { version: '6.11', verdicts: { [caseId]: 'FAIL' } });
    const enc = encodeURIComponent(caseId);
    const page = (await ownApp.inject(`/runs/${id}`)).body;
    assert.ok(page.includes(`href="/runs/${id}/cases/${enc}"`), 'links encode the id');
    for (const url of [`/runs/${id}/cases/${enc}`, `/runs/${id}/cases/${enc}/log`, `/runs/${id}/cases/${enc}/pcaps/0`, `/history/${enc}`]) {
      assert.equal((await ownApp.inject(url)).statusCode, 200, url);
    }
    assert.equal((await ownApp.inject(`/api/runs/${id}/cases/${enc}`)).json().caseId, caseId);
  } finally {
    await ownApp.close();
    await own.cleanup();
  }
});

test('home: the lab status shows each host with its roles, NUTs and last heartbeat; a silent one is named so', async () => {
  const { SqliteHosts } = await import('@testlab/store-sqlite');
  const registry = new SqliteHosts(lab.store.database, () => new Date());
  await registry.announce({ name: 'worker-a', roles: ['worker'], builds: true, owner: 'labd:worker-a:1:1', nuts: [{ name: 'vm-1', profile: 'qemu', modes: ['host', 'router'] }] });
  await new SqliteHosts(lab.store.database, () => new Date(Date.now() - 10 * 60_000)).announce({ name: 'worker-b', roles: ['worker'], builds: false, owner: 'labd:worker-b:1:1', nuts: [] });
  // A dashboard started now: the one above may show a page it kept up to 2 s (hosts do not move the change stamp).
  const fresh = build({ store: lab.store, results: lab.results, bisections: lab.bisections, runsDir: lab.runsDir });
  const r = await fresh.inject({ url: '/' });
  await fresh.close();
  assert.match(r.body, /<tr><td>worker-a<\/td><td>worker<\/td><td>vm-1 \(qemu: host, router\)<\/td><td>[0-9T:.-]+Z<\/td><td class="host-up">up<\/td><\/tr>/);
  assert.match(r.body, /<tr><td>worker-b<\/td><td>worker<\/td><td>—<\/td><td>[0-9T:.-]+Z<\/td><td class="host-silent">not answering for 10 min<\/td><\/tr>/);
  const status = (await get('/api/status')).json() as { hosts: { name: string }[] };
  assert.deepEqual(status.hosts.map((h) => h.name), ['worker-a', 'worker-b']);
});
