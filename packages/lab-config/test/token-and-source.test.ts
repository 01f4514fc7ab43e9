// The API token file (refused when others can read it) and the version a triggered source is planned as.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseKernelVersion } from '@testlab/core';
import { kernelVersionFromSource, readTokenFile, TokenFileError } from '../src/index.js';

test('a token file is read only when its owner alone can read it, and only a long one-word token', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'testlab-token-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'token');
  const token = 'a'.repeat(20) + 'b'.repeat(20);
  await writeFile(file, `${token}\n`, { mode: 0o600 });
  assert.equal(await readTokenFile(file), token);
  await chmod(file, 0o640);
  await assert.rejects(readTokenFile(file), (e: unknown) => e instanceof TokenFileError && /readable by group or others \(mode 640\)/.test(e.message));
  await chmod(file, 0o604);
  await assert.rejects(readTokenFile(file), /mode 604/);
  await writeFile(path.join(dir, 'short'), 'short\n', { mode: 0o600 });
  await assert.rejects(readTokenFile(path.join(dir, 'short')), /at least 32 characters/);
  await assert.rejects(readTokenFile(path.join(dir, 'missing')), /cannot read/);
});

test('the planned version comes from a release ref, else the tarball name; none when neither says', () => {
  assert.deepEqual(kernelVersionFromSource('/usr/src/linux-source-6.1.tar.xz'), parseKernelVersion('6.1'));
  assert.deepEqual(kernelVersionFromSource('https://cdn.kernel.org/pub/linux/kernel/v6.x/linux-6.1.192.tar.xz'), parseKernelVersion('6.1.192'));
  assert.deepEqual(kernelVersionFromSource('https://git.kernel.org/torvalds/linux.git', 'v6.13-rc1'), parseKernelVersion('6.13-rc1'));
  assert.deepEqual(kernelVersionFromSource('/srv/linux', 'v6.13-rc1-12-gabcdef0'), parseKernelVersion('v6.13-rc1-12-gabcdef0'));
  assert.deepEqual(kernelVersionFromSource('/srv/linux', '6.12.3'), parseKernelVersion('6.12.3'), 'a ref that is a version as written');
  assert.equal(kernelVersionFromSource('/srv/linux', 'master'), undefined);
  assert.equal(kernelVersionFromSource('/srv/kernel.tar.xz'), undefined);
  assert.equal(kernelVersionFromSource('/srv/linux-6.1;rm.tar.xz'), undefined);
});
