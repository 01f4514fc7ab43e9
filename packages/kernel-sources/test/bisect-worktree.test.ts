// The bisection's work tree on real repositories: made from the bare mirror, reused across steps (only
// changed files rewritten, strays cleaned, the O= folder beside it untouched), mended after a killed
// process; and the revert in its scratch tree: applied, conflicting, empty, of a merge, leftovers removed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, mkdir, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { bisectWorktree, gitMirrorDir } from '../src/index.js';
import { History, gitAt } from './bisect-fixtures.js';
import { recordingProgress, tempDir } from './fixtures.js';

/**
 * r0 - r1 - r2 - r3 - M - r4 - r5 - r6 (bad) on main, with s1 branched at r1 and merged as M.
 * r1 changes b.c and nothing later does (its revert applies); r4 rewrites the line r3 added to a.c (r3's
 * revert conflicts); r6 removes the d.c that r5 added (r5's revert changes nothing).
 */
async function history(dir: string): Promise<History> {
  const h = await History.init(path.join(dir, 'tree'));
  await h.commit('r0', { 'a.c': 'one\n', 'b.c': 'x\n' });
  await h.commit('r1', { 'b.c': 'x\ny\n' });
  await h.checkout('side', 'r1');
  await h.commit('s1', { 'e.c': 'side\n' });
  await h.checkout('main');
  await h.commit('r2', { 'a.c': 'one\ntwo\n' });
  await h.commit('r3', { 'a.c': 'one\ntwo\nthree\n' });
  await h.merge('M', 'side');
  await h.commit('r4', { 'a.c': 'one\ntwo\nthree changed\n' });
  await h.commit('r5', { 'd.c': 'd\n' });
  await gitAt(h.dir, ['rm', '-q', 'd.c']);
  await h.commit('r6', {});
  return h;
}

/** Sets every file's times an hour back (not .git's). */
async function ageFiles(dir: string): Promise<void> {
  const past = new Date(Date.now() - 3600_000);
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (entry.isFile() && !file.includes(`${path.sep}.git`)) await utimes(file, past, past);
  }
}

const exists = (file: string) => access(file).then(() => true, () => false);
const head = async (dir: string) => (await gitAt(dir, ['rev-parse', 'HEAD'])).stdout;

