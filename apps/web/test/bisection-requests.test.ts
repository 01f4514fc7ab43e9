// POST /api/bisections on the dashboard started from a lab config (openWebLab, app.inject), over a real
// SQLite lab.db and a real git tree made here: the token is required; a body of the wrong shape and every
// request the lab cannot bisect (refs that do not exist, good not an ancestor of bad, unknown cases, sets and
// NUT profiles, runs that are not finished or not of a git tree) are refused with the input named, storing
// and queueing nothing; a good request stores the bisection and queues its bisect job as labd's own, once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { JOB_PRIORITY, parseKernelVersion, wireJobPayload, type BisectionRecord, type LabStores, type Verdict } from '@testlab/core';
import { openSqliteStores } from '@testlab/store-sqlite';
import { build } from '../src/app.js';
import { openWebLab, type WebLab } from '../src/lab-wiring.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const TOKEN = 'bisection-requests-token-0123456789abcdef';
const CASE = 'v6LC.2.1.7-D';
const PUBLIC = 'https://lab.example.org';

let dir: string;
let tree: string;
/** The tree's line of commits c[0]..c[3] (tag v1 on c[0]) and a side branch off c[0]; the good run tested c[1], the bad run c[3]. */
let c: string[];
let side: string;
let db: LabStores;
const runs: Record<string, number> = {};
let lab: WebLab;
let app: FastifyInstance;

async function git(cwd: string, args: string[]): Promise<string> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'A', GIT_AUTHOR_EMAIL: 'a@example.org', GIT_COMMITTER_NAME: 'A', GIT_COMMITTER_EMAIL: 'a@example.org' };
  return (await promisify(execFile)('git', args, { cwd, env })).stdout.trim();
}

async function makeTree(): Promise<void> {
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
  await git(tree, ['checkout', '-q', '-b', 'side', c[0]!]);
  await writeFile(path.join(tree, 'side'), 'side\n');
  await git(tree, ['add', '-A']);
  await git(tree, ['commit', '-q', '-m', 'side']);
  side = await git(tree, ['rev-parse', 'HEAD']);
  await git(tree, ['checkout', '-q', 'main']);
}

/** A run of set smoke on qemu, of a kernel of the tree (label and source hash as the git source records them) or of a tarball. */
async function addRun(name: string, kernel: { commit: string } | { tarball: string }, verdicts: Record<string, Verdict>, status: 'done' | 'running' = 'done'): Promise<void> {
  const sourceLabel = 'commit' in kernel ? `git ${tree}@${kernel.commit.slice(0, 12)}` : `linux-${kernel.tarball}.tar.xz`;
  const sourceHash = 'commit' in kernel ? `git:${kernel.commit}` : `sha256:${kernel.tarball}`;
  const k = await db.store.upsertKernel({ version: parseKernelVersion(`v6.13-rc1-${Object.keys(runs).length + 1}-gabcdef123456`), sourceLabel, sourceHash });
  const b = await db.store.recordBuild({ kernelId: k.id, cacheKey: `key-${name}`, kernelRelease: '6.13.0-rc1', fromCache: false });
  const run = await db.store.startRun({ testset: 'smoke', nut: 'qemu', sourceLabel, ownerPid: process.pid });
  await db.store.attachKernel(run.id, k.id, b.id);
  for (const [caseId, verdict] of Object.entries(verdicts)) await db.store.addResult(run.id, { caseId, title: caseId, verdict, reason: 'r', durationMs: 1, log: '', pcaps: [] });
  if (status === 'done') await db.store.finishRun(run.id, { status: 'done' });
  runs[name] = run.id;
}

