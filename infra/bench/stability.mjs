#!/usr/bin/env node
// Whether one kernel gets the same verdicts run after run: runs a test set on the same kernel N times (3 by
// default) through the real CLI while CPU-bound jobs load the machine (as a kernel build beside the lab
// would), and prints every case whose verdict differed between runs, with each run's verdict and reason.
// Exit status 1 when any verdict flipped, 0 when none did. Run it under the machine-wide QEMU lock:
//
//   flock /work/wt/qemu.lock node infra/bench/stability.mjs [--source <tarball>] [--runs N] [--load N]
//       [--load-build <kernel tree>] [--cases <id,id,...>] [--timer-cases N] <testset>
//
// --load N: N busy child processes for the whole benchmark (default 2, the number of cores here; 0: none).
// --load-build <tree>: instead, a kernel build (`make -j2 defconfig vmlinux`, again and again) of an unpacked
//   tree such as the lab's cache holds (~/.cache/testlab/trees/<hash>/src), out of tree in a temp folder.
// --cases: only these ids of the set (a copy of testsets/ in a temp folder with the set's `cases:` cut down).
// --timer-cases N: the set's `builtin.timerCasesAtOnce` set to N in that copy (how many timer-bound cases the
//   pool may run at once; to measure the limit the machine serves on time).
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBuildLoad } from './build-load.mjs';
import { promisify } from 'node:util';
import YAML from 'yaml';

const exec = promisify(execFile);
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(repo, 'apps/cli/dist/src/main.js');

function parseArgs(argv) {
  const o = { source: '/usr/src/linux-source-6.1.tar.xz', runs: 3, load: 2, loadBuild: undefined, cases: undefined, timerCases: undefined, set: undefined };
  const count = (flag, v, max) => {
    if (!/^\d+$/.test(v ?? '') || Number(v) > max) throw new Error(`${flag} takes a whole number 0-${max}, not ${JSON.stringify(v)}`);
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--source') o.source = argv[++i];
    else if (a === '--runs') o.runs = Math.max(2, count(a, argv[++i], 20));
    else if (a === '--load') o.load = count(a, argv[++i], 16);
    else if (a === '--timer-cases') o.timerCases = Math.max(1, count(a, argv[++i], 32));
    else if (a === '--load-build') {
      o.loadBuild = path.resolve(argv[++i] ?? '');
      if (!existsSync(path.join(o.loadBuild, 'Makefile')) || !existsSync(path.join(o.loadBuild, 'Kconfig'))) throw new Error(`--load-build takes an unpacked kernel tree (with Makefile and Kconfig), not ${JSON.stringify(argv[i] ?? '')}`);
    }
    else if (a === '--cases') {
      o.cases = (argv[++i] ?? '').split(',').filter(Boolean);
      const bad = o.cases.find((c) => !/^v6LC(\.\d+){3}(-[A-Z]+)?$/.test(c));
      if (o.cases.length === 0 || bad) throw new Error(`--cases takes case ids such as v6LC.1.3.2-D, not ${JSON.stringify(bad ?? '')}`);
    } else if (/^[a-z0-9-]+$/.test(a) && !o.set) o.set = a;
    else throw new Error(`unexpected argument ${JSON.stringify(a)}`);
  }
  if (!o.set) throw new Error('usage: stability.mjs [--source <tarball>] [--runs N] [--load N] [--load-build <tree>] [--cases <ids>] [--timer-cases N] <testset>');
  return o;
}

/**
 * A copy of testsets/ in `home` whose `set` lists only `ids` (each must be in the set already) when given, and
 * runs `timerCases` timer-bound cases at once (the set's `builtin.timerCasesAtOnce`) when given.
 */