test('checkoutCommit: one work tree per tree beside the mirror, reused across steps', async (t) => {
  const dir = await tempDir(t);
  const h = await history(dir);
  const cache = path.join(dir, 'cache');
  const wt = bisectWorktree(cache, h.dir);
  // As deep as the builder's trees/<hex>/src and out-*: ccache's relative paths are the same for both.
  const home = path.join(cache, 'bisect', path.basename(gitMirrorDir(cache, h.dir)));
  assert.equal(wt.dir, path.join(home, 'src'));
  assert.equal(wt.outDir, path.join(home, 'out'));

  assert.equal(await wt.checkoutCommit(h.id('r2')), wt.dir);
  assert.equal(await head(wt.dir), h.id('r2'));
  assert.equal(await readFile(path.join(wt.dir, 'a.c'), 'utf8'), 'one\ntwo\n');
  // What a build would keep beside the tree, and what someone left inside it.
  await mkdir(wt.outDir, { recursive: true });
  await writeFile(path.join(wt.outDir, 'vmlinux.o'), 'object\n');
  await writeFile(path.join(wt.dir, '.config'), 'CONFIG_STRAY=y\n');
  await writeFile(path.join(wt.dir, 'b.c'), 'edited by hand\n');

  // Another object, as the next process would make: same folder, no new work tree.
  const progress = recordingProgress();
  const again = bisectWorktree(cache, h.dir, progress);
  await again.checkoutCommit(h.id('r3'));
  assert.equal(await head(wt.dir), h.id('r3'));
  assert.equal(await readFile(path.join(wt.dir, 'a.c'), 'utf8'), 'one\ntwo\nthree\n');
  assert.equal(await readFile(path.join(wt.dir, 'b.c'), 'utf8'), 'x\ny\n');
  assert.equal(await exists(path.join(wt.dir, '.config')), false);
  assert.equal(await readFile(path.join(wt.outDir, 'vmlinux.o'), 'utf8'), 'object\n');
  const worktrees = (await gitAt(gitMirrorDir(cache, h.dir), ['worktree', 'list', '--porcelain'])).stdout;
  assert.equal(worktrees.split('\n').filter((l) => l.startsWith('worktree ')).length, 2, worktrees);

  // A file the step does not change keeps its mtime: make rebuilds only what depends on changed files.
  // Steps are a build apart, not milliseconds: files written in the same second as git's index are ones git
  // cannot trust the stat of, so the tree is aged as a build's minutes would.
  await ageFiles(wt.dir);
  const aBefore = await stat(path.join(wt.dir, 'a.c'));
  const bStill = await stat(path.join(wt.dir, 'b.c'));
  await again.checkoutCommit(h.id('M'));
  assert.equal((await stat(path.join(wt.dir, 'a.c'))).mtimeMs, aBefore.mtimeMs);
  assert.equal((await stat(path.join(wt.dir, 'b.c'))).mtimeMs, bStill.mtimeMs);
  assert.equal(await readFile(path.join(wt.dir, 'e.c'), 'utf8'), 'side\n');
  await again.checkoutCommit(h.id('r2'));
  assert.equal(await exists(path.join(wt.dir, 'e.c')), false);
  assert.equal((await gitAt(wt.dir, ['status', '--porcelain', '--ignored'])).stdout, '');
  assert.deepEqual(progress.steps.filter((s) => !s.startsWith('git checkout ')), [], 'the work tree was made again');
});

test('checkoutCommit mends a work tree a killed process left: a stale index.lock, a removed or foreign folder', async (t) => {
  const dir = await tempDir(t);
  const h = await history(dir);
  const cache = path.join(dir, 'cache');
  const wt = bisectWorktree(cache, h.dir);
  await wt.checkoutCommit(h.id('r1'));
  const gitDir = (await gitAt(wt.dir, ['rev-parse', '--absolute-git-dir'])).stdout;
  await writeFile(path.join(gitDir, 'index.lock'), '');
  await wt.checkoutCommit(h.id('r4'));
  assert.equal(await head(wt.dir), h.id('r4'));

  await rm(wt.dir, { recursive: true, force: true });
  await wt.checkoutCommit(h.id('r5'));
  assert.equal(await head(wt.dir), h.id('r5'));

  await rm(wt.dir, { recursive: true, force: true });
  await mkdir(wt.dir);
  await writeFile(path.join(wt.dir, 'junk'), 'x');
  await wt.checkoutCommit(h.id('r6'));
  assert.equal(await head(wt.dir), h.id('r6'));
  assert.equal(await exists(path.join(wt.dir, 'junk')), false);
  await assert.rejects(wt.checkoutCommit('--orphan'), /commit "--orphan" is not a full commit id/);
});

test('forBuild: the work tree as a build\'s, checking out the commit named when the builder asks', async (t) => {
  const dir = await tempDir(t);
  const h = await history(dir);
  const wt = bisectWorktree(path.join(dir, 'cache'), h.dir);
  let asked = 0;
  const build = wt.forBuild(async () => (asked++, h.id('r3')));
  assert.deepEqual([build.srcDir, build.outDir, asked], [wt.dir, wt.outDir, 0], 'nothing resolved or checked out before the builder asks');
  const progress = recordingProgress();
  await build.checkout(progress);
  assert.equal(asked, 1);
  assert.equal(await head(wt.dir), h.id('r3'));
  assert.ok(progress.steps.some((s) => s.startsWith('git worktree add ')), progress.steps.join('\n'));
});