async function labConfig(token: boolean): Promise<string> {
  const testsets = path.join(dir, 'testsets');
  await mkdir(testsets, { recursive: true });
  await copyFile(path.join(repoRoot, 'testsets/phase2-host.config'), path.join(testsets, 'phase2-host.config'));
  await writeFile(path.join(testsets, 'smoke.yaml'), `name: smoke\ntitle: smoke\nmode: host\nengine: builtin\nlinks: 1\nkernelConfig: phase2-host.config\ncases:\n  - v6LC.1.1.1\n  - ${CASE}\n`);
  const tokenFile = path.join(dir, 'token');
  await writeFile(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  const fragment = path.join(repoRoot, 'infra/kernel/qemu-nut.config');
  const file = path.join(dir, token ? 'labd.yaml' : 'labd-no-token.yaml');
  await writeFile(file, [
    `home: ${path.join(dir, 'home')}`, `cache: ${path.join(dir, 'cache')}`, `nutImage: ${path.join(dir, 'initramfs.gz')}`,
    `testsets: { dir: ${testsets}, run: [smoke] }`,
    `profiles: { qemu: { baseConfig: tinyconfig, labFragment: ${fragment} }, machine: { baseConfig: defconfig, labFragment: ${fragment} } }`,
    'nuts:',
    `  - { name: vm-1, driver: qemu, profile: qemu, modes: [host], knownGood: { bzImage: ${path.join(dir, 'bzImage')}, kernelRelease: 6.1.0 } }`,
    `  - { name: vm-2, driver: qemu, profile: machine, modes: [router], knownGood: { bzImage: ${path.join(dir, 'bzImage')}, kernelRelease: 6.1.0 } }`,
    // The lab's own bisections' settings: a request naming none gets these.
    'bisect: { confirmRuns: 2, maxSteps: 12 }',
    token ? `web: { tokenFile: ${tokenFile}, publicUrl: "${PUBLIC}" }` : 'web: { port: 9999 }',
    '',
  ].join('\n'));
  return file;
}

before(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'testlab-web-bisect-'));
  await makeTree();
  await mkdir(path.join(dir, 'home'), { recursive: true });
  db = await openSqliteStores(path.join(dir, 'home', 'lab.db'));
  await addRun('good', { commit: c[1]! }, { 'v6LC.1.1.1': 'PASS', [CASE]: 'PASS' });
  await addRun('bad', { commit: c[3]! }, { 'v6LC.1.1.1': 'PASS', [CASE]: 'FAIL' });
  await addRun('running', { commit: c[2]! }, {}, 'running');
  await addRun('tarball', { tarball: '6.12' }, { 'v6LC.1.1.1': 'PASS', [CASE]: 'PASS' });
  lab = await openWebLab({ configFile: await labConfig(true) });
  app = build(lab.build);
});
after(async () => {
  await app?.close();
  await lab?.close();
  await db?.close();
  await rm(dir, { recursive: true, force: true });
});

/** `authorization` null: no header at all. */
const post = (payload: unknown, authorization: string | null = `Bearer ${TOKEN}`) =>
  app.inject({ method: 'POST', url: '/api/bisections', headers: authorization === null ? {} : { authorization }, payload: payload as object });
const stored = async () => ({ bisections: (await db.bisections.list()).length, jobs: (await db.queue.list()).length });
const byRefs = () => ({ good: 'v1', bad: 'main', tree, testset: 'smoke', cases: [CASE] });

test('the dashboard of a lab without an API token serves no POST /api/bisections', async (t) => {
  const plain = await openWebLab({ configFile: await labConfig(false) });
  const plainApp = build(plain.build);
  t.after(async () => {
    await plainApp.close();
    await plain.close();
  });
  assert.deepEqual(plain.features, []);
  assert.equal((await plainApp.inject({ method: 'POST', url: '/api/bisections', payload: byRefs() })).statusCode, 404);
  assert.ok(lab.features.includes('bisections (POST /api/bisections)'), lab.features.join(', '));
});

test('without the token, or with a wrong one: 401, nothing stored or queued', async () => {
  const none = await post(byRefs(), null);
  assert.equal(none.statusCode, 401);
  assert.match(none.headers['www-authenticate'] as string, /^Bearer/);
  assert.match(none.json().error as string, /needs the lab token/);
  for (const auth of [`Bearer ${TOKEN.replace(/.$/, 'X')}`, `Basic ${TOKEN}`, TOKEN]) assert.equal((await post(byRefs(), auth)).statusCode, 401, auth);
  assert.deepEqual(await stored(), { bisections: 0, jobs: 0 });
});

