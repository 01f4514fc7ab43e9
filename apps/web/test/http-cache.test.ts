// Many readers: a finished run's pages are validated by an ETag (a client that has them gets a 304, the
// server renders them once), a running run's are never kept, a finished run's files are immutable, and the
// matrix is kept until the store's change stamp moves; a kept page goes gzipped to a client that accepts it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { build } from '../src/app.js';
import { acceptsGzip } from '../src/http-cache.js';
import { addRun, openLab, type Lab } from './fixture.js';

let lab: Lab;
let app: ReturnType<typeof build>;
before(async () => {
  lab = await openLab();
  app = build({ store: lab.store, results: lab.results, bisections: lab.bisections, runsDir: lab.runsDir });
});
after(async () => {
  await app.close();
  await lab.cleanup();
});

/** An app over the lab whose results store counts the calls of one method. */
function counting(method: 'matrix' | 'run'): { app: ReturnType<typeof build>; calls: { count: number } } {
  const calls = { count: 0 };
  const counted = new Proxy(lab.results, {
    get(target, name) {
      const value = Reflect.get(target, name) as unknown;
      if (typeof value !== 'function') return value;
      return name === method ? (...args: unknown[]) => (calls.count++, value.apply(target, args)) : value.bind(target);
    },
  });
  return { app: build({ store: lab.store, results: counted, bisections: lab.bisections, runsDir: lab.runsDir }), calls };
}

test("a finished run's page: ETag, revalidated with a 304; a running run's page is never kept", async () => {
  const done = await addRun(lab, { version: '6.12', verdicts: { 'v6LC.1.1.1': 'PASS' } });
  const first = await app.inject({ url: `/runs/${done}` });
  assert.equal(first.statusCode, 200);
  const etag = first.headers.etag as string;
  assert.match(etag, new RegExp(`^"run-${done}-done-`));
  assert.equal(first.headers['cache-control'], 'no-cache');
  const again = await app.inject({ url: `/runs/${done}`, headers: { 'if-none-match': etag } });
  assert.equal(again.statusCode, 304);
  assert.equal(again.body, '');
  for (const url of [`/api/runs/${done}`, `/api/runs/${done}/results`, `/runs/${done}/cases/v6LC.1.1.1`]) {
    const r = await app.inject({ url });
    assert.equal(r.headers.etag, etag, url);
    assert.equal((await app.inject({ url, headers: { 'if-none-match': `W/${etag}, "other"` } })).statusCode, 304, url);
  }
  const running = await addRun(lab, { version: '6.13-rc1', verdicts: {}, status: 'running' });
  const live = await app.inject({ url: `/runs/${running}` });
  assert.equal(live.headers.etag, undefined);
  assert.equal(live.headers['cache-control'], 'no-store');
});

