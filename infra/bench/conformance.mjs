#!/usr/bin/env node
// How fast the lab judges a kernel: runs each test set on Linux 6.1 (Debian's linux-source-6.1, built once
// and cached) through the real CLI, in a throw-away lab home, and prints per set the wall time of the test
// stage against the 10-minute budget, the sum of the per-case times (what one NUT running the cases one by
// one would need, at least), their ratio (the parallel speed-up of the NUT pool), and the slowest cases.
// Figures only: nothing here passes or fails on time. infra/bench/README.md says how to read them.
//
//   flock /work/wt/qemu.lock node infra/bench/conformance.mjs [--source <tarball>] [--slowest N] [testset ...]
//   node infra/bench/conformance.mjs --home <lab home> --runs <id>[,<id>...]     (figures of runs already made)
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify, parseArgs } from 'node:util';

const run = promisify(execFile);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(repo, 'apps/cli/dist/src/main.js');
const BUDGET_MS = 10 * 60_000;
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    source: { type: 'string', default: '/usr/src/linux-source-6.1.tar.xz' },
    home: { type: 'string' },
    runs: { type: 'string' },
    slowest: { type: 'string', default: '10' },
  },
});
for (const set of positionals) if (!/^[a-z0-9-]+$/.test(set)) throw new Error(`not a test set name: ${JSON.stringify(set)}`);
const runIds = values.runs ? values.runs.split(',').map((s) => (/^[0-9]+$/.test(s) ? s : (() => { throw new Error(`not a run id: ${JSON.stringify(s)}`); })())) : [];
if (runIds.length && !values.home) throw new Error('--runs reads runs from a lab home: give --home too');
if (runIds.length && positionals.length) throw new Error('give test sets to run, or --runs to read, not both');
const slowest = Number(values.slowest);
if (!Number.isInteger(slowest) || slowest < 0) throw new Error(`--slowest wants a count, not ${JSON.stringify(values.slowest)}`);
const sets = runIds.length ? [] : positionals.length ? positionals : ['phase1-host', 'phase1-router', 'phase2-host', 'phase2-router'];

const home = values.home ?? (await mkdtemp(path.join(tmpdir(), 'testlab-bench-')));
const env = { ...process.env, TESTLAB_HOME: home };
const fmt = (ms) => `${(ms / 1000).toFixed(1)} s`;
const cliJson = async (args) => JSON.parse((await run(process.execPath, [cli, ...args], { env, maxBuffer: 256 << 20 })).stdout);

/** The figures of one finished run. */
async function figures(id, total) {
  const shown = await cliJson(['show', String(id), '--json']);
  const testStage = shown.stages.find((s) => s.stage === 'test');
  if (!testStage?.durationMs) throw new Error(`run ${id} has no finished test stage`);
  const results = shown.results;
  const verdicts = results.reduce((acc, r) => ({ ...acc, [r.verdict]: (acc[r.verdict] ?? 0) + 1 }), {});
  return {
    id,
    set: shown.run.testset,
    cases: results.length,
    wall: testStage.durationMs,
    sum: results.reduce((n, r) => n + r.durationMs, 0),
    total,
    verdicts: Object.entries(verdicts).map(([v, n]) => `${n} ${v}`).join(', '),
    slowest: [...results].sort((a, b) => b.durationMs - a.durationMs).slice(0, slowest),
  };
}

const rows = [];
console.log(`kernel source ${values.source}; lab home ${home}; ${cpus().length} CPUs`);
for (const id of runIds) rows.push(await figures(id, undefined));
for (const set of sets) {
  const started = Date.now();
  await run(process.execPath, [cli, 'run', '--source', values.source, '--testset', set], { env, maxBuffer: 256 << 20 }).catch((e) => {
    throw new Error(`testlab run ${set} failed: ${e.stderr ?? e.message}`);
  });
  const [newest] = await cliJson(['runs', '--json', '--limit', '1']);
  rows.push(await figures(newest.id, Date.now() - started));
  console.log(`${set}: done in ${fmt(Date.now() - started)} (run ${newest.id})`);
}
console.log('');
console.log(['TESTSET'.padEnd(14), 'RUN'.padStart(4), 'CASES'.padStart(5), 'TEST WALL'.padStart(10), 'BUDGET'.padStart(7), 'SUM OF CASES'.padStart(13), 'SPEED-UP'.padStart(9), 'RUN TOTAL'.padStart(10), '  VERDICTS'].join(' '));
for (const r of rows) {
  const budget = `${Math.round((100 * r.wall) / BUDGET_MS)}%`;
  console.log([r.set.padEnd(14), String(r.id).padStart(4), String(r.cases).padStart(5), fmt(r.wall).padStart(10), budget.padStart(7), fmt(r.sum).padStart(13), `${(r.sum / r.wall).toFixed(2)}x`.padStart(9), (r.total === undefined ? '-' : fmt(r.total)).padStart(10), `  ${r.verdicts}`].join(' '));
}
for (const r of rows) {
  if (!r.slowest.length) continue;
  console.log(`\n${r.set} (run ${r.id}): the ${r.slowest.length} slowest cases (${fmt(r.slowest.reduce((n, c) => n + c.durationMs, 0))} of ${fmt(r.sum)} summed)`);
  for (const c of r.slowest) console.log(`  ${fmt(c.durationMs).padStart(8)}  ${c.verdict.padEnd(5)} ${c.caseId}`);
}