test('a body of the wrong shape: 400 naming each field, nothing stored or queued', async () => {
  const r = await post({ good: '--upload-pack=touch /tmp/x', bad: 'a..b', tree: `${tree}\u0007x`, cases: [], maxSteps: 1000, confirmRuns: 0, nut: 'Q EMU', extra: 1 });
  assert.equal(r.statusCode, 400);
  const problems = (r.json().problems as string[]).join('\n');
  assert.match(problems, /^good: must be a run id or a git tag, branch or commit/m);
  assert.match(problems, /^bad: must be a run id or a git ref, not a range/m);
  assert.match(problems, /^tree: must not contain control characters/m);
  assert.match(problems, /^cases: /m);
  assert.match(problems, /^maxSteps: /m);
  assert.match(problems, /^confirmRuns: /m);
  assert.match(problems, /^nut: must be a NUT profile name/m);
  assert.match(problems, /extra/);
  assert.match((await post({ bad: 'main' })).json().error as string, /^invalid bisection request: good: /);
  assert.deepEqual(await stored(), { bisections: 0, jobs: 0 });
});

test('what the lab cannot bisect: 400 naming the input and why, nothing stored or queued', async () => {
  const refused: [object, RegExp][] = [
    [{ ...byRefs(), good: 'v9.9' }, /^good ref v9\.9 does not exist in \/\S+\/linux$/],
    [{ ...byRefs(), bad: 'no-such-branch' }, /^bad ref no-such-branch does not exist in /],
    [{ ...byRefs(), good: c[3]!, bad: c[0]! }, /is not an ancestor of .* \(good must be older than bad\)/],
    [{ ...byRefs(), good: 'side' }, /^side is not an ancestor of main/],
    [{ ...byRefs(), good: side.slice(0, 12), bad: side }, /^good ref [0-9a-f]{12} and bad ref [0-9a-f]{40} are the same commit [0-9a-f]{40} in \S+: there is nothing to bisect$/],
    [{ ...byRefs(), cases: [CASE, 'v6LC.9.9.9'] }, /^test set smoke has no case v6LC\.9\.9\.9$/],
    [{ ...byRefs(), testset: 'phase2-router' }, /^test set phase2-router is not configured on this lab \(testsets\.run: smoke\)$/],
    [{ ...byRefs(), nut: 'machine' }, /^no NUT of profile machine offers mode host on this lab \(test set smoke can run on qemu\)$/],
    [{ ...byRefs(), tree: path.join(dir, 'nowhere.git') }, /^the tree \S+nowhere\.git cannot be reached: /],
    [{ good: 'v1', bad: 'main', testset: 'smoke', cases: [CASE] }, /^which tree\? give tree \(a git repository\) when neither end is a run$/],
    [{ good: 'v1', bad: 'main', tree, cases: [CASE] }, /^which test set\? give testset when neither end is a run$/],
    [{ good: 'v1', bad: 'main', tree, testset: 'smoke' }, /^which cases\? give cases when an end is a ref and not a run$/],
    [{ good: 999, bad: runs.bad }, /^good 999: there is no run 999 in this lab$/],
    [{ good: runs.good, bad: runs.running }, new RegExp(`^bad ${runs.running}: run ${runs.running} is running, not done`)],
    [{ good: runs.tarball, bad: runs.bad }, new RegExp(`^good ${runs.tarball}: run ${runs.tarball}'s kernel was not built from a git tree \\(linux-6\\.12\\.tar\\.xz\\): give a commit and tree instead$`)],
    [{ good: runs.good, bad: runs.good }, new RegExp(`^run ${runs.good} has no regression against run ${runs.good}: nothing to bisect \\(name cases with cases\\)$`)],
  ];
  for (const [body, why] of refused) {
    const r = await post(body);
    assert.equal(r.statusCode, 400, `${JSON.stringify(body)}: ${r.body}`);
    assert.match(r.json().error as string, why, JSON.stringify(body));
    assert.deepEqual(r.json().problems, [r.json().error]);
  }
  assert.deepEqual(await stored(), { bisections: 0, jobs: 0 });
});

