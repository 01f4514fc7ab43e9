#!/usr/bin/env node
// A bisection over 64 commits (issue 15): how many steps `testlab bisect` takes and how long, on this machine.
// It makes (or reuses) a real git history of Linux 6.1 with infra/bench/kernel-history.mjs: Debian's tarball
// as one commit (tag good), 64 commits on top (tag bad), commit 41 the regression (an unrecognized Next
// Header answered with Parameter Problem code 0, so v6LC.1.1.7-A FAILs from it on), the others harmless.
// Then, through the real CLI in a throw-away lab home with a copy of testsets/ whose phase2-host is cut to
// v6LC.1.1.7-A and two more cases (v6LC.1.1.7-B, v6LC.5.1.1):
//
//   testlab run --source <history> --ref good --testset phase2-host     (v6LC.1.1.7-A must PASS)
//   testlab run --source <history> --ref bad --testset phase2-host      (v6LC.1.1.7-A must FAIL)
//   testlab bisect --good <run> --bad <run> --json                      (cases: the bad run's regressions)
//
// and prints the commits in range, the search steps (git bisect's choice) and the proof steps (culprit, parent,
// revert), each step's role, commit (its number in the history), outcome and build/boot/test seconds, the
// bisection's wall time, and the mean and max step time after the first against the issue's goal (each step
// after the first within 4 minutes: the first builds the whole work tree, the later ones only what changed),
// and whether the goal held. It checks the culprit found is commit 41: exit 1 when it is not (or the runs
// did not show the regression), 0 otherwise, whether the time goal held or not (that is a figure).
//
//   npm run build        (the CLI under test is apps/cli/dist)
//   flock /work/wt/qemu.lock node infra/bench/bisect.mjs [--work <dir>] [--source <tarball>] [--commits 64]
//       [--culprit 41] [--cases <id,id,...>] [--cache <dir>] [--keep-cache]
//
// It boots QEMU NUTs (a pool for each run, fresh NUTs for each step's attempts), so it goes under the machine's
// QEMU lock; expect 30-40 minutes on the 2-core machine (an estimate from the 8-commit trial in
// docs/measurements.md: two runs of ~3 min, then ~8 steps of ~3-4 min), more on a loaded one: note the load
// (printed at the start and the end) beside any figure quoted. Making the history takes ~3 min more the first
// time; it can be made beforehand, outside the lock (it boots nothing):
//
//   node infra/bench/kernel-history.mjs --dir <work>/history --commits 64 --culprit 41 --flaky-commits 0
//
// Needs: Debian's linux-source-6.1 (/usr/src/linux-source-6.1.tar.xz), git, GNU tar, the lab's build tools
// (make, gcc, ccache: with ~/.cache/ccache warm from earlier 6.1 builds a full build takes ~3 min here), QEMU,
// the NUT image (var/nut-image/initramfs.gz or $TESTLAB_NUT_IMAGE), and about 10 GB of disk in --work.
//
// --work <dir>: where everything goes (default: <tmpdir>/testlab-bench-bisect). <work>/history is the git
//   history (~2 GB), kept and reused by the next run of the benchmark (same tarball and parameters: the same
//   commit ids); each run gets <work>/run-<time>/ with the lab home (kept: its runs, logs and captures), the
//   testsets copy, the CLI's logs, summary.json, and the kernel cache.
// --cache <dir>: the lab's kernel cache to use (TESTLAB_CACHE). Default: a fresh one in the run's folder, so no
//   commit of the history is built before (a cache that holds them makes every step a cache hit: that measures
//   boots and tests, not a bisection), and removed at the end (trees and work trees: GBs) unless --keep-cache.
//   ccache is the lab's own (~/.cache/ccache) either way, as in any lab.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import YAML from 'yaml';
import { DEFAULT_SOURCE, makeKernelHistory } from './kernel-history.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(repo, 'apps/cli/dist/src/main.js');
const TESTSET = 'phase2-host';
const REGRESSED = 'v6LC.1.1.7-A';
const GOAL_MS = 4 * 60_000;

/** What the benchmark refuses, or found wrong: said in one line, exit 1. */
class BenchFailure extends Error {}
const fail = (message) => {
  throw new BenchFailure(message);
};
const secs = (ms) => (ms === null || ms === undefined ? '-' : `${Math.round(ms / 1000)} s`);
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const out = (line = '') => void process.stdout.write(`${line}\n`);
const note = (line) => void process.stderr.write(`${line}\n`);

