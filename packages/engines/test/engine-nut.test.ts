// labd's pool NUT boots each run's engine image: inside runWithEngineNut the run's image and memory, outside
// (the known-good check) the lab's small image; two runs at once on two NUTs never see each other's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BootedNut, BootRequest, NutDriver } from '@testlab/core';
import { engineNutDriver, runWithEngineNut, type EngineNut } from '../src/engine-nut.js';

const request: BootRequest = { kernel: { bzImage: '/k/bzImage', kernelRelease: '6.1.0' }, links: 1, consoleLog: '/tmp/console.log' };
const quiet = { step() {}, fraction() {} };

/** Fake drivers that record which image each boot used; the booted NUT carries it as its name. */
function recording() {
  const created: EngineNut[] = [];
  const reaped: string[] = [];
  const create = (nut: EngineNut): NutDriver => {
    created.push(nut);
    return {
      kind: 'qemu',
      reapStale: async () => (reaped.push(nut.baseInitramfs), 0),
      boot: async () => {
        await sleep(5); // a boot takes time: runs interleave
        return { name: `${nut.baseInitramfs}@${nut.memoryMiB ?? 'default'}` } as BootedNut;
      },
    };
  };
  return { created, reaped, create };
}

test('a boot outside any run uses the lab image; inside a run, that run engine image and memory', async () => {
  const r = recording();
  const driver = engineNutDriver({ baseInitramfs: '/small.gz' }, r.create);
  assert.equal(driver.kind, 'qemu');
  assert.equal((await driver.boot(request, quiet)).name, '/small.gz@default');
  const inRun = await runWithEngineNut({ baseInitramfs: '/selftests.gz', memoryMiB: 1024 }, () => driver.boot(request, quiet));
  assert.equal(inRun.name, '/selftests.gz@1024');
  // After the run, the known-good check boots the small image again.
  assert.equal((await driver.boot(request, quiet)).name, '/small.gz@default');
  // One real driver per image: its keys are read once, not per boot.
  await runWithEngineNut({ baseInitramfs: '/selftests.gz', memoryMiB: 1024 }, () => driver.boot(request, quiet));
  assert.equal(r.created.length, 2);
});

test('two runs at once on two NUTs each boot their own image', async () => {
  const r = recording();
  const a = engineNutDriver({ baseInitramfs: '/small.gz' }, r.create);
  const b = engineNutDriver({ baseInitramfs: '/small.gz' }, r.create);
  const [x, y] = await Promise.all([
    runWithEngineNut({ baseInitramfs: '/selftests.gz', memoryMiB: 1024 }, async () => [await a.boot(request, quiet), await a.boot(request, quiet)]),
    runWithEngineNut({ baseInitramfs: '/small.gz' }, async () => [await b.boot(request, quiet), await b.boot(request, quiet)]),
  ]);
  assert.deepEqual(x.map((n) => n.name), ['/selftests.gz@1024', '/selftests.gz@1024']);
  assert.deepEqual(y.map((n) => n.name), ['/small.gz@default', '/small.gz@default']);
});

test('reaping stale VMs goes through the lab image driver once', async () => {
  const r = recording();
  const driver = engineNutDriver({ baseInitramfs: '/small.gz' }, r.create);
  await driver.reapStale();
  assert.deepEqual(r.reaped, ['/small.gz']);
});