test('a bisection of two refs: 201, stored as asked by the API, its bisect job queued as labd queues its own; asked again: 200, the same, one job', async () => {
  const r = await post(byRefs());
  assert.equal(r.statusCode, 201, r.body);
  const body = r.json() as { bisection: BisectionRecord; created: boolean; url: string; job: { id: number; created: boolean } };
  const b = body.bisection;
  assert.equal(r.headers.location, `/api/bisections/${b.id}`);
  assert.equal(body.url, `${PUBLIC}/bisections/${b.id}`);
  assert.equal(body.created, true);
  assert.deepEqual(
    { tree: b.tree, good: b.good, bad: b.bad, testset: b.testset, profile: b.profile, cases: b.cases, confirmRuns: b.confirmRuns, maxSteps: b.maxSteps, requestedBy: b.requestedBy, status: b.status, commitsInRange: b.commitsInRange },
    { tree, good: { commit: c[0], runId: null }, bad: { commit: c[3], runId: null }, testset: 'smoke', profile: 'qemu', cases: [CASE], confirmRuns: 2, maxSteps: 12, requestedBy: 'api', status: 'queued', commitsInRange: 3 },
  );
  const jobs = await db.queue.list();
  assert.equal(jobs.length, 1);
  const job = jobs[0]!;
  assert.deepEqual(
    { id: job.id, kind: job.kind, key: job.key, priority: job.priority, requires: job.requires, maxAttempts: job.maxAttempts, payload: wireJobPayload(job) },
    { id: body.job.id, kind: 'bisect', key: `bisect:${b.id}`, priority: JOB_PRIORITY.bisect, requires: { profile: 'qemu', mode: 'host' }, maxAttempts: 3, payload: { bisectionId: b.id } },
  );
  assert.equal(body.job.created, true);
  // What the dashboard then shows of it.
  assert.equal(((await app.inject({ method: 'GET', url: `/api/bisections/${b.id}` })).json() as { bisection: BisectionRecord }).bisection.requestedBy, 'api');

  const again = await post({ ...byRefs(), good: c[0]!, bad: c[3]!, confirmRuns: 5 });
  assert.equal(again.statusCode, 200, again.body);
  assert.deepEqual({ id: again.json().bisection.id, created: again.json().created, job: again.json().job }, { id: b.id, created: false, job: { id: job.id, created: false } });

  const otherCases = await post({ ...byRefs(), cases: ['v6LC.1.1.1'] });
  assert.equal(otherCases.statusCode, 409);
  assert.equal(otherCases.json().error, `bisection ${b.id} of this range and set bisects ${CASE}, not v6LC.1.1.1`);
  assert.deepEqual(await stored(), { bisections: 1, jobs: 1 });

  // Ended, it is answered as it is, and nothing is queued for it.
  await db.bisections.start(b.id, 3);
  await db.bisections.finish(b.id, { status: 'inconclusive', reason: 'step 1 disagreed' });
  const ended = await post(byRefs());
  assert.equal(ended.statusCode, 200);
  assert.deepEqual({ status: ended.json().bisection.status, job: ended.json().job }, { status: 'inconclusive', job: null });
  assert.deepEqual(await stored(), { bisections: 1, jobs: 1 });
});

test('a bisection of two runs: their tree, set and NUT kind, the bad run\'s regressions as its cases', async () => {
  const r = await post({ good: runs.good, bad: String(runs.bad) });
  assert.equal(r.statusCode, 201, r.body);
  const b = r.json().bisection as BisectionRecord;
  assert.deepEqual(
    { tree: b.tree, good: b.good, bad: b.bad, testset: b.testset, profile: b.profile, cases: b.cases },
    { tree, good: { commit: c[1], runId: runs.good }, bad: { commit: c[3], runId: runs.bad }, testset: 'smoke', profile: 'qemu', cases: [CASE] },
  );
  assert.equal((await db.queue.list()).filter((j) => j.key === `bisect:${b.id}`).length, 1);
});