function options() {
  const { values: o } = parseArgs({
    options: {
      work: { type: 'string', default: path.join(tmpdir(), 'testlab-bench-bisect') },
      source: { type: 'string', default: DEFAULT_SOURCE },
      commits: { type: 'string', default: '64' },
      culprit: { type: 'string', default: '41' },
      cases: { type: 'string', default: `${REGRESSED},v6LC.1.1.7-B,v6LC.5.1.1` },
      cache: { type: 'string' },
      'keep-cache': { type: 'boolean', default: false },
    },
  });
  const count = (name) => (/^[0-9]+$/.test(o[name]) ? Number(o[name]) : fail(`--${name} wants a count, not ${JSON.stringify(o[name])}`));
  const cases = o.cases.split(',').filter(Boolean);
  if (!cases.includes(REGRESSED)) fail(`--cases must include ${REGRESSED}: it is the case the history breaks`);
  for (const id of cases) if (!/^[A-Za-z0-9.-]+$/.test(id)) fail(`not a case id: ${JSON.stringify(id)}`);
  return { work: path.resolve(o.work), source: o.source, commits: count('commits'), culprit: count('culprit'), cases, cache: o.cache && path.resolve(o.cache), keepCache: o['keep-cache'] };
}

/** A copy of the test sets with phase2-host cut to `cases` (in the set's own order). */
async function cutTestsets(dir, cases) {
  await cp(process.env.TESTLAB_TESTSETS ?? path.join(repo, 'testsets'), dir, { recursive: true });
  const file = path.join(dir, `${TESTSET}.yaml`);
  const set = YAML.parse(await readFile(file, 'utf8'));
  const missing = cases.filter((id) => !set.cases.includes(id));
  if (missing.length > 0) fail(`${TESTSET} has no case ${missing.join(', ')}`);
  set.cases = set.cases.filter((id) => cases.includes(id));
  await writeFile(file, YAML.stringify(set));
}

/** The CLI, argv only: stdout collected (JSON), stderr into logs/<name>.log, the bisection's progress lines echoed. */
function testlab(env, logs, name, args) {
  return new Promise((resolve, reject) => {
    const logFile = path.join(logs, `${name}.log`);
    const log = createWriteStream(logFile);
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d) => {
      log.write(d);
      const lines = (partial + d).split('\n');
      partial = lines.pop();
      for (const line of lines) if (line.startsWith('[bisect')) note(`  ${line}`);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      log.end();
      if (code !== 0) return reject(new BenchFailure(`testlab ${args.join(' ')} exited ${code}: see ${logFile}`));
      try {
        resolve(JSON.parse(stdout));
      } catch {
        reject(new BenchFailure(`testlab ${args.join(' ')} printed no JSON: see ${logFile}`));
      }
    });
  });
}

