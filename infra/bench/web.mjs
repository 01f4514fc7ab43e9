#!/usr/bin/env node
// Response times of the dashboard's heavy pages over real HTTP on 127.0.0.1, against the history made by
// generate-history.mjs, on SQLite or PostgreSQL (the store is opened through the lab's one factory). Prints
// p50/p95/max per page, one request at a time; the target is p95 <= 50 ms for matrix, run and history.
// `--load` then starts the real dashboard (apps/web main.js, `--workers`) and runs autocannon against it with
// `--connections` clients at once: requests per second, p50/p99 and errors per page (goal: 0 errors, p99 <= 1 s).
// Every request accepts gzip, as every browser's does (fetch adds it; autocannon is told to); `--identity` asks
// for the pages uncompressed instead, as a client that cannot decompress would.
//
//   npm run build && node infra/bench/generate-history.mjs && node infra/bench/web.mjs [--db /tmp/testlab-bench/lab.db] [--n 200]
//   node infra/bench/web.mjs --store postgres://testlab@127.0.0.1:5432/bench --password-file pw [--load --workers auto]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { postgresLocation } from '@testlab/core';
import { describeStoreLocation, openLabStores } from '@testlab/stores';
import { build, listen } from '@testlab/web';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: '/tmp/testlab-bench/lab.db' },
    store: { type: 'string' },
    'password-file': { type: 'string' },
    n: { type: 'string', default: '200' },
    load: { type: 'boolean', default: false },
    'load-only': { type: 'boolean', default: false },
    connections: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '15' },
    workers: { type: 'string', default: 'auto' },
    identity: { type: 'boolean', default: false },
  },
});
const ACCEPT_ENCODING = values.identity ? 'identity' : 'gzip, deflate, br';
const N = Number(values.n);
const TARGET_MS = 50;
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const location = values.store
  ? postgresLocation(values.store, values['password-file'] ? { file: path.resolve(values['password-file']) } : {})
  : { backend: 'sqlite', file: path.resolve(values.db) };
const runsDir = path.join(path.dirname(path.resolve(values.db)), 'runs');

const stores = await openLabStores(location);
const { store, results } = stores;
const all = await store.listRuns();
const runIds = all.filter((r) => r.status === 'done').map((r) => r.id).sort((a, b) => a - b);
const resultCount = all.reduce((n, r) => n + Object.values(r.counts).reduce((a, b) => a + b, 0), 0);
const cases = (await results.results(runIds.at(-1))).map((r) => r.caseId);
const testsets = [...new Set(all.map((r) => r.testset))].sort();
const kernels = [...new Set(all.flatMap((r) => (r.kernelVersion ? [r.kernelVersion] : [])))].sort();

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
const q = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(`${describeStoreLocation(location)}: ${all.length} runs, ${resultCount} results`);

if (!values['load-only']) {
  const app = build({ store, results, bisections: stores.bisections, runsDir });
  const base = await listen(app, { port: 0 });
  // In-process (app.inject): the server's own work without the socket. Each request names a page the cache
  // has not seen (the pick moves on), except the matrix, which every visitor shares.
  const injectOne = async (url) => {
    const t0 = performance.now();
    const r = await app.inject({ method: 'GET', url, headers: { 'accept-encoding': ACCEPT_ENCODING } });
    const ms = performance.now() - t0;
    if (r.statusCode !== 200) throw new Error(`${url}: HTTP ${r.statusCode}`);
    return ms;
  };
  const timeOne = async (url) => {
    const t0 = performance.now();
    const r = await fetch(base + url, { headers: { 'accept-encoding': ACCEPT_ENCODING } });
    const body = await r.arrayBuffer();
    const ms = performance.now() - t0;
    if (r.status !== 200) throw new Error(`${url}: HTTP ${r.status}: ${Buffer.from(body).toString().slice(0, 200)}`);
    return { ms, bytes: body.byteLength };
  };
  console.log(`${N} requests per page, one at a time, after 10 warm-up requests, Accept-Encoding: ${ACCEPT_ENCODING}; load average before: ${load()} (${os.cpus().length} cores)`);
  console.log('page                      HTTP p50  HTTP p95  HTTP max  in-process p50  in-process p95   avg KiB (unzipped)');
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
    console.log(`${page.name.padEnd(25)} ${f(q(times, 0.5), 8)}  ${f(p95, 8)}  ${f(times.at(-1), 8)}  ${f(q(inproc, 0.5), 14)}  ${f(q(inproc, 0.95), 14)}  ${f(bytes / N / 1024, 8)}`);
    if (['matrix (/)', 'matrix, mainline stream', 'run page', 'history page'].includes(page.name) && p95 > TARGET_MS) slow.push(page.name);
  }
  console.log(`load average after: ${load()}`);
  console.log(slow.length ? `ABOVE the ${TARGET_MS} ms p95 target: ${slow.join(', ')}` : `matrix, run and history pages within the ${TARGET_MS} ms p95 target`);
  await app.close();
}
await stores.close();

