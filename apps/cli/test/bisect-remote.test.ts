// `testlab bisect --lab URL`, run as the real binary against the real dashboard process started from a lab
// config with an API token (dashboard-process.ts), over a real SQLite lab.db and a real git tree made here. No
// labd runs: the test itself advances the bisection in the store, as a worker would, each time waiting until
// the command has told the last change, so every step line is checked as it is followed. Then the end as the
// local command prints it, --json, the exit codes of a refused request, a missing token and a failed bisection.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BisectionRecord, BisectionStep, LabStores } from '@testlab/core';
import { openSqliteStores } from '@testlab/store-sqlite';
import { repoRoot } from '../src/lab-paths.js';
import { startDashboard, testlab, type Dashboard } from './dashboard-process.js';

const main = fileURLToPath(new URL('../src/main.js', import.meta.url));
const TOKEN = 'cli-bisect-remote-token-0123456789abcdef';
const CASE = 'v6LC.2.1.7-D';

let dir: string;
let home: string;
let tree: string;
/** c[0]..c[3] on main (tag v1 on c[0]); c[2] ("commit 3") breaks the case. */
let c: string[];
let db: LabStores;
let dashboard: Dashboard;
let lab: string;

async function git(cwd: string, args: string[]): Promise<string> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'A', GIT_AUTHOR_EMAIL: 'a@example.org', GIT_COMMITTER_NAME: 'A', GIT_COMMITTER_EMAIL: 'a@example.org' };
  return (await promisify(execFile)('git', args, { cwd, env })).stdout.trim();
}

async function labConfig(): Promise<string> {
  const testsets = path.join(dir, 'testsets');
  await mkdir(testsets);
  await copyFile(path.join(repoRoot, 'testsets/phase2-host.config'), path.join(testsets, 'phase2-host.config'));
  await writeFile(path.join(testsets, 'smoke.yaml'), `name: smoke\ntitle: smoke\nmode: host\nengine: builtin\nlinks: 1\nkernelConfig: phase2-host.config\ncases:\n  - v6LC.1.1.1\n  - ${CASE}\n`);
  const tokenFile = path.join(dir, 'token');
  await writeFile(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  const file = path.join(dir, 'labd.yaml');
  await writeFile(file, [
    `home: ${home}`, `cache: ${path.join(dir, 'cache')}`, `nutImage: ${path.join(dir, 'initramfs.gz')}`,
    `testsets: { dir: ${testsets}, run: [smoke] }`,
    `profiles: { qemu: { baseConfig: tinyconfig, labFragment: ${path.join(repoRoot, 'infra/kernel/qemu-nut.config')} } }`,
    'nuts:', `  - { name: vm-1, driver: qemu, profile: qemu, modes: [host], knownGood: { bzImage: ${path.join(dir, 'bzImage')}, kernelRelease: 6.1.0 } }`,
    'bisect: { confirmRuns: 1, maxSteps: 10 }',
    `web: { tokenFile: ${tokenFile}, publicUrl: "https://lab.example.org" }`,
    '',
  ].join('\n'));
  return file;
}

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'testlab-cli-bisect-remote-'));
  home = path.join(dir, 'home');
  await mkdir(home);
  tree = path.join(dir, 'linux');
  await mkdir(tree);
  await git(tree, ['init', '-q', '-b', 'main']);
  c = [];
  for (const n of [1, 2, 3, 4]) {
    await writeFile(path.join(tree, `f${n}`), `${n}\n`);
    await git(tree, ['add', '-A']);
    await git(tree, ['commit', '-q', '-m', `commit ${n}`]);
    c.push(await git(tree, ['rev-parse', 'HEAD']));
  }
  await git(tree, ['tag', 'v1', c[0]!]);
  const config = await labConfig();
  db = await openSqliteStores(path.join(home, 'lab.db'));
  dashboard = await startDashboard(home, { config });
  lab = dashboard.url;
});
after(async () => {
  await dashboard?.stop();
  await db?.close();
  await rm(dir, { recursive: true, force: true });
});

const short = (commit: string) => commit.slice(0, 12);
const request = ['--good', 'v1', '--bad', 'main', '--testset', 'smoke', '--case', CASE];