async function main() {
  const o = options();
  if (!existsSync(cli)) fail(`${cli} is missing: run npm run build first`);
  const nutImage = process.env.TESTLAB_NUT_IMAGE ?? path.join(repo, 'var/nut-image/initramfs.gz');
  if (!existsSync(nutImage)) fail(`the NUT image ${nutImage} is missing: build it with infra/nut-image/build-initramfs.sh (or set TESTLAB_NUT_IMAGE)`);
  out(`machine: ${cpus().length} CPUs, load ${load()} at the start`);

  // A throw-away lab.
  await mkdir(o.work, { recursive: true });
  const runDir = path.join(o.work, `run-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const home = path.join(runDir, 'home');
  const cache = o.cache ?? path.join(runDir, 'cache');
  const testsets = path.join(runDir, 'testsets');
  const logs = path.join(runDir, 'logs');
  await mkdir(logs, { recursive: true });
  await cutTestsets(testsets, o.cases);
  const env = { ...process.env, TESTLAB_HOME: home, TESTLAB_TESTSETS: testsets, TESTLAB_CACHE: cache };

  // The history (reused from an earlier run of the benchmark when it is the same).
  let started = Date.now();
  const history = await makeKernelHistory({ dir: path.join(o.work, 'history'), source: o.source, commits: o.commits, culprit: o.culprit, flakyCommits: 0, log: note });
  const position = new Map([[history.good, 0], ...history.commits.map((c, i) => [c, i + 1])]);
  const numbered = (commit) => `${commit.slice(0, 12)} ${position.has(commit) ? `#${position.get(commit)}` : '(not in the history)'}`;
  out(`history: ${history.dir}, Linux 6.1 + ${o.commits} commits, culprit #${o.culprit} ${history.culprit.slice(0, 12)} (${history.reused ? 'reused' : 'made'} in ${secs(Date.now() - started)})`);

  out(`lab home ${home}; kernel cache ${cache}${o.cache ? '' : ' (fresh)'}; ${TESTSET} cut to ${o.cases.join(', ')}`);

  const run = async (ref, expected) => {
    note(`testlab run --ref ${ref} ...`);
    const t0 = Date.now();
    const shown = await testlab(env, logs, `run-${ref}`, ['run', '--source', history.dir, '--ref', ref, '--testset', TESTSET, '--json']);
    const verdicts = shown.results.map((r) => `${r.caseId} ${r.verdict}`).join(', ');
    const verdict = shown.results.find((r) => r.caseId === REGRESSED)?.verdict ?? 'missing';
    if (shown.run.status !== 'done') fail(`run ${shown.run.id} (--ref ${ref}) ended ${shown.run.status}: see ${logs}`);
    if (verdict !== expected) fail(`run ${shown.run.id} (--ref ${ref}): ${REGRESSED} is ${verdict}, expected ${expected} (${verdicts}): nothing to bisect`);
    out(`run ${ref}: run ${shown.run.id} in ${secs(Date.now() - t0)}: ${verdicts}`);
    return shown.run.id;
  };

  try {
    const goodRun = await run('good', 'PASS');
    const badRun = await run('bad', 'FAIL');

    note(`testlab bisect --good ${goodRun} --bad ${badRun} ...`);
    started = Date.now();
    const { bisection, steps } = await testlab(env, logs, 'bisect', ['bisect', '--good', String(goodRun), '--bad', String(badRun), '--json']);
    const wallMs = Date.now() - started;
    const stepMs = (s) => (s.endedAt ? Date.parse(s.endedAt) - Date.parse(s.startedAt) : null);
    const search = steps.filter((s) => s.role === 'search');
    const proof = steps.filter((s) => s.role !== 'search');
    const later = steps.slice(1).map(stepMs).filter((ms) => ms !== null);
    const mean = later.length > 0 ? later.reduce((a, b) => a + b, 0) / later.length : null;
    const max = later.length > 0 ? Math.max(...later) : null;
    const held = max !== null && max <= GOAL_MS;
    const right = bisection.status === 'found' && bisection.culprit?.commit === history.culprit;

    out('');
    out(`bisection ${bisection.id}: ${bisection.status}; cases ${bisection.cases.join(', ')}`);
    out(`commits in range: ${bisection.commitsInRange} (git bisect's estimate: ${bisection.commitsInRange > 1 ? Math.ceil(Math.log2(bisection.commitsInRange)) : 0} steps)`);
    out(`search steps: ${search.length}; proof steps: ${proof.length} (${proof.map((s) => s.role).join(', ') || 'none'}); ${steps.length} in all`);
    out('');
    const rows = [['STEP', 'ROLE', 'COMMIT', 'OUTCOME', 'BUILD', 'BOOT', 'TEST', 'STEP TIME', 'RUN']];
    for (const s of steps) rows.push([String(s.n), s.role, numbered(s.commit), s.outcome ?? 'running', secs(s.buildMs), secs(s.bootMs), secs(s.testMs), secs(stepMs(s)), s.runId === null ? '-' : String(s.runId)]);
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    for (const r of rows) out(r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
    out('(BUILD, BOOT, TEST: the first attempt\'s stages; STEP TIME: the step from its start to its end, every attempt included)');
    out('');
    out(`culprit: ${bisection.culprit ? `${numbered(bisection.culprit.commit)} ${bisection.culprit.subject}` : 'none'}: ${right ? `commit #${o.culprit}, right` : `WRONG: commit #${o.culprit} is ${history.culprit.slice(0, 12)}`}`);
    out(`${bisection.status === 'found' ? 'proof' : 'reason'}: ${bisection.reason ?? ''}`);
    const storedMs = bisection.startedAt && bisection.endedAt ? Date.parse(bisection.endedAt) - Date.parse(bisection.startedAt) : null;
    out(`bisection wall time: ${secs(wallMs)} (testlab bisect), ${secs(storedMs)} from its start to its end as stored`);
    out(`step time after the first: mean ${secs(mean)}, max ${secs(max)} over ${later.length} steps; the goal (each within ${secs(GOAL_MS)}): ${held ? 'held' : 'NOT held'}`);
    for (const s of steps.slice(1)) if ((stepMs(s) ?? 0) > GOAL_MS) out(`  over: step ${s.n} (${s.role} ${numbered(s.commit)}) took ${secs(stepMs(s))}`);
    out(`machine: load ${load()} at the end`);
    const summary = path.join(runDir, 'summary.json');
    await writeFile(summary, `${JSON.stringify({ history, runs: { good: goodRun, bad: badRun }, bisection, steps, wallMs, meanLaterStepMs: mean, maxLaterStepMs: max, goalMs: GOAL_MS, goalHeld: held, culpritRight: right }, null, 2)}\n`);
    out(`summary: ${summary}`);
    if (!right) fail(`the bisection did not find commit #${o.culprit}`);
  } finally {
    if (!o.cache && !o.keepCache) {
      note(`removing the fresh kernel cache ${cache} (--keep-cache keeps it)`);
      await rm(cache, { recursive: true, force: true });
    }
  }
}

main().catch((error) => {
  process.stderr.write(`bisect bench: ${error instanceof BenchFailure ? error.message : error.stack}\n`);
  process.exitCode = 1;
});