test('revertOnto: a clean revert is a commit on bad in the scratch tree, the same commit every time', async (t) => {
  const dir = await tempDir(t);
  const h = await history(dir);
  const cache = path.join(dir, 'cache');
  const wt = bisectWorktree(cache, h.dir);
  await wt.checkoutCommit(h.id('r2'));
  const result = await wt.revertOnto(h.id('r6'), h.id('r1'));
  assert.ok(result.applied, JSON.stringify(result));
  assert.equal(result.dir, path.join(path.dirname(wt.dir), 'revert'));
  assert.equal(await readFile(path.join(result.dir, 'b.c'), 'utf8'), 'x\n');
  assert.equal((await gitAt(result.dir, ['rev-parse', 'HEAD^'])).stdout, h.id('r6'));
  const log = (await gitAt(result.dir, ['log', '-1', '--format=%an <%ae>|%cn <%ce>|%s'])).stdout;
  assert.equal(log, 'testlab <testlab@localhost>|testlab <testlab@localhost>|Revert "r1"');
  // The search's work tree is another folder, left as it was.
  assert.equal(await head(wt.dir), h.id('r2'));
  assert.equal(await readFile(path.join(wt.dir, 'b.c'), 'utf8'), 'x\ny\n');

  const again = await wt.revertOnto(h.id('r6'), h.id('r1'));
  assert.deepEqual(again, result);

  // A merge is reverted against its first parent.
  const merge = await wt.revertOnto(h.id('r6'), h.id('M'));
  assert.ok(merge.applied, JSON.stringify(merge));
  assert.equal(await exists(path.join(merge.dir, 'e.c')), false);
  assert.equal(await readFile(path.join(merge.dir, 'a.c'), 'utf8'), 'one\ntwo\nthree changed\n');
});

test('revertOnto: a conflict is aborted and names the files; an empty revert is not applied either', async (t) => {
  const dir = await tempDir(t);
  const h = await history(dir);
  const wt = bisectWorktree(path.join(dir, 'cache'), h.dir);
  assert.deepEqual(await wt.revertOnto(h.id('r6'), h.id('r3')), { applied: false, reason: `reverting ${h.id('r3')} on ${h.id('r6')} conflicts in a.c` });
  assert.equal(await exists(wt.revertDir), false);
  assert.deepEqual(await wt.revertOnto(h.id('r6'), h.id('r5')), {
    applied: false,
    reason: `reverting ${h.id('r5')} on ${h.id('r6')} changes nothing: its change is no longer in ${h.id('r6')}`,
  });
  await assert.rejects(wt.revertOnto(h.id('r6'), '-m'), /culprit "-m" is not a full commit id/);
});

test('revertOnto clears what a killed process left: a scratch tree still registered and locked', async (t) => {
  const dir = await tempDir(t);
  const h = await history(dir);
  const cache = path.join(dir, 'cache');
  const wt = bisectWorktree(cache, h.dir);
  await wt.checkoutCommit(h.id('r0'));
  const mirror = gitMirrorDir(cache, h.dir);
  // As a process killed during `git worktree add` leaves it: registered, locked, half there.
  await gitAt(mirror, ['worktree', 'add', '--detach', '--lock', wt.revertDir, h.id('r3')]);
  await writeFile(path.join(wt.revertDir, 'a.c'), 'half written\n');
  await writeFile(path.join(wt.revertDir, 'stale.o'), 'x');

  const result = await wt.revertOnto(h.id('r6'), h.id('r1'));
  assert.ok(result.applied, JSON.stringify(result));
  assert.equal(await readFile(path.join(wt.revertDir, 'a.c'), 'utf8'), 'one\ntwo\nthree changed\n');
  assert.equal(await exists(path.join(wt.revertDir, 'stale.o')), false);

  await wt.removeRevert();
  assert.equal(await exists(wt.revertDir), false);
  const listed = (await gitAt(mirror, ['worktree', 'list', '--porcelain'])).stdout;
  assert.ok(!listed.includes('.revert'), listed);
  assert.equal(await head(wt.dir), h.id('r0'));
});
