// SIGTERM: labd stops leasing; a run that cannot finish within the grace period has its lease released
// (queued again, the attempt not counted) and labd exits 0; the next start runs it to the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSqliteJobQueue, openSqliteStore } from '@testlab/store-sqlite';
import { cachedKernel, LabdProcess, SMOKE_CASES, writeLabConfig, removeLab } from './lab-fixture.js';

const skip = cachedKernel() ? false : 'no cached Linux 6.1 build, linux-source tarball or NUT image (run the CLI e2e tests first)';

test('SIGTERM mid-run releases the lease after the grace period; the next start finishes the job', { skip, timeout: 600_000 }, async (t) => {
  const { home, file } = await writeLabConfig([{}], { graceSeconds: 1 });
  const db = path.join(home, 'lab.db');
  try {
    const labd = new LabdProcess(file, [], t.signal);
    const started = await labd.waitFor((l) => l.msg === 'run started', 'run started');
    // Wait for the boot to be under way (polling the database; nothing is timed).
    for (;;) {
      const store = openSqliteStore(db);
      const running = (await store.listRuns()).find((r) => r.status === 'running');
      const booting = running !== undefined && (await store.stagesOf(running.id)).some((s) => s.stage === 'boot');
      await store.close();
      if (booting) break;
      await sleep(100);
    }
    labd.child.kill('SIGTERM');
    const ended = await labd.exited;
    assert.deepEqual(ended, { code: 0, signal: null });
    const released = labd.lines.find((l) => l.msg === 'grace period over: leases released, jobs queued again');
    assert.deepEqual(released?.released, [started.job]);

    const queue = openSqliteJobQueue(db);
    const job = await queue.get(started.job as number);
    assert.equal(job?.status, 'queued');
    assert.equal(job?.attempts, 0, 'a released attempt is not counted');
    await queue.close();
    // The VM of the interrupted run ended with labd (its own child): no QEMU process is left.
    for (const name of (await readdir(path.join(home, 'nut', 'vms')).catch(() => [] as string[])).filter((n) => n.endsWith('.json'))) {
      const record = JSON.parse(await readFile(path.join(home, 'nut', 'vms', name), 'utf8')) as { qemu: { pid: number } };
      assert.equal(await readFile(`/proc/${record.qemu.pid}/cmdline`, 'utf8').then((c) => c.includes('qemu'), () => false), false, `QEMU ${record.qemu.pid} still runs`);
    }

    const again = new LabdProcess(file, ['--once'], t.signal);
    assert.equal((await again.exited).code, 0);
    const q2 = openSqliteJobQueue(db);
    const store = openSqliteStore(db);
    const done = await q2.get(started.job as number);
    assert.equal(done?.status, 'done');
    assert.deepEqual((await store.resultsOf(done!.result!.runId as number)).map((r) => r.caseId), SMOKE_CASES);
    await q2.close();
    await store.close();
  } finally {
    await removeLab(home);
  }
});
