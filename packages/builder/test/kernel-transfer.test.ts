// A kernel cache entry moving between hosts: listed for upload (meta.json last), put in place on another
// host from fetched files only when they make a whole entry, then handed to a run with every stage cached.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cachedKernel, installKernelEntry, kernelEntryFiles } from '../src/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'testlab-kernel-transfer-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const key = 'ab'.repeat(32);

async function entryOn(cache: string): Promise<string> {
  const d = path.join(cache, 'kernels', key);
  await mkdir(d, { recursive: true });
  for (const f of ['bzImage', 'System.map', '.config', 'build.log']) await writeFile(path.join(d, f), `${f} of ${key}\n`);
  await writeFile(path.join(d, 'meta.json'), JSON.stringify({ kernelVersion: '6.1.0', kernelRelease: '6.1.0-testlab', sourceHash: 'sha256:' + 'c'.repeat(64), sourceLabel: 'linux-6.1', cacheKey: key, inputKey: 'i', builtAt: 'now', modules: false }));
  return d;
}

test('host A lists its entry (meta.json last); host B installs it from the files and boots it as a cached build', async () => {
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  const entry = await entryOn(a);
  const files = await kernelEntryFiles(a, key);
  assert.deepEqual(files?.map((f) => f.name), ['.config', 'System.map', 'build.log', 'bzImage', 'meta.json']);
  assert.equal(await kernelEntryFiles(b, key), undefined);
  assert.equal(await cachedKernel(b, key), undefined);
  const built = await installKernelEntry(b, key, async (tmp) => {
    for (const f of files!) await copyFile(f.path, path.join(tmp, f.name));
  });
  assert.deepEqual({ ...built, artifacts: undefined }, {
    sourceHash: 'sha256:' + 'c'.repeat(64), sourceLabel: 'linux-6.1', cacheKey: key, kernelVersion: '6.1.0', kernelRelease: '6.1.0-testlab',
    artifacts: undefined, fromCache: true, stages: { unpack: 'cached', configure: 'cached', build: 'cached' },
  });
  assert.equal(built.artifacts.bzImage, path.join(b, 'kernels', key, 'bzImage'));
  assert.deepEqual(await cachedKernel(b, key), built);
  void entry;
});

test('files that do not make a whole entry are refused and leave nothing in the cache', async () => {
  const c = path.join(dir, 'c');
  await assert.rejects(installKernelEntry(c, key, async (tmp) => {
    await writeFile(path.join(tmp, 'bzImage'), 'only this');
  }), /do not make a whole cache entry/);
  assert.equal(existsSync(path.join(c, 'kernels', key)), false);
  assert.deepEqual(readdirSync(path.join(c, 'kernels')), [], 'no temp folder left');
  await assert.rejects(installKernelEntry(c, '../../etc', async () => undefined), /not a kernel cache key/);
});
