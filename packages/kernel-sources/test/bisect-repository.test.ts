// The git side of a bisection on real repositories: `next` step by step against a real `git bisect` on the
// same history (linear, with a merge, with skips), and resolve / ancestry / identity / range checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { bisectRepository, gitPrn, sqrti, validateBisectRange, type BisectNext, type GitBisectRepository } from '../src/bisect-repository.js';
import { History, gitAt, gitBisect, scratchClone } from './bisect-fixtures.js';
import { recordingProgress, tempDir } from './fixtures.js';

/** c0 (good) .. c20 (bad) on main. */
async function linear(dir: string): Promise<History> {
  const h = await History.init(path.join(dir, 'linear'));
  for (let i = 0; i <= 20; i++) await h.commit(`c${i}`);
  return h;
}

/**
 * m0 (good) - m1 - m2 - m3 - m4 - m5 - M - m6 - m7 (bad), with s1..s5 branched at m1 and merged as M;
 * the branch's commits are dated between main's, as in a real tree.
 */
async function merged(dir: string): Promise<History> {
  const h = await History.init(path.join(dir, 'merged'));
  await h.commit('m0');
  await h.commit('m1');
  await h.checkout('side', 'm1');
  await h.commit('s1');
  await h.checkout('main');
  await h.commit('m2');
  await h.checkout('side');
  await h.commit('s2');
  await h.commit('s3');
  await h.checkout('main');
  await h.commit('m3');
  await h.commit('m4');
  await h.checkout('side');
  await h.commit('s4');
  await h.commit('s5');
  await h.checkout('main');
  await h.commit('m5');
  await h.merge('M', 'side');
  await h.commit('m6');
  await h.commit('m7');
  return h;
}

interface Run {
  steps: string[];
  end: BisectNext;
  /** Steps where the first untested commit of --bisect-all's ranking was not what git chose. */
  naiveWouldDiffer: number;
}

/**
 * Bisects good..bad for a regression that `culprit` brought, with `unbuildable` commits skipped, twice
 * side by side: with `repo.next` and with `git bisect` in `clone`. Every choice must be the same.
 */
async function bisectBoth(h: History, repo: GitBisectRepository, clone: string, good: string, bad: string, culprit: string, unbuildable: string[]): Promise<Run> {
  const say = `culprit ${culprit}, skipping [${unbuildable.join(' ')}]`;
  await gitAt(clone, ['bisect', 'reset']);
  let theirs = await gitBisect(clone, ['start', h.id(bad), h.id(good)]);
  let current = h.id(bad);
  const goods = [h.id(good)];
  const skipped: string[] = [];
  const steps: string[] = [];
  let naiveWouldDiffer = 0;
  for (let n = 0; n < 40; n++) {
    const ours = await repo.next(current, goods, skipped);
    const name = (r: BisectNext) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'string' ? h.name(v) : v));
    assert.deepEqual(ours, theirs, `${say}, step ${n + 1} after [${steps.join(' ')}]: ours ${name(ours)}, git bisect's ${name(theirs)}`);
    if (!('test' in ours)) return { steps, end: ours, naiveWouldDiffer };
    if (skipped.length > 0) {
      const ranked = (await gitAt(h.dir, ['rev-list', '--bisect-all', current, '--not', ...goods])).stdout.split('\n').map((l) => l.split(' ')[0]);
      if (ranked.find((c) => c !== undefined && !skipped.includes(c) && c !== current) !== ours.test) naiveWouldDiffer++;
    }
    const commit = ours.test;
    const tested = h.name(commit);
    const verdict = unbuildable.includes(tested) ? 'skip' : (await h.contains(commit, h.id(culprit))) ? 'bad' : 'good';
    steps.push(`${tested}:${verdict}`);
    if (verdict === 'skip') skipped.push(commit);
    else if (verdict === 'bad') current = commit;
    else goods.push(commit);
    theirs = await gitBisect(clone, [verdict, commit]);
  }
  throw new Error(`${say}: no end after 40 steps`);
}

test('next chooses what git bisect chooses on a linear history, the culprit anywhere', async (t) => {
  const dir = await tempDir(t);
  const h = await linear(dir);
  const clone = await scratchClone(h.dir, path.join(dir, 'clone'));
  const repo = bisectRepository(path.join(dir, 'cache'), h.dir);
  // Both ends, the middle and between: every culprit would take twice as long (each git bisect is ~10 processes).
  for (const i of [1, 2, 4, 7, 10, 11, 14, 17, 19, 20]) {
    const run = await bisectBoth(h, repo, clone, 'c0', 'c20', `c${i}`, []);
    assert.deepEqual(run.end, { culprit: h.id(`c${i}`) }, run.steps.join(' '));
    assert.ok(run.steps.length <= 5, `c${i}: ${run.steps.join(' ')}`);
  }
});

