#!/usr/bin/env node
// Response times of the dashboard's heavy pages over real HTTP on 127.0.0.1, against the history made by
// generate-history.mjs. Prints p50/p95/max per page; the target is p95 <= 50 ms for matrix, run and history.
//
//   npm run build && node infra/bench/generate-history.mjs && node infra/bench/web.mjs [--db /tmp/testlab-bench/lab.db] [--n 200]
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openSqliteStore, resultsQueryOn } from '@testlab/store-sqlite';
import { build, listen } from '@testlab/web';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: '/tmp/testlab-bench/lab.db' },
    n: { type: 'string', default: '200' },
  },
});
const N = Number(values.n);
const TARGET_MS = 50;

const store = openSqliteStore(path.resolve(values.db));
const results = resultsQueryOn(store);
const db = store.database;
const facts = db.prepare('SELECT (SELECT count(*) FROM runs) AS runs, (SELECT count(*) FROM results) AS results').get();
const runIds = db.prepare(`SELECT id FROM runs WHERE status = 'done' ORDER BY id`).pluck().all();
const cases = db.prepare(`SELECT DISTINCT case_id FROM results WHERE run_id = ?`).pluck().all(runIds.at(-1));
const testsets = db.prepare('SELECT DISTINCT testset FROM runs ORDER BY 1').pluck().all();
const kernels = db.prepare('SELECT DISTINCT version FROM kernels ORDER BY 1').pluck().all();

const app = build({ store, results, runsDir: path.join(path.dirname(path.resolve(values.db)), 'runs') });
const base = await listen(app, { port: 0 });

// Same PRNG as the generator's family: a fixed sample, so two runs of the benchmark ask the same pages.
let seed = 42;
const pick = (list) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return list[seed % list.length];
};

const pages = [
  { name: 'matrix (/)', url: () => '/' },
  { name: 'matrix, mainline stream', url: () => '/?stream=mainline' },
  { name: 'run page', url: () => `/runs/${pick(runIds)}` },
  { name: 'run page, FAIL filter', url: () => `/runs/${pick(runIds)}?verdict=FAIL` },
  { name: 'history page', url: () => `/history/${encodeURIComponent(pick(cases))}?testset=${pick(testsets)}&nut=qemu` },
  { name: 'case page', url: () => `/runs/${pick(runIds)}/cases/${encodeURIComponent(pick(cases))}` },
  { name: 'api matrix', url: () => '/api/matrix' },
  { name: 'api run', url: () => `/api/runs/${pick(runIds)}` },
  { name: 'api history', url: () => `/api/history/${encodeURIComponent(pick(cases))}?testset=${pick(testsets)}&nut=qemu` },
  { name: 'atom feed', url: () => '/feed.atom' },
  { name: 'api runs (50)', url: () => '/api/runs' },
  { name: 'api runs, 500', url: () => '/api/runs?limit=500' },
  { name: 'api runs, set+cursor', url: () => `/api/runs?testset=${pick(testsets)}&limit=100&before=${pick(runIds)}` },
  { name: 'api runs, kernel', url: () => `/api/runs?kernel=${encodeURIComponent(pick(kernels))}` },
];

// In-process (app.inject): the server's own work without the socket, which separates our cost from the
// machine's scheduling when other processes load the cores.
async function injectOne(url) {
  const t0 = performance.now();
  const r = await app.inject({ method: 'GET', url });
  const ms = performance.now() - t0;
  if (r.statusCode !== 200) throw new Error(`${url}: HTTP ${r.statusCode}`);
  return ms;
}

async function timeOne(url) {
  const t0 = performance.now();
  const r = await fetch(base + url);
  const body = await r.arrayBuffer();
  const ms = performance.now() - t0;
  if (r.status !== 200) throw new Error(`${url}: HTTP ${r.status}: ${Buffer.from(body).toString().slice(0, 200)}`);
  return { ms, bytes: body.byteLength };
}

const q = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(`${facts.runs} runs, ${facts.results} results; ${N} requests per page, one at a time, after 10 warm-up requests`);
console.log(`load average before: ${load()} (${os.cpus().length} cores)`);
console.log('page                      HTTP p50  HTTP p95  HTTP max  in-process p50  in-process p95   avg KiB');
const slow = [];
for (const page of pages) {
  for (let i = 0; i < 10; i++) await timeOne(page.url());
  const times = [];
  const inproc = [];
  let bytes = 0;
  for (let i = 0; i < N; i++) {
    const t = await timeOne(page.url());
    times.push(t.ms);
    bytes += t.bytes;
    inproc.push(await injectOne(page.url()));
  }
  times.sort((a, b) => a - b);
  inproc.sort((a, b) => a - b);
  const p95 = q(times, 0.95);
  const f = (n, w) => n.toFixed(1).padStart(w);
  console.log(
    `${page.name.padEnd(25)} ${f(q(times, 0.5), 8)}  ${f(p95, 8)}  ${f(times.at(-1), 8)}  ${f(q(inproc, 0.5), 14)}  ${f(q(inproc, 0.95), 14)}  ${f(bytes / N / 1024, 8)}`,
  );
  if (['matrix (/)', 'matrix, mainline stream', 'run page', 'history page'].includes(page.name) && p95 > TARGET_MS) slow.push(page.name);
}
console.log(`load average after: ${load()}`);
console.log(slow.length ? `ABOVE the ${TARGET_MS} ms p95 target: ${slow.join(', ')}` : `matrix, run and history pages within the ${TARGET_MS} ms p95 target`);
await app.close();
await store.close();
