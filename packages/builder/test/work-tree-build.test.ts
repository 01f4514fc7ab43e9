// Builds in a kept work tree (a bisection's): the request's checkout replaces the unpack and runs under the O=
// folder's lock, the O= folder stays from build to build, and a failed incremental build is tried once more
// from an emptied folder before the commit is called unbuildable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StageError, type BuildRequest, type ConfigFragment } from '@testlab/core';
import { createKernelBuilder } from '../src/index.js';
import { FakeSource, fakeMake, recordingObserver, tempDir } from './fixtures.js';

const lab: ConfigFragment = { origin: 'lab', text: 'CONFIG_64BIT=y\nCONFIG_IPV6=y\n' };
const exists = (p: string) => access(p).then(() => true, () => false);
const commit = (n: number) => new FakeSource(`git:${String(n).repeat(40)}`);

/** A work tree whose checkout writes the source's files and records, for each call, whether the O= folder was locked. */
function workTree(dir: string) {
  const srcDir = path.join(dir, 'cache', 'bisect', 'h', 'src');
  const outDir = path.join(dir, 'cache', 'bisect', 'h', 'out');
  const checkouts: { hash: string; locked: boolean }[] = [];
  const request = (source: FakeSource): BuildRequest => ({
    source, baseConfig: 'tinyconfig', fragments: [lab],
    workTree: {
      srcDir, outDir,
      checkout: async (progress) => {
        progress.step(`checkout ${source.hash}`);
        checkouts.push({ hash: source.hash, locked: await exists(`${outDir}.lock`) });
        await source.extractTo(srcDir);
      },
    },
  });
  return { srcDir, outDir, checkouts, request };
}

test('a work tree build checks out under the lock, builds in the kept O= folder, and is cached by commit', async (t) => {
  const dir = await tempDir(t);
  const make = await fakeMake(dir);
  const builder = createKernelBuilder({ cacheDir: path.join(dir, 'cache'), makePath: make.makePath });
  const wt = workTree(dir);

  const first = recordingObserver();
  const one = await builder.build(wt.request(commit(1)), first);
  assert.deepEqual(first.events, ['started unpack', 'finished unpack done', 'started configure', 'finished configure done', 'started build', 'finished build done']);
  assert.ok(first.steps.includes(`checkout git:${'1'.repeat(40)}`), first.steps.join('\n'));
  assert.equal(one.fromCache, false);
  // No unpacked tree of the commit: the work tree was the tree.
  assert.equal(await exists(path.join(dir, 'cache', 'trees')), false);
  assert.ok((await make.calls()).some((c) => c.includes(`O=${wt.outDir}`) && c.includes('bzImage')), (await make.calls()).join('\n'));
  await writeFile(path.join(wt.outDir, 'kept.o'), 'an object of the first build');

  const two = await builder.build(wt.request(commit(2)), recordingObserver());
  assert.notEqual(two.cacheKey, one.cacheKey);
  assert.ok(await exists(two.artifacts.bzImage));
  assert.equal(await readFile(path.join(wt.outDir, 'kept.o'), 'utf8'), 'an object of the first build', 'the O= folder is kept');
  assert.deepEqual(wt.checkouts, [{ hash: `git:${'1'.repeat(40)}`, locked: true }, { hash: `git:${'2'.repeat(40)}`, locked: true }]);
  // The lock is given back after each build.
  assert.equal(await exists(`${wt.outDir}.lock`), false);

  // The same commit again: from the kernel cache, no checkout and no make.
  const calls = (await make.calls()).length;
  const again = await builder.build(wt.request(commit(1)), recordingObserver());
  assert.equal(again.fromCache, true);
  assert.equal(again.cacheKey, one.cacheKey);
  assert.equal(wt.checkouts.length, 2);
  assert.equal((await make.calls()).length, calls);
});

test('an incremental build that fails is built again from an empty O= folder before the commit is called unbuildable', async (t) => {
  const dir = await tempDir(t);
  const make = await fakeMake(dir);
  const builder = createKernelBuilder({ cacheDir: path.join(dir, 'cache'), makePath: make.makePath });
  const wt = workTree(dir);
  await builder.build(wt.request(commit(1)), recordingObserver());
  await make.failIncremental();

  const observer = recordingObserver();
  const built = await builder.build(wt.request(commit(2)), observer);
  assert.equal(built.fromCache, false);
  assert.ok(observer.steps.some((s) => /^the incremental build failed \(make bzImage failed .*\): building again from an empty O= folder$/.test(s)), observer.steps.join('\n'));
  assert.equal((await make.calls()).filter((c) => c.endsWith('bzImage')).length, 3, 'one build, then the failed incremental one, then one from scratch');
  assert.match(await readFile(built.artifacts.config, 'utf8'), /CONFIG_IPV6=y/);

  // A commit that does not build from scratch either: a build StageError, after the one retry only.
  await make.failBuild(true);
  const before = (await make.calls()).filter((c) => c.endsWith('bzImage')).length;
  await assert.rejects(builder.build(wt.request(commit(3)), recordingObserver()), (error: unknown) => {
    assert.ok(error instanceof StageError);
    assert.equal(error.stage, 'build');
    assert.match(error.message, /make bzImage failed \(exit 2\)/);
    return true;
  });
  assert.equal((await make.calls()).filter((c) => c.endsWith('bzImage')).length, before + 2);
  // An O= folder that was never built in has nothing stale to blame: one attempt only.
  const fresh = workTree(path.join(dir, 'other'));
  const calls = (await make.calls()).filter((c) => c.endsWith('bzImage')).length;
  await assert.rejects(builder.build(fresh.request(commit(4)), recordingObserver()), StageError);
  assert.equal((await make.calls()).filter((c) => c.endsWith('bzImage')).length, calls + 1);
  assert.deepEqual((await readdir(path.join(dir, 'cache', 'kernels'))).length, 2);
});
