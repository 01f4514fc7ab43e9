// labd runs a kselftest test set on its own engine, nothing mocked: the run job prepares the kernel's net
// selftests from the tree under test (cached per kernel), boots the QEMU NUT from the Debian root fs with
// them in 1 GiB (the NUT is configured with 128 MiB, too small for that image: the engine's memory wins),
// stores each program's results, and the NUT goes back to its known-good kernel on the lab's small image.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { defaultRootfsImage } from '@testlab/engine-kselftest';
import { openSqliteJobQueue, openSqliteStore } from '@testlab/store-sqlite';
import { cacheDir, cachedKernel, kernelTarball, LabdProcess, nutImage, removeLab, repoRoot } from './lab-fixture.js';

const rootfs = process.env.TESTLAB_NUT_ROOTFS ?? defaultRootfsImage(cacheDir);
const skip = !cachedKernel()
  ? 'no cached Linux 6.1 build, linux-source tarball or NUT image (run the CLI e2e tests first)'
  : !existsSync(rootfs) && `no NUT root fs ${rootfs} (bash infra/nut-rootfs/build.sh)`;

const SET = 'labd-kselftest';
// Two quick programs of kselftest-net-ipv6, with its kernel fragment: the same kernel as `testlab run`'s.
const TESTS = ['ipv6_flowlabel.sh', 'icmp.sh'];

async function writeConfig(): Promise<{ home: string; file: string }> {
  const kernel = cachedKernel()!;
  const home = await mkdtemp(path.join(os.tmpdir(), 'testlab-labd-kselftest-'));
  const testsets = path.join(home, 'testsets');
  await mkdir(testsets);
  await copyFile(path.join(repoRoot, 'testsets/kselftest-net-ipv6.config'), path.join(testsets, 'kselftest-net-ipv6.config'));
  await writeFile(path.join(testsets, `${SET}.yaml`), stringify({
    name: SET, title: 'Two kernel net selftests', mode: 'host', engine: 'kselftest', links: 1, kernelConfig: 'kselftest-net-ipv6.config',
    kselftest: { timeoutS: 300, tests: TESTS },
  }));
  const config = {
    home, cache: cacheDir, nutImage, nutRootfs: rootfs,
    testsets: { dir: testsets, run: [SET] },
    queue: { leaseSeconds: 600, retryBackoffSeconds: 1, idlePollSeconds: 2 },
    watchdog: { bootDeadlineSeconds: 180, caseDeadlineSeconds: 600 },
    profiles: { qemu: { baseConfig: 'tinyconfig', labFragment: path.join(repoRoot, 'infra/kernel/qemu-nut.config') } },
    nuts: [{ name: 'vm-1', driver: 'qemu', profile: 'qemu', modes: ['host'], memoryMiB: 128, knownGood: { bzImage: kernel.bzImage, kernelRelease: kernel.kernelRelease } }],
    kernels: [{ version: kernel.kernelVersion, source: kernelTarball }],
  };
  const file = path.join(home, 'labd.yaml');
  await writeFile(file, stringify(config));
  return { home, file };
}

test('a kselftest set queued in labd runs on the kselftest engine and stores each program\'s results', { skip, timeout: 60 * 60_000 }, async (t) => {
  const { home, file } = await writeConfig();
  try {
    const labd = new LabdProcess(file, ['--once'], t.signal);
    const ended = await labd.exited;
    const tail = labd.lines.slice(-12).map((l) => JSON.stringify(l)).join('\n');
    assert.equal(ended.code, 0, `labd --once exit: ${JSON.stringify(ended)}\n${tail}`);

    const queue = openSqliteJobQueue(path.join(home, 'lab.db'));
    const store = openSqliteStore(path.join(home, 'lab.db'));
    try {
      const [job, ...others] = (await queue.list()).filter((j) => j.kind === 'run');
      assert.equal(others.length, 0);
      assert.equal(job!.status, 'done', `${job!.error ?? ''}\n${tail}`);
      const run = await store.getRun(job!.result!.runId as number);
      assert.equal(run?.status, 'done');
      assert.equal(run?.testset, SET);
      // The engine's preparation was logged under the build stage; the pipeline's build was then a cache hit.
      assert.ok(labd.lines.some((l) => l.stage === 'build' && /^kselftest: selftests: /.test(l.msg)), 'selftests prepared by the run job');
      assert.equal((await store.stagesOf(run!.id)).find((s) => s.stage === 'build')?.status, 'cached');
      const results = await store.resultsOf(run!.id);
      for (const t of TESTS) {
        const result = results.find((r) => r.caseId === `net/${t}`);
        assert.ok(result, `net/${t} has a result: ${results.map((r) => r.caseId).join(', ')}`);
        // On the builtin engine's small image (or without the selftests) the programs would be missing.
        assert.doesNotMatch(result.reason, /not installed on the NUT|lost the NUT/);
      }
      assert.equal(results.find((r) => r.caseId === 'net/ipv6_flowlabel.sh')?.verdict, 'PASS');
      // After the set, the known-good check booted again, outside any run: the small image in 128 MiB.
      const endedAt = labd.lines.findIndex((l) => l.msg === 'run ended');
      assert.ok(labd.lines.slice(endedAt).some((l) => l.msg === 'NUT is back on its known-good kernel'), 'known-good after the run');
    } finally {
      await queue.close();
      await store.close();
    }
  } finally {
    await removeLab(home);
  }
});
