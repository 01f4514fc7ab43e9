// A NUT that hangs in the middle of a test set (its QEMU frozen with SIGSTOP: no console, no SSH, no frames,
// as a kernel stuck with interrupts off): the case watchdog powers it off, the run is the kernel's hang,
// the NUT is restarted into its known-good kernel, and the next job runs to the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSqliteJobQueue, openSqliteStore } from '@testlab/store-sqlite';
import { cachedKernel, LabdProcess, SMOKE_CASES, writeLabConfig, removeLab } from './lab-fixture.js';

const skip = cachedKernel() ? false : 'no cached Linux 6.1 build, linux-source tarball or NUT image (run the CLI e2e tests first)';

test('a NUT hung mid-set is powered off by the watchdog, classified as the kernel\'s hang, and recovered', { skip, timeout: 600_000 }, async (t) => {
  const { home, file } = await writeLabConfig([{}, { extraCmdline: ['quiet'] }], { caseDeadlineSeconds: 20 });
  const db = path.join(home, 'lab.db');
  const labd = new LabdProcess(file, [], t.signal);
  try {
    const started = await labd.waitFor((l) => l.msg === 'run started', 'run started');
    // Wait (polling the database) until the set is running, then freeze the VM.
    for (;;) {
      const store = openSqliteStore(db);
      const running = (await store.listRuns()).find((r) => r.status === 'running');
      const testing = running !== undefined && (await store.stagesOf(running.id)).some((s) => s.stage === 'test' && s.status === 'running');
      await store.close();
      if (testing) break;
      await sleep(100);
    }
    // The run's VMs (the pipeline may boot several NUTs of the kernel for the suite): freeze them all.
    const records = (await readdir(path.join(home, 'nut', 'vms'))).filter((n) => n.endsWith('.json'));
    assert.ok(records.length >= 1, 'the run has a VM');
    const qemuPids: number[] = [];
    for (const r of records) qemuPids.push((JSON.parse(await readFile(path.join(home, 'nut', 'vms', r), 'utf8')) as { qemu: { pid: number } }).qemu.pid);
    for (const pid of qemuPids) process.kill(pid, 'SIGSTOP');
    const frozenAt = Date.now();

    const ended = await labd.waitFor((l) => l.msg === 'run ended' && l.job === started.job, 'the hung run ended');
    assert.equal(ended.owner, 'kernel');
    assert.match(String(ended.why), /^hang: no case finished within 20 s: the NUT is hung/);
    const recovered = await labd.waitFor((l) => l.msg === 'recovered' && labd.lines.indexOf(l) > labd.lines.indexOf(ended), 'recovered');
    process.stdout.write(`# hang: frozen -> recovered on known-good ${Date.now() - frozenAt} ms (watchdog deadline 20 s; restore ${recovered.recoveryMs} ms)\n`);
    for (const pid of qemuPids) {
      assert.equal(await readFile(`/proc/${pid}/cmdline`, 'utf8').then((c) => c.includes('qemu'), () => false), false, `the frozen QEMU ${pid} was ended`);
    }

    const next = await labd.waitFor((l) => l.msg === 'run ended' && l.job !== started.job, 'the next job ended');
    assert.equal(next.status, 'done');
    labd.child.kill('SIGTERM');
    assert.equal((await labd.exited).code, 0);

    const queue = openSqliteJobQueue(db);
    const store = openSqliteStore(db);
    const hung = await queue.get(started.job as number);
    assert.equal(hung?.status, 'failed');
    assert.equal(hung?.failureOwner, 'kernel');
    assert.equal(hung?.attempts, 1);
    const nextJob = await queue.get(next.job as number);
    assert.deepEqual((await store.resultsOf(nextJob!.result!.runId as number)).map((r) => r.caseId), SMOKE_CASES);
    await queue.close();
    await store.close();
  } finally {
    if (labd.child.exitCode === null) await labd.kill9();
    await removeLab(home);
  }
});