/** The command running, its output so far, and a wait for a line it has not printed yet. */
function follow(args: string[], env: Record<string, string> = { TESTLAB_TOKEN: TOKEN }) {
  const child = spawn(process.execPath, [main, 'bisect', '--lab', lab, '--tree', tree, '--poll', '1', ...args], { env: { PATH: process.env.PATH ?? '', TESTLAB_HOME: path.join(dir, 'client-home'), ...env } });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (b: Buffer) => (out.stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out.stderr += b.toString()));
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  const saw = async (line: RegExp): Promise<void> => {
    const deadline = Date.now() + 20_000;
    while (!line.test(out.stderr)) {
      assert.ok(Date.now() < deadline, `the command did not print ${line} within 20 s; it printed:\n${out.stderr}`);
      assert.equal(child.exitCode, null, `the command ended (${child.exitCode}) before printing ${line}:\n${out.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  return { out, saw, exited };
}

async function newBisection(known: number): Promise<BisectionRecord> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const list = await db.bisections.list();
    if (list.length > known) return list[0]!;
    assert.ok(Date.now() < deadline, 'the lab stored no bisection within 20 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One step as a worker records it: begun, its one attempt with its timings, ended. */
async function step(id: number, role: BisectionStep['role'], commit: string, verdict: 'PASS' | 'FAIL', begun?: () => Promise<void>): Promise<void> {
  const s = await db.bisections.beginStep(id, { role, commit });
  await begun?.();
  await db.bisections.recordAttempt(id, s.n, { [CASE]: verdict }, { buildMs: 312_000, bootMs: 14_600, testMs: 6_200 });
  await db.bisections.finishStep(id, s.n, { outcome: verdict === 'FAIL' ? 'bad' : 'good', reason: verdict === 'FAIL' ? `${CASE} failed 1 of 1` : 'every case passed 1 of 1' });
}

test('--lab starts the bisection on the lab and follows it: each step as it starts and ends, with the time and the steps left; the end as the local command prints it', async () => {
  const run = follow(request);
  const b = await newBisection(0);
  assert.deepEqual({ requestedBy: b.requestedBy, profile: b.profile, confirmRuns: b.confirmRuns, good: b.good.commit, bad: b.bad.commit }, { requestedBy: 'api', profile: 'qemu', confirmRuns: 1, good: c[0], bad: c[3] });
  const id = b.id;
  await run.saw(new RegExp(`^\\[bisect ${id}\\] started on ${lab}: https://lab\\.example\\.org/bisections/${id}$`, 'm'));
  await run.saw(new RegExp(`^\\[bisect ${id}\\] ${CASE} on smoke@qemu: 3 commits from ${short(c[0]!)} to ${short(c[3]!)}, about 2 steps$`, 'm'));
  await run.saw(new RegExp(`^\\[bisect ${id}\\] queued: waiting for a NUT of profile qemu`, 'm'));

  await db.bisections.start(id, 3);
  await run.saw(new RegExp(`^\\[bisect ${id} \\S+\\] running$`, 'm'));
  await step(id, 'search', c[2]!, 'FAIL', () => run.saw(new RegExp(`^\\[bisect ${id} \\S+\\] step 1: search ${short(c[2]!)} started$`, 'm')));
  await run.saw(new RegExp(`^\\[bisect ${id} \\S+\\] step 1: search ${short(c[2]!)} bad \\(build 312 s, boot 15 s, test 6 s\\); about 1 search steps left$`, 'm'));
  // Begun and ended between two looks (most likely): told when it ended all the same.
  await step(id, 'search', c[1]!, 'PASS');
  await run.saw(new RegExp(`step 2: search ${short(c[1]!)} good \\(build 312 s, boot 15 s, test 6 s\\); about 0 search steps left$`, 'm'));
  await step(id, 'culprit', c[2]!, 'FAIL');
  await step(id, 'parent', c[1]!, 'PASS');
  await step(id, 'revert', c[3]!, 'PASS');
  await run.saw(/step 5: revert \S+ good \(build 312 s, boot 15 s, test 6 s\); proving the culprit$/m);
  const proof = `culprit ${short(c[2]!)}: ${CASE} failed 1 of 1 (step 3); parent ${short(c[1]!)}: every case passed 1 of 1 (step 4); reverted on ${short(c[3]!)}: every case passed 1 of 1 (step 5)`;
  await db.bisections.finish(id, { status: 'found', culprit: { commit: c[2]!, subject: 'commit 3', author: 'A <a@example.org>' }, reason: proof });

  assert.equal(await run.exited, 0, run.out.stderr);
  for (const n of [1, 2, 3, 4, 5]) assert.equal(run.out.stderr.match(new RegExp(`step ${n}: \\w+ \\S+ (bad|good) `, 'g'))?.length, 1, `step ${n} is told once: ${run.out.stderr}`);
  assert.match(run.out.stdout, /^STEP +ROLE +COMMIT +OUTCOME +BUILD +BOOT +TEST +RUN +WHY$/m);
  assert.match(run.out.stdout, new RegExp(`^1 +search +${short(c[2]!)} +bad +312 s +15 s +6 s +- +${CASE} failed 1 of 1$`, 'm'));
  assert.match(run.out.stdout, new RegExp(`^5 +revert +${short(c[3]!)} +good +312 s`, 'm'));
  assert.ok(run.out.stdout.endsWith(`culprit: ${c[2]}\n  commit 3\n  author: A <a@example.org>\nproof: ${proof}\n`), run.out.stdout);
});

test('asked again with --json: the same bisection, ended, printed as the local command prints it', async () => {
  const run = follow([...request, '--json']);
  assert.equal(await run.exited, 0, run.out.stderr);
  assert.match(run.out.stderr, /^\[bisect \d+\] already asked for on /m);
  const printed = JSON.parse(run.out.stdout) as { bisection: BisectionRecord; steps: BisectionStep[] };
  assert.deepEqual(Object.keys(printed), ['bisection', 'steps']);
  assert.equal(printed.bisection.status, 'found');
  assert.equal(printed.bisection.culprit?.commit, c[2]);
  assert.deepEqual(printed.steps.map((s) => [s.n, s.role, s.outcome]), [[1, 'search', 'bad'], [2, 'search', 'good'], [3, 'culprit', 'bad'], [4, 'parent', 'good'], [5, 'revert', 'good']]);
  assert.equal((await db.bisections.list()).length, 1);
});

test('refused by the lab: exit 2 with its message; another bisection of the range for other cases: exit 2; no token: exit 4; nothing stored', async () => {
  const missing = await follow(['--good', 'v9.9', '--bad', 'main', '--testset', 'smoke', '--case', CASE]);
  assert.equal(await missing.exited, 2);
  assert.match(missing.out.stderr, /^testlab: the lab refused: good ref v9\.9 does not exist in \S+\/linux$/m);
  const backwards = await follow(['--good', 'main', '--bad', 'v1', '--testset', 'smoke', '--case', CASE]);
  assert.equal(await backwards.exited, 2);
  assert.match(backwards.out.stderr, /the lab refused: main is not an ancestor of v1 \(good must be older than bad\)/);
  const unknownCase = await follow(['--good', 'v1', '--bad', 'main', '--testset', 'smoke', '--case', 'v6LC.9.9.9']);
  assert.equal(await unknownCase.exited, 2);
  assert.match(unknownCase.out.stderr, /the lab refused: test set smoke has no case v6LC\.9\.9\.9/);
  const otherCases = await follow(['--good', 'v1', '--bad', 'main', '--testset', 'smoke', '--case', 'v6LC.1.1.1']);
  assert.equal(await otherCases.exited, 2);
  assert.match(otherCases.out.stderr, new RegExp(`the lab refused: bisection \\d+ of this range and set bisects ${CASE}, not v6LC\\.1\\.1\\.1`));
  const noToken = await follow(request, {});
  assert.equal(await noToken.exited, 4);
  assert.match(noToken.out.stderr, /this needs the lab token: set TESTLAB_TOKEN or give --token-file/);
  const wrongToken = await follow(['--good', c[1]!, '--bad', 'main', '--testset', 'smoke', '--case', CASE], { TESTLAB_TOKEN: 'x'.repeat(40) });
  assert.equal(await wrongToken.exited, 4);
  assert.match(wrongToken.out.stderr, /the lab refused: wrong lab token/);
  assert.equal((await db.bisections.list()).length, 1);
  assert.equal((await db.queue.list()).length, 1);
  // Options of the remote command only, without --lab: refused before anything is opened.
  const local = await testlab(path.join(dir, 'client-home'), ['bisect', ...request, '--tree', tree, '--poll', '3']);
  assert.equal(local.code, 2);
  assert.match(local.stderr, /--token-file and --poll apply with --lab only/);
});

test('a bisection the lab fails: its reason, exit 1', async () => {
  const run = follow(['--good', c[1]!, '--bad', 'main', '--testset', 'smoke', '--case', CASE]);
  const b = await newBisection(1);
  await run.saw(/queued: waiting/);
  await db.bisections.finish(b.id, { status: 'failed', reason: 'job bisect:2 failed for good: the tree cannot be reached' });
  assert.equal(await run.exited, 1, run.out.stderr);
  assert.match(run.out.stdout, /^failed: job bisect:2 failed for good: the tree cannot be reached$/m);
  assert.match(run.out.stderr, /^testlab bisect: the lab failed: job bisect:2 failed for good: the tree cannot be reached$/m);
});
