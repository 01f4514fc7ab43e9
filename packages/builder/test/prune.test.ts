// Pruning unpacked trees: the least recently used go beyond the count, kernels stay, a tree in use or under
// a live build lock is spared, and a pruned tree comes back when something needs it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, mkdir, readdir, utimes } from 'node:fs/promises';
import path from 'node:path';
import type { ConfigFragment } from '@testlab/core';
import { lockBuildFolder } from '../src/build-lock.js';
import { createKernelBuilder, pruneSourceTrees } from '../src/index.js';
import { FakeSource, fakeMake, recordingObserver, tempDir } from './fixtures.js';

const lab: ConfigFragment = { origin: 'lab', text: 'CONFIG_64BIT=y\nCONFIG_IPV6=y\n' };
const exists = (p: string) => access(p).then(() => true, () => false);
const HOUR = 3_600_000;
const hex = (c: string) => c.repeat(64);

/** Three kernels from three sources, their trees last used 3, 2 and 1 days ago. */
async function threeTrees(t: Parameters<typeof tempDir>[0]) {
  const dir = await tempDir(t);
  const make = await fakeMake(dir);
  const cacheDir = path.join(dir, 'cache');
  const builder = createKernelBuilder({ cacheDir, makePath: make.makePath });
  const sources = ['a', 'b', 'c'].map((c) => new FakeSource(`sha256:${hex(c)}`));
  const kernels = [];
  for (const [i, source] of sources.entries()) {
    kernels.push(await builder.build({ source, baseConfig: 'tinyconfig', fragments: [lab] }, recordingObserver()));
    const when = new Date(Date.now() - (3 - i) * 24 * HOUR);
    await utimes(path.join(cacheDir, 'trees', hex('abc'[i]!), 'last-used'), when, when);
    await utimes(path.join(cacheDir, 'trees', hex('abc'[i]!)), when, when);
  }
  return { cacheDir, builder, sources, kernels, trees: () => readdir(path.join(cacheDir, 'trees')).then((n) => n.sort()) };
}

test('the least recently used trees beyond the count are removed; the kernels built from them stay', async (t) => {
  const { cacheDir, kernels, trees } = await threeTrees(t);
  const report = await pruneSourceTrees(cacheDir, { keepTrees: 1, minIdleMs: HOUR });
  assert.deepEqual(report.removed.map((r) => r.tree), [hex('b'), hex('a')]);
  assert.equal(report.kept, 1);
  assert.deepEqual(await trees(), [hex('c')]);
  for (const k of kernels) assert.ok(await exists(k.artifacts.bzImage), `${k.cacheKey} kept`);
  // Nothing more to do the second time.
  assert.deepEqual((await pruneSourceTrees(cacheDir, { keepTrees: 1, minIdleMs: HOUR })).removed, []);
});

test('a pruned tree is unpacked again for a caller that needs it (withTree); others take the cached kernel without it', async (t) => {
  const { cacheDir, builder, sources, kernels } = await threeTrees(t);
  await pruneSourceTrees(cacheDir, { keepTrees: 0, minIdleMs: HOUR });
  const plain = await builder.build({ source: sources[0]!, baseConfig: 'tinyconfig', fragments: [lab] }, recordingObserver());
  assert.deepEqual(plain.stages, { unpack: 'cached', configure: 'cached', build: 'cached' });
  assert.equal(sources[0]!.extracts, 1, 'a run boots the cached kernel: no unpack');
  const withTree = await builder.build({ source: sources[0]!, baseConfig: 'tinyconfig', fragments: [lab], withTree: true }, recordingObserver());
  assert.deepEqual(withTree.stages, { unpack: 'done', configure: 'cached', build: 'cached' });
  assert.equal(withTree.cacheKey, kernels[0]!.cacheKey);
  assert.equal(sources[0]!.extracts, 2);
  assert.ok(await exists(path.join(cacheDir, 'trees', hex('a'), 'src', 'Makefile')));
});

test('spared: a tree used lately, a tree whose build folder a live builder has locked; a half-done prune is finished', async (t) => {
  const { cacheDir, trees } = await threeTrees(t);
  // "a" was just used; "b" is being built (its lock is held and refreshed).
  const now = new Date();
  await utimes(path.join(cacheDir, 'trees', hex('a'), 'last-used'), now, now);
  const outB = (await readdir(path.join(cacheDir, 'trees', hex('b')))).find((n) => n.startsWith('out-'))!;
  const release = await lockBuildFolder(path.join(cacheDir, 'trees', hex('b'), outB), { step() {}, fraction() {} });
  t.after(() => release());
  // Taking the lock touched the tree's folder: make it look as old as the stamp, so only the lock spares it.
  const twoDaysAgo = new Date(Date.now() - 48 * HOUR);
  await utimes(path.join(cacheDir, 'trees', hex('b')), twoDaysAgo, twoDaysAgo);
  await mkdir(path.join(cacheDir, 'trees', `.pruning-${hex('d')}-1234`, 'src'), { recursive: true });
  const report = await pruneSourceTrees(cacheDir, { keepTrees: 0, minIdleMs: HOUR });
  assert.deepEqual(report.removed.map((r) => r.tree), [hex('c')]);
  assert.deepEqual(report.spared, [
    { tree: hex('a'), why: 'used 0 min ago' },
    { tree: hex('b'), why: `a build holds ${outB}.lock` },
  ]);
  assert.deepEqual(await trees(), [hex('a'), hex('b')]);
});

test('a bad count is refused', async () => {
  await assert.rejects(pruneSourceTrees('/nonexistent', { keepTrees: -1, minIdleMs: 0 }), /keepTrees must be a whole number >= 0, not -1/);
});
