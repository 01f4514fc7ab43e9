// kill -9 of a labd worker in the middle of a bisection step: the next worker on the host takes the job back at
// once (its holder is provably dead), resumes the bisection at the step it was at, runs only the attempts that
// step still owes, loses no recorded attempt, and proves the same culprit. Real SQLite lab, queue, worker and
// bisection in two processes; git, builder, engine and NUT are bisect-fakes.ts's stand-ins.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JOB_PRIORITY } from '@testlab/core';
import { isProcessAlive, LabWorker } from '@testlab/scheduler';
import { openSqliteStores } from '@testlab/store-sqlite';
import { labBisectJob } from '../src/lab-bisect.js';
import { CASE, commits, engineRuns, fakeBuilder, fakeGit, fakeNutDriver, phase2HostFake, preparer, TREE } from './bisect-fakes.js';

const dir = mkdtempSync(path.join(tmpdir(), 'testlab-bisect-kill9-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bisect-child.js');

test('killed with SIGKILL during the rerun of a step, labd resumes at that step and runs no attempt twice', async () => {
  const db = path.join(dir, 'lab.db');
  const stores = await openSqliteStores(db);
  const { bisection } = await stores.bisections.create({
    tree: TREE, good: { commit: commits[0]!, runId: null }, bad: { commit: commits[8]!, runId: null }, testset: 'phase2-host', profile: 'qemu',
    cases: [CASE], confirmRuns: 2, maxSteps: 10, requestedBy: 'auto',
  });
  await stores.queue.enqueue({ kind: 'bisect', key: `bisect:${bisection.id}`, priority: JOB_PRIORITY.bisect, payload: { bisectionId: bisection.id }, group: `bisect:${bisection.id}`, requires: { profile: 'qemu', mode: 'host' } });

  // The first search step tests c4; its second attempt is a rerun (the engine's second run of c4): killed there.
  const marker = path.join(dir, 'hung');
  const proc = spawn(process.execPath, [child, db, dir, commits[4]!, '2', marker], { stdio: ['ignore', 'inherit', 'inherit'] });
  const deadline = Date.now() + 60_000;
  while (!existsSync(marker)) {
    assert.ok(Date.now() < deadline, 'the worker never reached the rerun');
    await new Promise((r) => setTimeout(r, 25));
  }
  const before = await stores.bisections.steps(bisection.id);
  assert.deepEqual(before.map((s) => [s.n, s.commit, s.outcome, s.attempts.length]), [[1, commits[4], null, 1]], 'one attempt recorded, the second under way');
  proc.kill('SIGKILL');
  await once(proc, 'exit');

  // As labd does at start: the dead process's runs become unfinished (none here: the step's run had ended, the
  // kill came during its rerun), and its job is taken back at once.
  assert.deepEqual(await stores.store.markOrphanedRuns(isProcessAlive), []);
  const events: string[] = [];
  const worker = new LabWorker({
    queue: stores.queue, store: stores.store, owner: 'labd:lab-1:next:1', localHost: 'lab-1', log: { info() {}, warn() {}, error() {} },
    pool: [{ name: 'vm-1', profile: 'qemu', modes: ['host'], driver: fakeNutDriver(events), restoreKnownGood: async () => ({ release: '6.1.0', ms: 1 }) }],
    build: async () => ({}), runTestSet: async () => assert.fail('no run job'),
    runBisect: labBisectJob({
      store: stores.store, bisections: stores.bisections, testsets: new Map([[phase2HostFake.name, phase2HostFake]]), builder: fakeBuilder(dir, events),
      profileOf: () => ({ name: 'qemu', baseConfig: 'tinyconfig', labFragment: { origin: 'lab', text: '' } }), preparerFor: () => preparer(),
      artifactsRoot: path.join(dir, 'runs'), bootDeadlineMs: 60_000, git: fakeGit(events),
    }),
    leaseMs: 3_600_000, retryBackoffMs: 1, idlePollMs: 50, watchdog: { caseDeadlineMs: 600_000 },
  });
  await worker.start();
  await worker.idle();
  await worker.stop(1_000);

  const end = (await stores.bisections.get(bisection.id))!;
  assert.equal(end.status, 'found', end.reason ?? '');
  assert.equal(end.culprit?.commit, commits[5]);
  const steps = await stores.bisections.steps(bisection.id);
  assert.equal(steps[0]!.n, 1);
  assert.deepEqual([steps[0]!.commit, steps[0]!.outcome, steps[0]!.attempts.length], [commits[4], 'good', 2], 'the step was resumed, not begun again');
  assert.equal(engineRuns.get(commits[4]!), 1, 'here, c4 ran only the attempt it still owed');
  assert.equal(new Set(steps.map((s) => `${s.role}:${s.commit}`)).size, steps.length, 'no step twice');
  const job = await stores.queue.byKey(`bisect:${bisection.id}`);
  assert.deepEqual([job?.status, job?.attempts], ['done', 2]);
  await stores.close();
});
