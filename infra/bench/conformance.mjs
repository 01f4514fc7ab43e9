#!/usr/bin/env node
// How fast the lab judges a kernel: runs each test set on Linux 6.1 (Debian's linux-source-6.1, built once
// and cached) through the real CLI, in a throw-away lab home, and prints per set the wall time of the test
// stage, the sum of the per-case times (what one NUT running the cases one by one would need, at least), and
// their ratio, the parallel speed-up of the NUT pool. Figures only: nothing here passes or fails on time.
//
//   node infra/bench/conformance.mjs [--source <tarball>] [testset ...]     (default: the four Phase-1/2 sets)
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(repo, 'apps/cli/dist/src/main.js');
const args = process.argv.slice(2);
let source = '/usr/src/linux-source-6.1.tar.xz';
const sets = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--source') source = args[++i];
  else if (/^[a-z0-9-]+$/.test(args[i])) sets.push(args[i]);
  else throw new Error(`unexpected argument ${JSON.stringify(args[i])}`);
}
if (sets.length === 0) sets.push('phase1-host', 'phase1-router', 'phase2-host', 'phase2-router');

const home = await mkdtemp(path.join(tmpdir(), 'testlab-bench-'));
const env = { ...process.env, TESTLAB_HOME: home };
const fmt = (ms) => `${(ms / 1000).toFixed(1)} s`;
const rows = [];
console.log(`kernel source ${source}; lab home ${home}; ${cpus().length} CPUs`);
for (const set of sets) {
  const started = Date.now();
  await run(process.execPath, [cli, 'run', '--source', source, '--testset', set], { env, maxBuffer: 256 << 20 }).catch((e) => {
    throw new Error(`testlab run ${set} failed: ${e.stderr ?? e.message}`);
  });
  const total = Date.now() - started;
  const runs = JSON.parse((await run(process.execPath, [cli, 'runs', '--json', '--limit', '1'], { env })).stdout);
  const shown = JSON.parse((await run(process.execPath, [cli, 'show', String(runs[0].id), '--json'], { env, maxBuffer: 256 << 20 })).stdout);
  const testStage = shown.stages.find((s) => s.stage === 'test');
  const wall = testStage.durationMs;
  const sum = shown.results.reduce((n, r) => n + r.durationMs, 0);
  const verdicts = shown.results.reduce((acc, r) => ({ ...acc, [r.verdict]: (acc[r.verdict] ?? 0) + 1 }), {});
  rows.push({ set, cases: shown.results.length, wall, sum, total, verdicts: Object.entries(verdicts).map(([v, n]) => `${n} ${v}`).join(', ') });
  console.log(`${set}: done in ${fmt(total)} (run ${runs[0].id})`);
}
console.log('');
console.log(['TESTSET'.padEnd(14), 'CASES'.padStart(5), 'TEST WALL'.padStart(10), 'SUM OF CASES'.padStart(13), 'SPEED-UP'.padStart(9), 'RUN TOTAL'.padStart(10), '  VERDICTS'].join(' '));
for (const r of rows) {
  console.log([r.set.padEnd(14), String(r.cases).padStart(5), fmt(r.wall).padStart(10), fmt(r.sum).padStart(13), `${(r.sum / r.wall).toFixed(2)}x`.padStart(9), fmt(r.total).padStart(10), `  ${r.verdicts}`].join(' '));
}
