// Bisection end to end, nothing mocked: a git history of Debian's Linux 6.1 source (imported as one commit,
// then 8 commits, the 5th changing the Parameter Problem code Linux sends for an unknown Next Header, so
// v6LC.1.1.7-A FAILs from there on), real kernels built in the bisection's work tree, booted in QEMU, the
// builtin engine's packets. The history is made by infra/bench/kernel-history.mjs with fixed identities and
// dates, so its commits (and the kernel cache, keyed by commit) are the same on every run of the suite.
//
// 1. The lab runs the first and the last commit; `testlab bisect --lab` starts the bisection of the two runs
//    on a running labd over the API; labd is killed with -9 in the middle of a step and started again: it
//    resumes that step with the attempts already recorded, the culprit is found and proved, and no step or
//    attempt was run twice.
// 2. A second branch of the same tree, where that code is random per packet: the bisection ends
//    inconclusive, blaming nobody.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import type { BisectionRecord, BisectionStep } from '@testlab/core';
import { openSqliteStore } from '@testlab/store-sqlite';
import { cacheDir, cachedKernel, kernelTarball, LabdProcess, removeLab, repoRoot, startWeb, stopLabdAndWeb, writeLabConfig } from './lab-fixture.js';

const execFileP = promisify(execFile);
const cliMain = path.join(repoRoot, 'apps/cli/dist/src/main.js');
const skip = cachedKernel() ? false : 'no cached Linux 6.1 build, linux-source tarball or NUT image (run the CLI e2e tests first)';
const TOKEN = 'e2e-bisect-token-0123456789abcdef012345678';
const SET = 'bisect-e2e';
const CASES = ['v6LC.1.1.7-A', 'v6LC.1.1.7-B'];
const CONFIRM = 3;

interface History {
  dir: string;
  good: string;
  bad: string;
  culprit: string;
  flaky: string;
  commits: string[];
  flakyCommits: string[];
}

/** The history, kept in the kernel cache between suite runs (the maker reuses a complete one). */
async function kernelHistory(): Promise<History> {
  const maker = (await import(pathToFileURL(path.join(repoRoot, 'infra/bench/kernel-history.mjs')).href)) as { makeKernelHistory(o: object): Promise<History> };
  return maker.makeKernelHistory({ dir: path.join(cacheDir, 'e2e', 'linux-6.1-bisect-history'), source: kernelTarball, commits: 8, culprit: 5, flakyCommits: 8 });
}