test('next chooses what git bisect chooses with skipped commits, including its jump away from them', async (t) => {
  const dir = await tempDir(t);
  const h = await linear(dir);
  const clone = await scratchClone(h.dir, path.join(dir, 'clone'));
  const repo = bisectRepository(path.join(dir, 'cache'), h.dir);
  const around = ['c8', 'c9', 'c10', 'c11', 'c12'];
  let naiveWouldDiffer = 0;
  // Culprits next to no skipped commit: git can name them.
  for (const culprit of ['c3', 'c7', 'c15', 'c17']) {
    const run = await bisectBoth(h, repo, clone, 'c0', 'c20', culprit, around);
    assert.deepEqual(run.end, { culprit: h.id(culprit) }, run.steps.join(' '));
    naiveWouldDiffer += run.naiveWouldDiffer;
  }
  // "The first untested commit by distance" is not git's rule: it jumps pseudo-randomly away from skips.
  assert.ok(naiveWouldDiffer > 0, 'the histories never exercised skip_away');

  // The culprit among skipped commits: git names them all, and the bad commit after them.
  const stuck = await bisectBoth(h, repo, clone, 'c0', 'c20', 'c10', around);
  assert.ok('onlySkipped' in stuck.end, JSON.stringify(stuck));
  const names = stuck.end.onlySkipped.map((c) => h.name(c));
  assert.ok(names.includes('c10') && names.at(-1) === 'c13', names.join(' '));

  // Everything but the bad commit skipped.
  const all = await bisectBoth(h, repo, clone, 'c0', 'c20', 'c20', Array.from({ length: 19 }, (_, i) => `c${i + 1}`));
  assert.ok('onlySkipped' in all.end && all.end.onlySkipped.length === 20, JSON.stringify(all.end));
});

test('next chooses what git bisect chooses across a merge, the merge itself blamed too', async (t) => {
  const dir = await tempDir(t);
  const h = await merged(dir);
  const clone = await scratchClone(h.dir, path.join(dir, 'clone'));
  const repo = bisectRepository(path.join(dir, 'cache'), h.dir);
  for (const culprit of ['m1', 's1', 's3', 's5', 'm2', 'm4', 'm5', 'M', 'm7']) {
    const run = await bisectBoth(h, repo, clone, 'm0', 'm7', culprit, []);
    assert.deepEqual(run.end, { culprit: h.id(culprit) }, `${culprit}: ${run.steps.join(' ')}`);
  }
  for (const [culprit, skips] of [['s3', ['s2', 's3']], ['m4', ['M', 's4']], ['M', ['m5']]] as const) {
    await bisectBoth(h, repo, clone, 'm0', 'm7', culprit, [...skips]);
  }
});

test('next: the culprit when only bad is left; only skipped commits; arguments that are not commit ids', async (t) => {
  const dir = await tempDir(t);
  const h = await linear(dir);
  const repo = bisectRepository(path.join(dir, 'cache'), h.dir);
  assert.deepEqual(await repo.next(h.id('c5'), [h.id('c4')], []), { culprit: h.id('c5') });
  assert.deepEqual(await repo.next(h.id('c5'), [h.id('c4')], [h.id('c9')]), { culprit: h.id('c5') });
  const left = await repo.next(h.id('c5'), [h.id('c2')], [h.id('c3'), h.id('c4')]);
  assert.ok('onlySkipped' in left);
  assert.deepEqual([...left.onlySkipped].sort(), [h.id('c3'), h.id('c4'), h.id('c5')].sort());
  assert.equal(left.onlySkipped.at(-1), h.id('c5'));
  await assert.rejects(repo.next(h.id('c2'), [h.id('c5')], []), /no commit is left between .* reachable from a good one/);
  await assert.rejects(repo.next('--output=/tmp/x', [], []), /bad "--output=\/tmp\/x" is not a full commit id/);
  await assert.rejects(repo.next(h.id('c5'), ['c2'], []), /good "c2" is not a full commit id/);
  await assert.rejects(repo.next(h.id('c5'), [h.id('c2')], [h.id('c5')]), /the bad commit .* is also in skipped/);
});

test('git skip_away arithmetic: bisect.c PRNG and integer square root', () => {
  assert.equal(sqrti(32768), 181);
  assert.equal(sqrti(0), 0);
  assert.equal(sqrti(1), 1);
  assert.equal(sqrti(99), 9);
  // `man 3 rand`'s first value from seed 1 is 16838.
  assert.equal(gitPrn(1), 16838);
  for (const count of [1, 7, 1000, 70_000, 2 ** 31]) assert.ok(gitPrn(count) >= 0 && gitPrn(count) < 32768);
});

