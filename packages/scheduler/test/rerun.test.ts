// Reruns on the worker's NUT (real SQLite queue and store, fake NUTs): the hook a finished run offers is
// called while the run job still holds the NUT, through the raw driver under a fresh watchdog, before the
// known-good restore and before the job is completed; a rerun that hangs the kernel gets the NUT restored.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseKernelVersion, type BootedNut, type RunJob, type Verdict } from '@testlab/core';
import { openSqliteJobQueue, openSqliteStore } from '@testlab/store-sqlite';
import { LabWorker, planKernel, type JobSettlement, type RunTestSet } from '../src/index.js';
import { FakeNut, fakeRunTestSet, quietLog } from './fakes.js';

const dir = mkdtempSync(join(tmpdir(), 'testlab-rerun-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** The fake run, offering reruns that boot through the driver they are given and answer `verdict`. */
function withReruns(inner: RunTestSet, nut: FakeNut, verdict: (attempt: number) => Verdict | 'hang'): RunTestSet {
  return async (input) => {
    nut.events.push(`run ${input.payload.testset}`);
    const outcome = await inner(input);
    if (outcome.status !== 'done') return outcome;
    return {
      ...outcome,
      rerun: async ({ caseIds, times, nutDriver, caseFinished }) => {
        const out = new Map<string, Verdict[]>();
        for (let attempt = 1; attempt <= times; attempt++) {
          const booted = (await nutDriver.boot(
            { kernel: { bzImage: 'x', kernelRelease: input.payload.version.text }, links: 1, consoleLog: join(outcome.runDir, `rerun-${attempt}.log`) },
            { step() {}, fraction() {} },
          )) as BootedNut & { down: Promise<void> };
          nut.events.push(`rerun ${attempt} on ${nut.running}`);
          const v = verdict(attempt);
          if (v === 'hang') {
            await booted.down; // nothing ends until the watchdog powers the NUT off
            throw new Error('the NUT went away');
          }
          for (const id of caseIds) out.set(id, [...(out.get(id) ?? []), v]);
          caseFinished?.();
          await booted.shutdown();
        }
        return out;
      },
    };
  };
}

async function lab(nut: FakeNut, verdict: (attempt: number) => Verdict | 'hang', onRunFinished: (job: RunJob, s: JobSettlement) => Promise<void>) {
  const file = join(dir, `lab${++n}.db`);
  const queue = openSqliteJobQueue(file);
  const store = openSqliteStore(file);
  const worker = new LabWorker({
    queue, store, pool: [nut.pool()], owner: `test:${n}`, log: quietLog,
    build: async (payload) => ({ kernelRelease: payload.version.text }),
    runTestSet: withReruns(fakeRunTestSet(store, join(dir, `runs${n}`), []), nut, verdict),
    leaseMs: 60_000, retryBackoffMs: 1, idlePollMs: 50, watchdog: { caseDeadlineMs: 200, pollMs: 20 },
    onRunFinished,
  });
  const enqueue = async (version: string, sets: string[]) => {
    const plan = planKernel(
      { version: parseKernelVersion(version), source: { spec: `/src/linux-${version}.tar.xz` } },
      sets.map((name) => ({ name, mode: 'host' as const, kernelConfig: '' })),
      [{ name: 'qemu', baseConfig: 'tinyconfig', labFragment: { origin: 'lab', text: '' } }],
      [{ name: nut.name, profile: 'qemu', modes: nut.modes }],
    );
    for (const job of plan.jobs) await queue.enqueue(job);
  };
  return { queue, worker, enqueue, close: async () => { await worker.stop(5_000); await queue.close(); await store.close(); } };
}

test('a finished run\'s cases are rerun on the NUT its job still holds, on the kernel under test, before the known-good restore', async () => {
  const a = new FakeNut('vm-a', ['host']);
  const seen: Array<{ status: string | undefined; verdicts: ReadonlyMap<string, readonly Verdict[]> }> = [];
  let kept: JobSettlement | undefined;
  let late: JobSettlement['rerun'];
  const l = await lab(a, (attempt) => (attempt === 1 ? 'FAIL' : 'PASS'), async (job, settled) => {
    late = settled.rerun;
    const verdicts = await settled.rerun!(['v6LC.5.1.2-A'], 2);
    // The job is still leased: no other job can take the NUT while its cases are rerun.
    seen.push({ status: (await l.queue.get(job.id))?.status, verdicts });
    kept = settled;
  });
  await l.enqueue('6.12', ['set-1']);
  await l.worker.start();
  await l.worker.idle();
  assert.deepEqual(seen.map((s) => [s.status, [...s.verdicts]]), [['leased', [['v6LC.5.1.2-A', ['FAIL', 'PASS']]]]]);
  // Both attempts booted the kernel under test: the restore to known-good came only after them.
  assert.deepEqual(a.events, ['restore', 'run set-1', 'rerun 1 on 6.12', 'rerun 2 on 6.12', 'restore']);
  assert.equal((await l.queue.list()).find((j) => j.kind === 'run')?.status, 'done', 'completed after the reruns');
  assert.equal(kept?.rerun, undefined, 'the hook is withdrawn once onRunFinished returns (the NUT moves on)');
  await assert.rejects(late!(['v6LC.5.1.2-A'], 1), /only while the run job holds its NUT/, 'a kept reference cannot boot the NUT later');
  assert.equal(a.events.filter((e) => e.startsWith('rerun')).length, 2, 'nothing was booted by the late call');
  assert.equal(a.concurrent, 0, 'every rerun NUT was shut down');
  await l.close();
});

test('a rerun that hangs the kernel is powered off by a watchdog of its own, and the NUT is restored before the next set', async () => {
  const a = new FakeNut('vm-a', ['host']);
  let answer: ReadonlyMap<string, readonly Verdict[]> | Error | undefined;
  const l = await lab(a, () => 'hang', async (job, settled) => {
    if (job.payload.testset !== 'set-1') return;
    answer = await settled.rerun!(['v6LC.1.1.1'], 1).catch((e: Error) => e);
  });
  await l.enqueue('6.12', ['set-1', 'set-2']);
  await l.worker.start();
  await l.worker.idle();
  assert.match(String(answer), /the NUT went away/, 'the hung attempt ended instead of waiting forever');
  // set-1 ran, its rerun hung and was powered off, the NUT was restored at once, then set-2 ran.
  const order = a.events.filter((e) => !e.startsWith('rerun'));
  assert.deepEqual(order.slice(0, 4), ['restore', 'run set-1', 'restore', 'run set-2'], a.events.join(', '));
  const jobs = await l.queue.list();
  assert.deepEqual(jobs.filter((j) => j.kind === 'run').map((j) => j.status), ['done', 'done'], 'the run itself had ended well');
  assert.ok(quietLog.lines.some((x) => x.includes('"nutBroken":"no case finished within 0 s: the NUT is hung"')), quietLog.lines.slice(-5).join('\n'));
  await l.close();
});

test('a run that failed offers no rerun: the kernel broke the NUT', async () => {
  const a = new FakeNut('vm-a', ['host']);
  const offered: boolean[] = [];
  const l = await lab(a, () => 'PASS', async (_job, settled) => {
    offered.push(settled.rerun !== undefined);
  });
  await l.enqueue('6.12', ['hang-set', 'set-1']);
  await l.worker.start();
  await l.worker.idle();
  // Two runs ended; only the one that ended well could be rerun (order of the two jobs is the queue's).
  assert.deepEqual(offered.sort(), [false, true]);
  await l.close();
});
