// Builds the real Linux 6.1 from Debian's tarball: slow (about 5 minutes cold on 2 cores), so it only runs
// with TESTLAB_BUILDER_REAL=1. TESTLAB_BUILDER_CACHE keeps the cache folder between runs (else a temp one).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { StageError, type ConfigFragment } from '@testlab/core';
import { TarballSource } from '@testlab/kernel-sources';
import { createKernelBuilder } from '../src/index.js';
import { recordingObserver } from './fixtures.js';

const TARBALL = '/usr/src/linux-source-6.1.tar.xz';
const skip = process.env.TESTLAB_BUILDER_REAL === '1' ? false : `set TESTLAB_BUILDER_REAL=1 to build Linux 6.1 from ${TARBALL} (about 5 min cold)`;

// The fragment verified in virtual-lab.md, split the way the pipeline passes it (lab base + test set), plus
// SHMEM: on 6.1 tinyconfig (EXPERT=y, SHMEM=n) TMPFS depends on it, and without it TMPFS silently stays out
// of the .config (the hand build of virtual-lab.md had no TMPFS either); the builder's check refuses that.
const lab: ConfigFragment = {
  origin: 'lab',
  text: ['64BIT', 'SHMEM', 'PRINTK', 'TTY', 'SERIAL_8250', 'SERIAL_8250_CONSOLE', 'BLK_DEV_INITRD', 'RD_GZIP', 'BINFMT_ELF', 'BINFMT_SCRIPT', 'DEVTMPFS',
    'DEVTMPFS_MOUNT', 'PROC_FS', 'SYSFS', 'TMPFS', 'NET', 'INET', 'PACKET', 'UNIX', 'PCI', 'VIRTIO_MENU', 'VIRTIO', 'VIRTIO_PCI', 'NETDEVICES',
    'NET_CORE', 'VIRTIO_NET', 'FUTEX', 'EPOLL', 'MULTIUSER', 'POSIX_TIMERS', 'UNIX98_PTYS', 'HYPERVISOR_GUEST', 'PARAVIRT', 'KVM_GUEST', 'FILE_LOCKING',
  ].map((o) => `CONFIG_${o}=y`).join('\n'),
};
const testset: ConfigFragment = {
  origin: 'testset phase2-host',
  text: ['IPV6', 'IPV6_ROUTER_PREF', 'IPV6_MULTIPLE_TABLES', 'XFRM_USER', 'INET6_ESP', 'INET6_AH'].map((o) => `CONFIG_${o}=y`).join('\n'),
};

let cacheDir: string | undefined;
async function cache(): Promise<string> {
  cacheDir ??= process.env.TESTLAB_BUILDER_CACHE ?? (await mkdtemp(path.join(tmpdir(), 'builder-real-')));
  return cacheDir;
}
after(async () => {
  if (cacheDir && !process.env.TESTLAB_BUILDER_CACHE) await rm(cacheDir, { recursive: true, force: true });
});

test('builds Linux 6.1 tinyconfig + NUT fragment, then serves it from the cache', { skip }, async (t) => {
  const builder = createKernelBuilder({ cacheDir: await cache() });
  const request = { source: new TarballSource(TARBALL), baseConfig: 'tinyconfig' as const, fragments: [lab, testset] };

  let started = Date.now();
  const first = await builder.build(request, timedObserver(t));
  const coldMs = Date.now() - started;
  t.diagnostic(`first build: ${(coldMs / 1000).toFixed(1)} s, stages ${JSON.stringify(first.stages)}, release ${first.kernelRelease}`);
  assert.match(first.kernelRelease, /^6\.1\./);
  assert.match(first.kernelVersion, /^6\.1\.[0-9]+$/);
  assert.ok((await stat(first.artifacts.bzImage)).size > 500_000, 'bzImage is a kernel-sized file');

  started = Date.now();
  const second = await builder.build({ ...request, source: new TarballSource(TARBALL) }, timedObserver(t));
  const cachedMs = Date.now() - started;
  t.diagnostic(`cached rebuild: ${(cachedMs / 1000).toFixed(1)} s`);
  console.log(`real build: first ${(coldMs / 1000).toFixed(1)} s (${first.fromCache ? 'from cache' : 'compiled'}), second ${(cachedMs / 1000).toFixed(1)} s`);
  assert.equal(second.fromCache, true);
  assert.deepEqual(second.stages, { unpack: 'cached', configure: 'cached', build: 'cached' });
  assert.equal(second.cacheKey, first.cacheKey);
});

test('an option that cannot be set on 6.1 tinyconfig fails configure, naming it', { skip }, async () => {
  const builder = createKernelBuilder({ cacheDir: await cache() });
  const broken: ConfigFragment = { origin: 'testset broken', text: 'CONFIG_DOES_NOT_EXIST_TESTLAB=y\nCONFIG_KVM=y\n' };
  await assert.rejects(builder.build({ source: new TarballSource(TARBALL), baseConfig: 'tinyconfig', fragments: [lab, broken] }, recordingObserver()), (e: unknown) => {
    assert.ok(e instanceof StageError, String(e));
    assert.equal(e.stage, 'configure');
    assert.match(e.message, /CONFIG_DOES_NOT_EXIST_TESTLAB \(requested y, got absent, from testset broken\)/);
    assert.match(e.message, /CONFIG_KVM \(requested y, got absent, from testset broken\)/);
    return true;
  });
});

/** Prints each stage's duration and outcome as a test diagnostic. */
function timedObserver(t: { diagnostic(message: string): void }) {
  const since = new Map<string, number>();
  return {
    stageStarted(stage: string) {
      since.set(stage, Date.now());
      return { step: () => undefined, fraction: () => undefined };
    },
    stageFinished(stage: string, how: string) {
      t.diagnostic(`${stage}: ${how} in ${((Date.now() - (since.get(stage) ?? Date.now())) / 1000).toFixed(1)} s`);
    },
  };
}