test('resolve: tags, branches, ids and describe names; a missing ref names ref and tree; option-like refs refused', async (t) => {
  const dir = await tempDir(t);
  const h = await History.init(path.join(dir, 'tree'));
  await h.commit('one');
  await gitAt(h.dir, ['tag', '-a', '-m', 'release', 'v1.0']);
  await h.commit('two');
  const repo = bisectRepository(path.join(dir, 'cache'), h.dir);
  assert.equal(await repo.resolve('v1.0'), h.id('one'));
  assert.equal(await repo.resolve('main'), h.id('two'));
  assert.equal(await repo.resolve(h.id('one')), h.id('one'));
  assert.equal(await repo.resolve(h.id('two').slice(0, 12)), h.id('two'));
  assert.equal(await repo.resolve(`v1.0-1-g${h.id('two').slice(0, 12)}`), h.id('two'));
  await assert.rejects(repo.resolve('v9.9'), { name: 'UnknownRefError', message: `ref v9.9 does not exist in ${h.dir}` });
  await assert.rejects(repo.resolve('--upload-pack=touch /tmp/x'), /invalid git ref .* \(in /);
  await assert.rejects(repo.resolve('-n'), /invalid git ref "-n"/);
  // A tree is not a commit.
  const tree = (await gitAt(h.dir, ['rev-parse', 'HEAD^{tree}'])).stdout;
  await assert.rejects(repo.resolve(tree), /resolving "[0-9a-f]{40}" in .*: error: .* expected commit type/);
});

test('identity, first parent, range size and ancestry', async (t) => {
  const dir = await tempDir(t);
  const h = await merged(dir);
  const repo = bisectRepository(path.join(dir, 'cache'), h.dir);
  assert.deepEqual(await repo.identity(h.id('s3')), { commit: h.id('s3'), subject: 's3', author: 'Ada Author <ada@example.org>' });
  assert.equal(await repo.firstParent(h.id('M')), h.id('m5'));
  assert.equal(await repo.firstParent(h.id('s1')), h.id('m1'));
  assert.equal(await repo.firstParent(h.id('m0')), null);
  assert.equal(await repo.countRange(h.id('m0'), h.id('m7')), 13);
  assert.equal(await repo.countRange(h.id('m5'), h.id('M')), 6);
  assert.equal(await repo.isAncestor(h.id('s2'), h.id('m7')), true);
  assert.equal(await repo.isAncestor(h.id('s2'), h.id('m5')), false);
  assert.equal(await repo.isAncestor(h.id('m7'), h.id('m0')), false);
  // Not "false": a commit the tree lacks is an error.
  await assert.rejects(repo.isAncestor('0'.repeat(40), h.id('m7')), /merge-base --is-ancestor .* failed \(exit 128\)/);
});

test('the mirror is fetched once, and not at all for commits it already has', async (t) => {
  const dir = await tempDir(t);
  const h = await History.init(path.join(dir, 'tree'));
  await h.commit('one');
  const cache = path.join(dir, 'cache');
  assert.equal(await bisectRepository(cache, h.dir).resolve('main'), h.id('one'));
  await h.commit('two');
  const known = recordingProgress();
  assert.equal(await bisectRepository(cache, h.dir, known).identity(h.id('one')).then((i) => i.subject), 'one');
  assert.deepEqual(known.steps, []);
  const fresh = recordingProgress();
  const repo = bisectRepository(cache, h.dir, fresh);
  assert.equal(await repo.resolve('main'), h.id('two'));
  assert.equal(await repo.resolve('main'), h.id('two'));
  assert.deepEqual(fresh.steps.filter((s) => s.startsWith('git fetch')).length, 1);
});

test('validateBisectRange: the range, and a clear error for each wrong input', async (t) => {
  const dir = await tempDir(t);
  const h = await merged(dir);
  const repo = bisectRepository(path.join(dir, 'cache'), h.dir);
  assert.deepEqual(await validateBisectRange(repo, 'm0', 'm7'), { good: h.id('m0'), bad: h.id('m7'), commitsInRange: 13 });
  await assert.rejects(validateBisectRange(repo, 'v0.1', 'm7'), { message: `good ref v0.1 does not exist in ${h.dir}` });
  await assert.rejects(validateBisectRange(repo, 'm0', 'nope'), { message: `bad ref nope does not exist in ${h.dir}` });
  await assert.rejects(validateBisectRange(repo, 'm7', 'm0'), /^Error: m7 is not an ancestor of m0 \(good must be older than bad\)/);
  await assert.rejects(validateBisectRange(repo, 's2', 'm5'), /s2 is not an ancestor of m5 \(good must be older than bad\)/);
  await assert.rejects(validateBisectRange(repo, 'm3', h.id('m3')), /the same commit/);

  const missing = path.join(dir, 'no-such-tree');
  await assert.rejects(validateBisectRange(bisectRepository(path.join(dir, 'cache'), missing), 'm0', 'm7'), {
    message: `the tree ${missing} cannot be reached: fatal: repository '${missing}' does not exist`,
  });
  // Port 9 (discard) is closed here: refused at once, no network needed.
  await assert.rejects(validateBisectRange(bisectRepository(path.join(dir, 'cache'), 'http://127.0.0.1:9/linux.git'), 'v6.1', 'v6.2'), /the tree http:\/\/127\.0\.0\.1:9\/linux\.git cannot be reached: fatal: unable to access/);
});