/** A lab whose one test set is two cases of phase2-host (1.1.7-A breaks at the culprit; 1.1.7-B never does). */
async function bisectLab(): Promise<{ home: string; file: string; testsets: string }> {
  const { home, file } = await writeLabConfig([]);
  const testsets = path.join(home, 'testsets');
  await writeFile(path.join(testsets, `${SET}.yaml`), stringify({ name: SET, title: 'Two cases of phase2-host', mode: 'host', engine: 'builtin', links: 1, kernelConfig: 'phase2-host.config', cases: CASES }));
  const tokenFile = path.join(home, 'api-token');
  await writeFile(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  const config = parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  config.testsets = { dir: testsets, run: [SET] };
  config.web = { host: '127.0.0.1', port: 8080, tokenFile };
  await writeFile(file, stringify(config));
  await chmod(file, 0o600);
  return { home, file, testsets };
}

function cli(args: string[], env: NodeJS.ProcessEnv) {
  return execFileP(process.execPath, [cliMain, ...args], { env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
}

type Detail = { bisection: BisectionRecord; steps: BisectionStep[] };

async function bisectionOf(base: string, id: number): Promise<Detail> {
  const res = await fetch(`${base}/api/bisections/${id}`);
  assert.equal(res.status, 200);
  return (await res.json()) as Detail;
}

const history = skip ? undefined : kernelHistory();

test('a run of the first and of the last commit: testlab bisect --lab finds the culprit and proves it; kill -9 of labd mid-step resumes that step', { skip, timeout: 3_600_000 }, async (t) => {
  const h = await history!;
  const { home, file, testsets } = await bisectLab();
  const env = { TESTLAB_HOME: home, TESTLAB_TESTSETS: testsets };
  let labd: LabdProcess | undefined;
  let web: ReturnType<typeof startWeb> | undefined;
  const report: string[] = [];
  try {
    // The lab's runs of the two ends, as any run of a git kernel: v6LC.1.1.7-A passes on good, fails on bad.
    for (const ref of ['good', 'bad']) await cli(['run', '--source', h.dir, '--ref', ref, '--testset', SET], env);
    const store = openSqliteStore(path.join(home, 'lab.db'));
    try {
      const verdicts = async (id: number) => Object.fromEntries((await store.resultsOf(id)).map((r) => [r.caseId, r.verdict]));
      assert.deepEqual(await verdicts(1), { 'v6LC.1.1.7-A': 'PASS', 'v6LC.1.1.7-B': 'PASS' });
      assert.deepEqual(await verdicts(2), { 'v6LC.1.1.7-A': 'FAIL', 'v6LC.1.1.7-B': 'PASS' });
    } finally {
      await store.close();
    }

    labd = new LabdProcess(file, [], t.signal);
    web = startWeb(file);
    const base = await web.address;
    // Started over the API; the command follows it to its end (it outlives the labd it is watching).
    const follower = spawn(process.execPath, [cliMain, 'bisect', '--lab', base, '--good', '1', '--bad', '2', '--confirm-runs', String(CONFIRM), '--json'], {
      env: { ...process.env, ...env, TESTLAB_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    follower.stdout.on('data', (c: Buffer) => (out += c.toString()));
    follower.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const followed = new Promise<number | null>((resolve) => follower.once('exit', resolve));
    t.signal.addEventListener('abort', () => follower.kill('SIGKILL'), { once: true });

    // kill -9 once a step after the first has recorded an attempt and owes more.
    const id = 1;
    let killedAt: { n: number; attempts: number } | undefined;
    while (killedAt === undefined) {
      const res = await fetch(`${base}/api/bisections/${id}`);
      if (res.status === 200) {
        const { bisection, steps } = (await res.json()) as Detail;
        assert.ok(!['found', 'inconclusive', 'failed'].includes(bisection.status), `the bisection ended before labd could be killed: ${JSON.stringify(steps)}`);
        const mid = steps.find((s) => s.n >= 2 && s.outcome === null && s.attempts.length >= 1 && s.attempts.length < CONFIRM);
        if (mid) killedAt = { n: mid.n, attempts: mid.attempts.length };
      }
      if (killedAt === undefined) await sleep(250);
    }
    await labd.kill9();
    const atKill = await bisectionOf(base, id);
    report.push(`killed labd at step ${killedAt.n} with ${atKill.steps.find((s) => s.n === killedAt!.n)!.attempts.length} attempt(s) recorded`);
    labd = new LabdProcess(file, [], t.signal);

    assert.equal(await followed, 0, `testlab bisect --lab: ${err.slice(-3000)}`);
    const printed = JSON.parse(out) as Detail;
    const { bisection, steps } = await bisectionOf(base, id);
    assert.equal(printed.bisection.status, 'found');

    // The culprit, with its subject and author, and the proof.
    assert.equal(bisection.status, 'found', bisection.reason ?? '');
    assert.equal(bisection.culprit?.commit, h.culprit);
    assert.match(bisection.culprit?.subject ?? '', /ipv6/);
    assert.equal(bisection.cases.join(), 'v6LC.1.1.7-A', 'only the regressed case is bisected');
    const short = (c: string) => c.slice(0, 12);
    const parent = h.commits[h.commits.indexOf(h.culprit) - 1]!;
    assert.match(bisection.reason ?? '', new RegExp(`culprit ${short(h.culprit)}: v6LC.1.1.7-A FAIL ${CONFIRM}/${CONFIRM}`));
    assert.match(bisection.reason ?? '', new RegExp(`parent ${short(parent)}: v6LC.1.1.7-A pass ${CONFIRM}/${CONFIRM}`));
    assert.match(bisection.reason ?? '', new RegExp(`bad ${short(h.bad)} with ${short(h.culprit)} reverted: v6LC.1.1.7-A pass ${CONFIRM}/${CONFIRM}`));

    // What git bisect would have tested (8 commits, culprit 5th: 4 good, 6 bad, 5 bad), then the revert;
    // each step exactly its attempts: the one under way at the kill resumed, nothing run twice.
    assert.deepEqual(steps.map((s) => [s.role, s.commit, s.outcome]), [
      ['search', h.commits[3], 'good'],
      ['search', h.commits[5], 'bad'],
      ['search', h.commits[4], 'bad'],
      ['revert', h.bad, 'good'],
    ]);
    for (const s of steps) assert.equal(s.attempts.length, CONFIRM, `step ${s.n}: ${JSON.stringify(s.attempts)}`);
    const killedStep = steps.find((s) => s.n === killedAt!.n)!;
    assert.deepEqual(killedStep.attempts.slice(0, killedAt.attempts), atKill.steps.find((s) => s.n === killedAt!.n)!.attempts.slice(0, killedAt.attempts), 'the attempts recorded before the kill are kept');
    for (const s of steps) assert.ok(s.buildMs !== null && s.bootMs !== null && s.testMs !== null, `step ${s.n} has its times`);
    report.push(`steps: ${steps.map((s) => `${s.n} ${s.role} ${short(s.commit)} ${s.outcome} build ${Math.round((s.buildMs ?? 0) / 1000)} s`).join('; ')}`);

    // Each step's run is a run of the lab (its logs where every run's are), of set bisect-<set>.
    const runs = openSqliteStore(path.join(home, 'lab.db'));
    try {
      const stepRuns = (await runs.listRuns({ limit: 1000 })).filter((r) => r.testset === `bisect-${SET}`);
      assert.ok(steps.every((s) => s.runId !== null && stepRuns.some((r) => r.id === s.runId)), JSON.stringify(stepRuns.map((r) => [r.id, r.status])));
    } finally {
      await runs.close();
    }
    process.stdout.write(report.map((r) => `# ${r}\n`).join(''));
  } finally {
    await stopLabdAndWeb(labd, web);
    await removeLab(home);
  }
});

test('a case made flaky on purpose: the bisection ends inconclusive and blames nobody', { skip, timeout: 1_800_000 }, async () => {
  const h = await history!;
  const { home, testsets } = await bisectLab();
  try {
    // Random per packet: an attempt passes or fails as a coin falls. Five attempts a step make an agreeing
    // step (which would let the search go on) a 1-in-16 chance, and the branch puts a flaky kernel at every
    // search step: the test cannot pass by luck more often than 1 in 4,096.
    const { stdout } = await cli(['bisect', '--good', h.good, '--bad', h.flaky, '--tree', h.dir, '--testset', SET, '--case', 'v6LC.1.1.7-A', '--confirm-runs', '5', '--json'], { TESTLAB_HOME: home, TESTLAB_TESTSETS: testsets });
    const { bisection, steps } = JSON.parse(stdout) as Detail;
    assert.equal(bisection.status, 'inconclusive', JSON.stringify(bisection));
    assert.equal(bisection.culprit ?? null, null);
    assert.match(bisection.reason ?? '', /v6LC\.1\.1\.7-A: .*(PASS.*FAIL|FAIL.*PASS).* over \d attempts of the same kernel \(flaky: no side can be trusted\)/);
    const last = steps.at(-1)!;
    assert.equal(last.outcome, 'disagree');
    assert.ok(h.flakyCommits.includes(last.commit), 'the disagreement was on a commit of the flaky branch');
    process.stdout.write(`# flaky: ${steps.length} step(s), ended: ${bisection.reason}\n`);
  } finally {
    await removeLab(home);
  }
});
