// A kernel that panics at boot, on a real QEMU NUT under the real daemon: classified as the kernel's boot
// failure (not retried), its console log kept, the NUT brought back to its known-good kernel, and the next
// job runs to the end with all its results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { openSqliteJobQueue, openSqliteStore } from '@testlab/store-sqlite';
import { cachedKernel, LabdProcess, SMOKE_CASES, writeLabConfig, removeLab } from './lab-fixture.js';

const skip = cachedKernel() ? false : 'no cached Linux 6.1 build, linux-source tarball or NUT image (run the CLI e2e tests first)';

test('a kernel panicking at boot is the kernel\'s boot failure; the NUT recovers and the next job runs', { skip, timeout: 600_000 }, async (t) => {
  const { home, file } = await writeLabConfig([{ extraCmdline: ['rdinit=/nonexistent', 'init=/nonexistent'] }, {}]);
  try {
    const labd = new LabdProcess(file, ['--once'], t.signal);
    const ended = await labd.exited;
    assert.equal(ended.code, 0, `labd --once exit: ${JSON.stringify(ended)}\n${labd.lines.slice(-10).map((l) => JSON.stringify(l)).join('\n')}`);

    const queue = openSqliteJobQueue(path.join(home, 'lab.db'));
    const store = openSqliteStore(path.join(home, 'lab.db'));
    try {
      const runs = (await queue.list()).filter((j) => j.kind === 'run');
      assert.equal(runs.length, 2);
      const [panicked, next] = runs;
      assert.equal(panicked!.status, 'failed');
      assert.equal(panicked!.failureOwner, 'kernel');
      assert.equal(panicked!.attempts, 1, 'the kernel\'s failure is not retried');
      assert.match(panicked!.error ?? '', /^boot-failure: .*Kernel panic - not syncing/);
      const failedRun = await store.getRun(panicked!.progress.runId as number);
      assert.equal(failedRun?.status, 'failed');
      assert.equal(failedRun?.failedStage, 'boot');
      const consoleLog = (await store.artifactsOf(failedRun!.id)).find((a) => a.kind === 'console-log');
      assert.ok(consoleLog, 'the console log is an artifact of the failed run');
      assert.match(await readFile(consoleLog.path, 'utf8'), /Kernel panic - not syncing/);

      // Recovery: right after the failed run the NUT was brought back and checked on its known-good kernel.
      const endedAt = labd.lines.findIndex((l) => l.msg === 'run ended' && l.job === panicked!.id);
      const recovered = labd.lines.slice(endedAt).find((l) => l.msg === 'recovered');
      assert.ok(recovered, 'recovered after the panic');
      process.stdout.write(`# recovery after the panic (known-good boot + uname -r check): ${recovered.recoveryMs} ms\n`);

      assert.equal(next!.status, 'done', next!.error ?? '');
      const run = await store.getRun(next!.result!.runId as number);
      assert.equal(run?.status, 'done');
      assert.deepEqual((await store.resultsOf(run!.id)).map((r) => r.caseId), SMOKE_CASES, 'every case of the set, once');
      const lastRestore = labd.lines.filter((l) => l.msg === 'NUT is back on its known-good kernel').at(-1);
      assert.ok(lastRestore && labd.lines.indexOf(lastRestore) > labd.lines.findIndex((l) => l.msg === 'run ended' && l.job === next!.id),
        'after the last set the NUT went back to its known-good kernel');
    } finally {
      await queue.close();
      await store.close();
    }
  } finally {
    await removeLab(home);
  }
});
