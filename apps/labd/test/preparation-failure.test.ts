// A run whose engine cannot be prepared (here: the kselftest root fs removed after labd started) is a
// failed run at its build stage, with the reason and a log, classified as the lab's failure: not a job
// that is only logged and retried in silence when its lease runs out. No NUT is booted for it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseKernelVersion, type NutDriver } from '@testlab/core';
import { parseLabConfig } from '@testlab/lab-config';
import { classifyFailure } from '@testlab/scheduler';
import { stringify } from 'yaml';
import { openLab } from '../src/lab.js';
import { repoRoot } from './lab-fixture.js';

test('an engine that cannot be prepared fails its run at the build stage, with the reason, booting nothing', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'testlab-labd-prep-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const rootfs = path.join(dir, 'rootfs.cpio.gz');
  writeFileSync(rootfs, '');
  const config = parseLabConfig(stringify({
    home: path.join(dir, 'home'), cache: path.join(dir, 'cache'), nutImage: path.join(dir, 'initramfs.gz'), nutRootfs: rootfs,
    testsets: { dir: path.join(repoRoot, 'testsets'), run: ['kselftest-net-ipv6'] },
    profiles: { qemu: { baseConfig: 'tinyconfig', labFragment: path.join(repoRoot, 'infra/kernel/qemu-nut.config') } },
    nuts: [{ name: 'vm-1', driver: 'qemu', profile: 'qemu', modes: ['host'], knownGood: { bzImage: '/k/bzImage', kernelRelease: '6.1.0' } }],
  }), 'labd.yaml');
  const lab = await openLab(config);
  t.after(() => lab.close());
  rmSync(rootfs);

  const neverBooted: NutDriver = { kind: 'qemu', boot: async () => assert.fail('no NUT is booted for a run that cannot start'), reapStale: async () => 0 };
  const stages: string[] = [];
  let started: number | undefined;
  const outcome = await lab.runTestSet({
    payload: { version: parseKernelVersion('6.1.192'), source: { spec: '/usr/src/linux-source-6.1.tar.xz' }, profile: 'qemu', testset: 'kselftest-net-ipv6', mode: 'host', extraCmdline: [] },
    nutDriver: neverBooted,
    reporter: {
      runStarted: (runId) => void (started = runId),
      stageStarted: () => ({ step() {}, fraction() {} }),
      stageFinished: (stage, how) => void stages.push(`${stage} ${how}`),
      caseFinished: () => undefined,
    },
  });
  assert.equal(outcome.status, 'failed');
  assert.equal(started, outcome.runId, 'the job learns its run, as for any run');
  assert.ok(outcome.status === 'failed' && outcome.stage === 'build');
  assert.match(outcome.error, /preparing the test set's engine failed: .*rootfs\.cpio\.gz does not exist/);
  assert.deepEqual(stages, ['build failed']);

  const run = await lab.store.getRun(outcome.runId);
  assert.equal(run?.status, 'failed');
  assert.equal(run?.failedStage, 'build');
  const [log] = await lab.store.artifactsOf(outcome.runId);
  assert.match(await readFile(log!.path, 'utf8'), /rootfs\.cpio\.gz does not exist/);
  // The scheduler's reading: the lab's failure, worth one retry, not a verdict on the kernel.
  assert.equal(classifyFailure({ stage: 'build', error: outcome.error }).owner, 'lab');
});