test("a finished run's files and case logs are immutable; a running run's are not", async () => {
  const done = lab.runs.get('6.12')!;
  const [artifact] = await lab.results.artifactsWithIds(done);
  assert.equal((await app.inject({ url: `/artifacts/${artifact!.id}` })).headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal((await app.inject({ url: `/runs/${done}/cases/v6LC.1.1.1/pcaps/0` })).headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal((await app.inject({ url: `/runs/${done}/cases/v6LC.1.1.1/log` })).headers['cache-control'], 'public, max-age=31536000, immutable');
  const running = lab.runs.get('6.13-rc1')!;
  const [live] = await lab.results.artifactsWithIds(running);
  assert.equal((await app.inject({ url: `/artifacts/${live!.id}` })).headers['cache-control'], 'no-cache');
});

test('the matrix is kept until a run starts, ends or gets its diffs', async () => {
  const first = await app.inject({ url: '/api/matrix' });
  const etag = first.headers.etag as string;
  assert.match(etag, /^"matrix-/);
  assert.equal((await app.inject({ url: '/api/matrix', headers: { 'if-none-match': etag } })).statusCode, 304);
  await addRun(lab, { version: '6.12.1', verdicts: { 'v6LC.1.1.1': 'FAIL' } });
  await new Promise((r) => setTimeout(r, 1100)); // the stamp is asked at most once a second
  const after = await app.inject({ url: '/api/matrix', headers: { 'if-none-match': etag } });
  assert.equal(after.statusCode, 200);
  assert.notEqual(after.headers.etag, etag);
  assert.ok((after.json() as { rows: { kernelVersion: string }[] }).rows.some((r) => r.kernelVersion === '6.12.1'));
});

test('a crowd asking for a page not kept yet waits for one rendering of it', async () => {
  // Counted at the store: each rendering of the API matrix reads the matrix once.
  const { app: crowdApp, calls } = counting('matrix');
  try {
    const answers = await Promise.all(Array.from({ length: 50 }, () => crowdApp.inject({ url: '/api/matrix' })));
    assert.deepEqual([...new Set(answers.map((a) => a.statusCode))], [200]);
    assert.equal(new Set(answers.map((a) => a.body)).size, 1);
    assert.equal(calls.count, 1, 'rendered once for 50 visitors');
  } finally {
    await crowdApp.close();
  }
});

test("a case's history is kept and validated until the store's change stamp moves", async () => {
  const url = '/history/v6LC.1.1.1?testset=phase2-host&nut=qemu';
  const first = await app.inject({ url });
  assert.equal(first.statusCode, 200);
  const etag = first.headers.etag as string;
  assert.match(etag, /^"history-/);
  assert.equal((await app.inject({ url, headers: { 'if-none-match': etag } })).statusCode, 304);
  await addRun(lab, { version: '6.12.2', verdicts: { 'v6LC.1.1.1': 'FAIL' } });
  await new Promise((r) => setTimeout(r, 1100)); // the stamp is asked at most once a second
  const after = await app.inject({ url, headers: { 'if-none-match': etag } });
  assert.equal(after.statusCode, 200);
  assert.ok(after.body.includes('6.12.2'), 'the new run is in the history');
  assert.equal((await app.inject({ url: '/history/v6LC.0.0.0' })).statusCode, 404, 'an unknown case is still a 404');
});

test('a kept page goes gzipped to a client that accepts gzip, as it is to one that does not', async () => {
  const done = await addRun(lab, { version: '6.12.3', verdicts: { 'v6LC.1.1.1': 'PASS', 'v6LC.1.1.2': 'FAIL' } });
  for (const url of [`/runs/${done}`, '/history/v6LC.1.1.2?testset=phase2-host&nut=qemu', '/']) {
    const plain = await app.inject({ url });
    assert.equal(plain.headers['content-encoding'], undefined, url);
    const zipped = await app.inject({ url, headers: { 'accept-encoding': 'gzip, deflate, br' } });
    assert.equal(zipped.headers['content-encoding'], 'gzip', url);
    assert.equal(zipped.headers.vary, 'accept-encoding', url);
    assert.equal(zipped.headers.etag, plain.headers.etag, url);
    assert.equal(gunzipSync(zipped.rawPayload).toString(), plain.body, url);
    assert.ok(zipped.rawPayload.length < plain.rawPayload.length, url);
    const refused = await app.inject({ url, headers: { 'accept-encoding': 'gzip;q=0, identity' } });
    assert.equal(refused.headers['content-encoding'], undefined, url);
    assert.equal(refused.body, plain.body, url);
  }
  // A page of a few hundred bytes is not worth it.
  const small = await app.inject({ url: `/api/runs/${done}/results`, headers: { 'accept-encoding': 'gzip' } });
  assert.equal(small.headers['content-encoding'], undefined);
  assert.equal(small.json().length, 2);
});

test('Accept-Encoding: gzip, x-gzip or * with a weight above 0', () => {
  for (const yes of ['gzip', 'deflate, gzip', 'GZIP;q=0.5', 'x-gzip', '*', 'br;q=1, *;q=0.1', ['br', 'gzip']]) assert.equal(acceptsGzip(yes), true, String(yes));
  for (const no of [undefined, '', 'identity', 'br, deflate', 'gzip;q=0', 'gzip; q=0.0', '*;q=0', 'gzip;q=0, *', 'gzip;q=zero']) assert.equal(acceptsGzip(no), false, String(no));
});

test("a finished run is read once while the change stamp stays; a running run at each request", async () => {
  const { app: readsApp, calls } = counting('run');
  try {
    const done = await addRun(lab, { version: '6.12.4', verdicts: { 'v6LC.1.1.1': 'PASS' } });
    for (const url of [`/runs/${done}`, `/runs/${done}`, `/api/runs/${done}`, `/api/runs/${done}/results`, `/runs/${done}/cases/v6LC.1.1.1`]) {
      assert.equal((await readsApp.inject({ url })).statusCode, 200, url);
    }
    assert.equal(calls.count, 1, 'one read for five pages of a finished run');
    const running = await addRun(lab, { version: '6.13-rc2', verdicts: {}, status: 'running' });
    calls.count = 0;
    await readsApp.inject({ url: `/runs/${running}` });
    await readsApp.inject({ url: `/runs/${running}` });
    assert.equal(calls.count, 2, 'a running run is read at each request');
    assert.equal((await readsApp.inject({ url: '/runs/999999' })).statusCode, 404);
  } finally {
    await readsApp.close();
  }
});
