// `testlab bisect` refuses what cannot be bisected before it stores or builds anything: refs that do not
// exist, a good ref that is not an ancestor of the bad one, a tree that cannot be reached, runs that are
// not there. Real git repository, real lab home (SQLite), the real CLI; no kernel is built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { openSqliteStores } from '@testlab/store-sqlite';
import { repoRoot } from '../src/lab-paths.js';

const cli = path.join(repoRoot, 'apps/cli/dist/src/main.js');
const CASE = 'v6LC.2.1.7-D';

async function git(cwd: string, args: string[]): Promise<string> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'A', GIT_AUTHOR_EMAIL: 'a@example.org', GIT_COMMITTER_NAME: 'A', GIT_COMMITTER_EMAIL: 'a@example.org' };
  return (await promisify(execFile)('git', args, { cwd, env })).stdout.trim();
}

/** A tree with a line of three commits and a side branch off the first. */
async function tree(): Promise<{ dir: string; c: string[]; side: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'testlab-bisect-tree-'));
  await git(dir, ['init', '-q', '-b', 'main']);
  const c: string[] = [];
  for (const n of [1, 2, 3]) {
    await writeFile(path.join(dir, `f${n}`), `${n}\n`);
    await git(dir, ['add', '-A']);
    await git(dir, ['commit', '-q', '-m', `commit ${n}`]);
    c.push(await git(dir, ['rev-parse', 'HEAD']));
  }
  await git(dir, ['checkout', '-q', '-b', 'side', c[0]!]);
  await writeFile(path.join(dir, 'side'), 'side\n');
  await git(dir, ['add', '-A']);
  await git(dir, ['commit', '-q', '-m', 'side']);
  return { dir, c, side: await git(dir, ['rev-parse', 'HEAD']) };
}

async function bisect(args: string[]): Promise<{ code: number; stderr: string; home: string }> {
  const home = path.join(mkdtempSync(path.join(os.tmpdir(), 'testlab-bisect-home-')), 'home');
  const cache = path.join(path.dirname(home), 'cache');
  await mkdir(cache);
  const env = { ...process.env, TESTLAB_HOME: home, TESTLAB_CACHE: cache };
  const run = await promisify(execFile)(process.execPath, [cli, 'bisect', ...args], { env }).then(
    (r) => ({ code: 0, stderr: r.stderr }),
    (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
  );
  return { ...run, home };
}

async function bisectionsIn(home: string): Promise<number> {
  const stores = await openSqliteStores(path.join(home, 'lab.db'));
  try {
    return (await stores.bisections.list()).length;
  } finally {
    await stores.close();
  }
}

test('refs that do not exist are named, and nothing is stored', async () => {
  const t = await tree();
  for (const [args, message] of [
    [['--good', 'v9.9', '--bad', 'main'], /good ref v9\.9 does not exist in \/\S+testlab-bisect-tree-/],
    [['--good', t.c[0]!, '--bad', 'no-such-branch'], /bad ref no-such-branch does not exist in /],
  ] as const) {
    const r = await bisect([...args, '--tree', t.dir, '--testset', 'phase2-host', '--case', CASE]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.equal(await bisectionsIn(r.home), 0);
  }
});

test('a good ref that is not an ancestor of the bad one is refused', async () => {
  const t = await tree();
  const newer = await bisect(['--good', t.c[2]!, '--bad', t.c[0]!, '--tree', t.dir, '--testset', 'phase2-host', '--case', CASE]);
  assert.equal(newer.code, 2);
  assert.match(newer.stderr, /is not an ancestor of .* \(good must be older than bad\)/);
  const sideways = await bisect(['--good', 'side', '--bad', 'main', '--tree', t.dir, '--testset', 'phase2-host', '--case', CASE]);
  assert.equal(sideways.code, 2);
  assert.match(sideways.stderr, /side is not an ancestor of main/);
  assert.equal(await bisectionsIn(sideways.home), 0);
  const same = await bisect(['--good', 'main', '--bad', t.c[2]!, '--tree', t.dir, '--testset', 'phase2-host', '--case', CASE]);
  assert.match(same.stderr, /are the same commit .*: there is nothing to bisect/);
});

test('a tree that cannot be reached is named with git\'s reason', async () => {
  const r = await bisect(['--good', 'v1', '--bad', 'v2', '--tree', '/nonexistent/linux.git', '--testset', 'phase2-host', '--case', CASE]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /the tree \/nonexistent\/linux\.git cannot be reached: .+/);
  assert.equal(await bisectionsIn(r.home), 0);
});

test('runs that are not in the lab, missing cases, tree or test set, and unknown cases are refused before anything starts', async () => {
  const t = await tree();
  const cases: [string[], RegExp][] = [
    [['--good', '41', '--bad', '42'], /--good 41: there is no run 41 in this lab/],
    [['--good', 'v1', '--bad', 'v2', '--testset', 'phase2-host', '--case', CASE], /which tree\? give --tree \(a git repository\) when neither end is a run/],
    [['--good', 'v1', '--bad', 'v2', '--tree', t.dir, '--case', CASE], /which test set\? give --testset when neither end is a run/],
    [['--good', t.c[0]!, '--bad', 'main', '--tree', t.dir, '--testset', 'phase2-host'], /which cases\? give --case when an end is a ref and not a run/],
    [['--good', t.c[0]!, '--bad', 'main', '--tree', t.dir, '--testset', 'phase2-host', '--case', 'v6LC.9.9.9'], /test set phase2-host has no case v6LC\.9\.9\.9/],
    [['--good=-x', '--bad', 'main', '--tree', t.dir, '--testset', 'phase2-host', '--case', CASE], /invalid git ref "-x": expected a tag, branch or commit/],
  ];
  for (const [args, message] of cases) {
    const r = await bisect(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message, args.join(' '));
  }
});
