#!/usr/bin/env node
// One year of nightly lab history for the results-service benchmark: about 1,040 kernels (daily mainline
// snapshots and linux-next, weekly rc's and finals, the current stable line and two LTS lines) x 3 test sets x 500 cases, i.e.
// about 3,000 runs and 1.5 million results, written with the real schema and with diffs recorded by the
// real hook (recordRunDiffs), run by run in time order as the lab would.
//
//   npm run build && node infra/bench/generate-history.mjs [--out /tmp/testlab-bench] [--days 365] [--cases 500]
//
// Deterministic (seeded PRNG): the same arguments give the same database.
import { mkdirSync, rmSync, existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openSqliteStore, resultsQueryOn } from '@testlab/store-sqlite';
import { recordRunDiffs } from '@testlab/diff';
import { parseKernelVersion } from '@testlab/core';

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: '/tmp/testlab-bench' },
    days: { type: 'string', default: '365' },
    cases: { type: 'string', default: '500' },
  },
});
const DAYS = Number(values.days);
const CASES = Number(values.cases);
if (!Number.isInteger(DAYS) || DAYS < 1 || DAYS > 3650) throw new Error('--days must be 1..3650');
if (!Number.isInteger(CASES) || CASES < 5 || CASES > 5000) throw new Error('--cases must be 5..5000');

const out = path.resolve(values.out);
const dbPath = path.join(out, 'lab.db');
for (const f of ['lab.db', 'lab.db-wal', 'lab.db-shm']) rmSync(path.join(out, f), { force: true });
mkdirSync(path.join(out, 'runs'), { recursive: true });

// mulberry32: tiny, fast, good enough for synthetic verdicts.
let seed = 0x5eed1ab;
function random() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (n) => Math.floor(random() * n);
const hex = () => Array.from({ length: 12 }, () => '0123456789abcdef'[pick(16)]).join('');

const TESTSETS = [
  { name: 'phase2-host', mode: 'host' },
  { name: 'phase2-router', mode: 'router' },
  { name: 'phase2-ipsec', mode: 'ipsec-end-node' },
];
const SECTIONS = [1, 2, 3, 4, 5];
const caseIds = Array.from({ length: CASES }, (_, i) => {
  const section = SECTIONS[i % SECTIONS.length];
  const group = 1 + Math.floor(i / 50);
  const n = 1 + (Math.floor(i / SECTIONS.length) % 10);
  return `v6LC.${section}.${group}.${n}${i % 3 === 0 ? '-A' : i % 3 === 1 ? '-B' : ''}`;
});
// Per test set: cases that never apply (NA), known-broken ones, and flaky ones.
const profiles = TESTSETS.map(() => caseIds.map(() => {
  const r = random();
  return r < 0.05 ? 'na' : r < 0.07 ? 'broken' : r < 0.08 ? 'flaky' : 'ok';
}));

/** Open bugs per stream: case index -> kernels left before the fix lands. */
const bugs = { mainline: new Map(), next: new Map(), 'stable-6.6': new Map(), 'stable-6.1': new Map(), 'stable-line': new Map() };
function ageBugs(stream, chance) {
  const open = bugs[stream];
  for (const [c, left] of open) (left <= 1 ? open.delete(c) : open.set(c, left - 1));
  if (random() < chance) open.set(pick(CASES), 3 + pick(25));
}
function verdictsFor(stream, testsetIndex) {
  const profile = profiles[testsetIndex];
  const extra = stream === 'next' ? bugs.mainline : null;
  return caseIds.map((id, i) => {
    const p = profile[i];
    if (p === 'na') return 'NA';
    if (p === 'broken') return 'FAIL';
    if (p === 'flaky' && random() < 0.25) return random() < 0.8 ? 'FAIL' : 'ERROR';
    if (bugs[stream].has(i) || extra?.has(i)) return 'FAIL';
    if (random() < 0.002) return 'WARN';
    return 'PASS';
  });
}

