// kill -9 of the real daemon at several points of real work (building, booting a QEMU NUT, in the middle
// of a test set), each followed by a restart: in the end every job is done once, every run job has exactly
// one completed run with each of its results exactly once, the build was shared, and no VM is left over.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSqliteJobQueue, openSqliteStore } from '@testlab/store-sqlite';
import { cachedKernel, LabdProcess, SMOKE_CASES, writeLabConfig, removeLab } from './lab-fixture.js';

const skip = cachedKernel() ? false : 'no cached Linux 6.1 build, linux-source tarball or NUT image (run the CLI e2e tests first)';

test('kill -9 while building, booting and testing; each restart resumes without losing or duplicating anything', { skip, timeout: 900_000 }, async (t) => {
  // Three runs of one kernel (harmless extra command-line words make them distinct jobs) share one build.
  const { home, file } = await writeLabConfig([{}, { extraCmdline: ['quiet'] }, { extraCmdline: ['loglevel=4'] }]);
  const db = path.join(home, 'lab.db');
  const report: string[] = [];
  /** Waits (polling the database as a second reader, no timing asserted) until `ready` says so. */
  const untilDb = async (ready: (s: { stages: { stage: string; status: string }[]; runs: number }) => boolean) => {
    for (;;) {
      const store = openSqliteStore(db);
      try {
        const runs = await store.listRuns();
        const running = runs.find((r) => r.status === 'running');
        const stages = running ? await store.stagesOf(running.id) : [];
        if (ready({ stages, runs: runs.length })) return;
      } finally {
        await store.close();
      }
      await sleep(100);
    }
  };
  const snapshot = async (label: string) => {
    const queue = openSqliteJobQueue(db);
    try {
      report.push(`${label}: ${(await queue.list()).map((j) => `${j.kind}#${j.id}=${j.status}`).join(' ')}`);
    } finally {
      await queue.close();
    }
  };
  try {
    // 1. Killed while the build job holds its lease.
    let labd = new LabdProcess(file, [], t.signal);
    await labd.waitFor((l) => l.msg === 'build started', 'build started');
    await labd.kill9();
    await snapshot('killed while building');

    // 2. Restarted: the dead process's build is taken back at once; killed while a NUT boots.
    let restartedAt = Date.now();
    labd = new LabdProcess(file, [], t.signal);
    await labd.waitFor((l) => l.msg === 'took back jobs leased by a lab process that is gone', 'reclaim');
    await labd.waitFor((l) => l.msg === 'run started', 'run started');
    report.push(`restart -> first run started: ${Date.now() - restartedAt} ms`);
    await untilDb(({ stages }) => stages.some((s) => s.stage === 'boot' && s.status === 'running'));
    await labd.kill9();
    await snapshot('killed while booting');

    // 3. Restarted; killed in the middle of the test set (the test stage is running).
    restartedAt = Date.now();
    labd = new LabdProcess(file, [], t.signal);
    await labd.waitFor((l) => l.msg === 'run started', 'run started');
    report.push(`restart -> run started again: ${Date.now() - restartedAt} ms`);
    await untilDb(({ stages }) => stages.some((s) => s.stage === 'test' && s.status === 'running'));
    await labd.kill9();
    await snapshot('killed while testing');

    // 4. Restarted to the end.
    labd = new LabdProcess(file, ['--once'], t.signal);
    const ended = await labd.exited;
    assert.equal(ended.code, 0, labd.lines.slice(-10).map((l) => JSON.stringify(l)).join('\n'));

    const queue = openSqliteJobQueue(db);
    const store = openSqliteStore(db);
    try {
      const jobs = await queue.list();
      assert.deepEqual(jobs.map((j) => [j.kind, j.status]), [['build', 'done'], ['run', 'done'], ['run', 'done'], ['run', 'done']], JSON.stringify(jobs.map((j) => [j.key, j.status, j.error])));
      const runIds = jobs.filter((j) => j.kind === 'run').map((j) => j.result!.runId as number);
      assert.equal(new Set(runIds).size, 3, 'each run job has its own run');
      const runs = await store.listRuns({ limit: 1000 });
      const done = runs.filter((r) => r.status === 'done');
      assert.deepEqual(done.map((r) => r.id).sort(), [...runIds].sort(), 'exactly one completed run per run job, no other');
      for (const id of runIds) {
        assert.deepEqual((await store.resultsOf(id)).map((r) => r.caseId), SMOKE_CASES, `run ${id}: every result exactly once`);
      }
      const unfinished = runs.filter((r) => r.status === 'unfinished');
      assert.ok(unfinished.every((r) => !runIds.includes(r.id)));
      assert.equal(runs.filter((r) => r.status === 'running').length, 0);
      report.push(`runs: ${done.length} done, ${unfinished.length} unfinished (the killed attempts, kept as evidence)`);
      const vms = await readdir(path.join(home, 'nut', 'vms')).catch(() => []);
      assert.deepEqual(vms, [], 'no VM record (and so no QEMU) left behind');
    } finally {
      await queue.close();
      await store.close();
    }
    process.stdout.write(report.map((r) => `# ${r}\n`).join(''));
  } finally {
    await removeLab(home);
  }
});