async function adaptedTestsets(set, { ids, timerCases }, home) {
  const dir = path.join(home, 'testsets');
  await cp(path.join(repo, 'testsets'), dir, { recursive: true });
  const file = path.join(dir, `${set}.yaml`);
  const doc = YAML.parse(await readFile(file, 'utf8'));
  if (!Array.isArray(doc?.cases)) throw new Error(`${file}: no "cases:" list`);
  if (ids) {
    const missing = ids.filter((id) => !doc.cases.includes(id));
    if (missing.length > 0) throw new Error(`${set} does not list ${missing.join(', ')}`);
    doc.cases = ids;
  }
  if (timerCases !== undefined) doc.builtin = { ...(doc.builtin ?? {}), timerCasesAtOnce: timerCases };
  await writeFile(file, YAML.stringify(doc));
  return dir;
}

/** N busy processes, as a build beside the lab; each is ended by its own pid when the benchmark ends. */
function startLoad(n) {
  const children = Array.from({ length: n }, () => spawn(process.execPath, ['-e', 'for (;;) Math.sqrt(Math.random());'], { stdio: 'ignore' }));
  return () => children.forEach((c) => c.kill('SIGKILL'));
}

const fmt = (ms) => `${(ms / 1000).toFixed(1)} s`;

let o;
try {
  o = parseArgs(process.argv.slice(2));
} catch (e) {
  console.error(`stability: ${e.message}`);
  process.exit(2);
}
const home = await mkdtemp(path.join(tmpdir(), 'testlab-stability-'));
const env = { ...process.env, TESTLAB_HOME: home };
if (o.cases || o.timerCases !== undefined) env.TESTLAB_TESTSETS = await adaptedTestsets(o.set, { ids: o.cases, timerCases: o.timerCases }, home);
const load = o.loadBuild ? `a kernel build of ${o.loadBuild} (make -j2)` : `${o.load} busy processes`;
console.log(`${o.set}${o.cases ? ` (${o.cases.length} cases)` : ''}${o.timerCases !== undefined ? `, ${o.timerCases} timer-bound cases at once` : ''} on ${o.source}: ${o.runs} runs, ${load} on ${cpus().length} CPUs; lab home ${home}`);

const stopLoad = o.loadBuild ? startBuildLoad(o.loadBuild, path.join(home, 'build-load')) : startLoad(o.load);
process.on('exit', stopLoad);
const runs = [];
try {
  for (let n = 1; n <= o.runs; n++) {
    const started = Date.now();
    const r = await exec(process.execPath, [cli, 'run', '--source', o.source, '--testset', o.set, '--json'], { env, maxBuffer: 512 << 20 }).catch((e) => {
      throw new Error(`run ${n}: testlab run failed: ${(e.stderr || e.message).slice(-2000)}`);
    });
    const shown = JSON.parse(r.stdout);
    const test = shown.stages?.find((s) => s.stage === 'test');
    runs.push({ id: shown.run?.id ?? shown.id, results: new Map(shown.results.map((c) => [c.caseId, c])), testMs: test?.durationMs });
    const counts = {};
    for (const c of shown.results) counts[c.verdict] = (counts[c.verdict] ?? 0) + 1;
    console.log(`run ${n} (lab run ${runs.at(-1).id}): ${fmt(Date.now() - started)} in all, test stage ${test ? fmt(test.durationMs) : '?'}; ${Object.entries(counts).map(([v, k]) => `${k} ${v}`).join(', ')}`);
  }
} finally {
  stopLoad();
}

const ids = [...new Set(runs.flatMap((r) => [...r.results.keys()]))];
const flips = ids.filter((id) => new Set(runs.map((r) => r.results.get(id)?.verdict ?? 'absent')).size > 1);
console.log('');
console.log(`${flips.length} of ${ids.length} cases flipped over ${o.runs} runs`);
for (const id of flips) {
  console.log(`  ${id}`);
  runs.forEach((r, i) => {
    const c = r.results.get(id);
    console.log(`    run ${i + 1}: ${c ? `${c.verdict} (${fmt(c.durationMs)})${c.verdict === 'PASS' ? '' : `: ${String(c.reason).slice(0, 300)}`}` : 'absent'}`);
  });
}
process.exitCode = flips.length > 0 ? 1 : 0;