const store = openSqliteStore(dbPath);
// As labd's config gives them: parsed once, where they enter.
const PINNED = [parseKernelVersion('6.6')];
const results = resultsQueryOn(store);
const db = store.database;
const insertKernel = db.prepare(
  `INSERT INTO kernels (version, kind, source_label, source_hash, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
);
const insertBuild = db.prepare(
  `INSERT INTO builds (kernel_id, cache_key, kernel_release, from_cache, created_at) VALUES (?, ?, ?, 0, ?) RETURNING id`,
);
const insertRun = db.prepare(
  `INSERT INTO runs (kernel_id, build_id, testset, nut, status, failed_stage, error, source_label, started_at, finished_at)
   VALUES (?, ?, ?, 'qemu', ?, ?, ?, ?, ?, ?) RETURNING id`,
);
const insertStage = db.prepare(
  `INSERT INTO stages (run_id, stage, status, started_at, finished_at, duration_ms, log_path, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
);
const insertResult = db.prepare(
  `INSERT INTO results (run_id, case_id, title, verdict, reason, duration_ms, log, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
);
const insertPcap = db.prepare(`INSERT INTO result_pcaps (result_id, position, path) VALUES (?, 0, ?)`);
const insertArtifact = db.prepare(`INSERT INTO artifacts (run_id, kind, path, size_bytes, created_at) VALUES (?, ?, ?, ?, ?)`);

const STAGE_MS = { unpack: 40_000, configure: 15_000, build: 900_000, boot: 20_000, test: 600_000 };

/** Stores one kernel's runs (one per test set) in a transaction per run, then records each run's diffs. */
async function testKernel(version, kind, stream, at) {
  const iso = at.toISOString();
  const k = insertKernel.get(version, kind, `linux-${version}`, `sha256:${hex()}${hex()}`, iso);
  const b = insertBuild.get(k.id, hex(), version, iso);
  for (let t = 0; t < TESTSETS.length; t++) {
    const failedBuild = random() < 0.01;
    let clock = at.getTime() + t * 30 * 60_000;
    const runId = db.transaction(() => {
      const started = new Date(clock).toISOString();
      const total = Object.values(STAGE_MS).reduce((a, b) => a + b, 0);
      const finished = new Date(clock + total).toISOString();
      const run = insertRun.get(
        k.id, b.id, TESTSETS[t].name, failedBuild ? 'failed' : 'done', failedBuild ? 'build' : null,
        failedBuild ? 'make exited with status 2' : null, `linux-${version}`, started, finished,
      );
      const dir = path.join(out, 'runs', `run-${run.id}`);
      for (const [stage, ms] of Object.entries(STAGE_MS)) {
        const s = new Date(clock).toISOString();
        clock += ms;
        const failedHere = failedBuild && stage === 'build';
        insertStage.run(run.id, stage, failedHere ? 'failed' : 'done', s, new Date(clock).toISOString(), ms, stage === 'build' ? `${dir}/build.log` : null, failedHere ? 'make exited with status 2' : null);
        if (failedHere) break;
      }
      insertArtifact.run(run.id, 'build-log', `${dir}/build.log`, 250_000, finished);
      insertArtifact.run(run.id, 'config', `${dir}/config`, 90_000, finished);
      if (failedBuild) return run.id;
      insertArtifact.run(run.id, 'bzImage', `${dir}/bzImage`, 1_900_000, finished);
      insertArtifact.run(run.id, 'console-log', `${dir}/console.log`, 40_000, finished);
      const verdicts = verdictsFor(stream, t);
      caseIds.forEach((caseId, i) => {
        const v = verdicts[i];
        const reason = v === 'PASS' ? 'echo reply received' : v === 'NA' ? `not a ${TESTSETS[t].mode} case` : 'expected an Echo Reply within 2 s; seen nothing (RFC 4443 §4.2)';
        const r = insertResult.get(run.id, caseId, `Synthetic case ${caseId}`, v, reason, 1000 + pick(2000), `-> Echo Request\n<- ${v === 'PASS' ? 'Echo Reply' : 'nothing'}\n`, finished);
        insertPcap.run(r.id, `${dir}/${caseId}/Link0.pcap`);
      });
      return run.id;
    })();
    if (!failedBuild) await recordRunDiffs(results, runId, { pinned: PINNED });
    runs++;
  }
}

let runs = 0;
const started = Date.now();
const day0 = Date.parse('2025-01-01T01:00:00Z');
// Key releases tested once at the start, as a new lab would: the LTS final (pinned) and the newest final.
await testKernel('6.6', 'final', 'mainline', new Date(day0 - 2 * 86400_000));
await testKernel('6.12', 'final', 'mainline', new Date(day0 - 86400_000));

let major = 6;
let minor = 13; // The line in development: 6.13-rc1 came out before the year starts.
let rc = 4;
let lastTag = `${major}.${minor}-rc${rc}`;
let commits = 0;
let stableLine = { minor: 12, patch: 8 };
let ltsPatch = 68;
let oldLtsPatch = 123;
for (let day = 0; day < DAYS; day++) {
  const at = (h) => new Date(day0 + day * 86400_000 + h * 3600_000);
  const weekday = new Date(day0 + day * 86400_000).getUTCDay();
  ageBugs('mainline', 0.35);
  ageBugs('next', 0.3);
  // Sunday: the next rc, or the final after rc7, then a two-week merge window before rc1.
  if (weekday === 0) {
    if (rc >= 1 && rc < 7) {
      rc++;
      lastTag = `${major}.${minor}-rc${rc}`;
      commits = 0;
      await testKernel(lastTag, 'rc', 'mainline', at(0));
    } else if (rc === 7) {
      rc = -2; // merge window weeks to go
      lastTag = `${major}.${minor}`;
      commits = 0;
      await testKernel(lastTag, 'final', 'mainline', at(0));
      stableLine = { minor, patch: 0 };
    } else if (rc < 0 && ++rc === 0) {
      minor++;
      rc = 1;
      lastTag = `${major}.${minor}-rc1`;
      commits = 0;
      await testKernel(lastTag, 'rc', 'mainline', at(0));
    }
  }
  commits += 40 + pick(200);
  await testKernel(`v${lastTag}-${commits}-g${hex()}`, 'snapshot', 'mainline', at(2));
  const d = new Date(day0 + day * 86400_000);
  const ymd = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
  await testKernel(`next-${ymd}`, 'next', 'next', at(4));
  if (weekday === 2 || weekday === 5) {
    ageBugs('stable-line', 0.15);
    stableLine.patch++;
    await testKernel(`${major}.${stableLine.minor}.${stableLine.patch}`, 'stable', 'stable-line', at(6));
  }
  if (weekday === 3) {
    ageBugs('stable-6.6', 0.1);
    ltsPatch++;
    await testKernel(`6.6.${ltsPatch}`, 'stable', 'stable-6.6', at(7));
  }
  if (weekday === 4) {
    ageBugs('stable-6.1', 0.08);
    oldLtsPatch++;
    await testKernel(`6.1.${oldLtsPatch}`, 'stable', 'stable-6.1', at(7));
  }
  if (day % 30 === 0) process.stderr.write(`day ${day}: ${runs} runs, ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}

const n = db.prepare('SELECT (SELECT count(*) FROM runs) AS runs, (SELECT count(*) FROM results) AS results, (SELECT count(*) FROM kernels) AS kernels, (SELECT count(*) FROM diff_entries) AS entries').get();
db.pragma('wal_checkpoint(TRUNCATE)');
db.exec('ANALYZE');
await store.close();
console.log(`${dbPath}: ${n.kernels} kernels, ${n.runs} runs, ${n.results} results, ${n.entries} diff entries, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
if (!existsSync(dbPath)) process.exitCode = 1;