if (values.load || values['load-only']) {
  // The real dashboard process (cluster workers and all), as a lab runs it.
  const port = await new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
  const env = { ...process.env, TESTLAB_HOME: path.dirname(runsDir) };
  if (location.backend === 'postgres') {
    env.TESTLAB_STORE = location.url;
    if (location.passwordFile) env.TESTLAB_STORE_PASSWORD_FILE = location.passwordFile;
  }
  const web = spawn(process.execPath, [path.join(root, 'apps/web/dist/src/main.js'), '--port', String(port), '--workers', values.workers], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const workers = values.workers === 'auto' ? os.availableParallelism() : Number(values.workers);
  let listening = 0;
  await new Promise((resolve, reject) => {
    web.once('exit', (code) => reject(new Error(`the dashboard exited (${code})`)));
    web.stdout.on('data', (d) => {
      listening += (d.toString().match(/dashboard listening/g) ?? []).length;
      if (listening >= workers) resolve();
    });
  });
  const connections = Number(values.connections);
  const duration = Number(values.seconds);
  // Many visitors: the matrix everybody opens, and runs and histories spread over the year.
  const loadPages = [
    { name: 'matrix (/)', requests: [{ path: '/' }] },
    { name: 'run page (100 runs)', requests: Array.from({ length: 100 }, () => ({ path: `/runs/${pick(runIds)}` })) },
    { name: 'history page (50 cases)', requests: Array.from({ length: 50 }, () => ({ path: `/history/${encodeURIComponent(pick(cases))}?testset=${pick(testsets)}&nut=qemu` })) },
    { name: 'api run (100 runs)', requests: Array.from({ length: 100 }, () => ({ path: `/api/runs/${pick(runIds)}` })) },
  ];
  console.log(`\nautocannon: ${connections} connections for ${duration} s per page against the dashboard with --workers ${values.workers} (${workers} processes), Accept-Encoding: ${ACCEPT_ENCODING}; load average before: ${load()}`);
  console.log('page                        req/s    p50 ms   p99 ms   max ms   errors  timeouts  non-2xx  KiB sent');
  for (const page of loadPages) {
    const r = await autocannon({ url: `http://127.0.0.1:${port}`, connections, duration, requests: page.requests, timeout: 10, headers: { 'accept-encoding': ACCEPT_ENCODING } });
    const f = (n, w) => String(Math.round(n)).padStart(w);
    console.log(`${page.name.padEnd(25)} ${f(r.requests.average, 7)}  ${f(r.latency.p50, 8)} ${f(r.latency.p99, 8)} ${f(r.latency.max, 8)}  ${f(r.errors, 7)}  ${f(r.timeouts, 8)}  ${f(r.non2xx, 7)}  ${(r.throughput.total / Math.max(1, r.requests.total) / 1024).toFixed(1).padStart(8)}`);
  }
  console.log(`load average after: ${load()}`);
  web.kill('SIGTERM');
  await once(web, 'exit');
}
