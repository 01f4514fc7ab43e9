// A lab process that dies mid-run: its run must become `unfinished`, keeping what was already recorded.
import { suite, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { ContractBackend } from './backend.js';
import { caseResult, Clock, withLab } from './fixtures.js';

/** Whether a process exists on this host (EPERM: it exists but belongs to someone else). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function crashContract(backend: ContractBackend): void {
  suite(`${backend.name}: a lab process that dies`, () => {
    test('a run left open by a closed store is marked unfinished after reopening, results kept', async () => {
      await withLab(backend, new Clock(), async (lab) => {
        const crashed = lab.stores.store;
        const run = await crashed.startRun({ testset: 't', nut: 'host', sourceLabel: 'x', ownerPid: 31337 });
        await crashed.startStage(run.id, 'unpack');
        await crashed.finishStage(run.id, 'unpack', 'done');
        await crashed.startStage(run.id, 'test', '/logs/test.log');
        await crashed.addResult(run.id, caseResult('v6LC.1.1.1'));
        await lab.stores.close(); // no finishRun

        const next = (await lab.reopen()).store; // as the next lab process would open it
        const seen: number[] = [];
        assert.deepEqual(await next.markOrphanedRuns((pid) => (seen.push(pid), false)), [run.id]);
        assert.deepEqual(seen, [31337]);
        const got = await next.getRun(run.id);
        assert.equal(got?.status, 'unfinished');
        assert.equal(got?.finishedAt, null, 'when the owner died is unknown');
        assert.match(got?.error ?? '', /31337/);
        assert.deepEqual((await next.stagesOf(run.id)).map((s) => [s.stage, s.status]), [['unpack', 'done'], ['test', 'unfinished']]);
        assert.deepEqual(await next.resultsOf(run.id), [{ runId: run.id, ...caseResult('v6LC.1.1.1') }]);
        assert.deepEqual(got?.counts, { PASS: 1, FAIL: 0, WARN: 0, NA: 0, ERROR: 0 });
        assert.deepEqual(await next.markOrphanedRuns(() => false), [], 'already marked: nothing to do');
        await next.close();
      });
    });

    test('only runs whose owner is dead are marked; finished runs are never touched', async () => {
      await withLab(backend, new Clock(), async ({ stores: { store } }) => {
        const mine = await store.startRun({ testset: 't', nut: 'host', sourceLabel: 'alive', ownerPid: 100 });
        const orphanA = await store.startRun({ testset: 't', nut: 'host', sourceLabel: 'dead', ownerPid: 200 });
        const orphanB = await store.startRun({ testset: 't', nut: 'router', sourceLabel: 'dead too', ownerPid: 200 });
        const done = await store.startRun({ testset: 't', nut: 'host', sourceLabel: 'done', ownerPid: 200 });
        await store.finishRun(done.id, { status: 'done' });
        const asked: number[] = [];
        assert.deepEqual(await store.markOrphanedRuns((pid) => (asked.push(pid), pid === 100)), [orphanA.id, orphanB.id]);
        assert.deepEqual(asked, [100, 200], 'each owner asked about once');
        assert.equal((await store.getRun(mine.id))?.status, 'running');
        assert.equal((await store.getRun(done.id))?.status, 'done');
        assert.equal((await store.getRun(done.id))?.error, null);
      });
    });

    test("another host's runs are not judged by this host's pids; a run whose job was taken over is abandoned", async () => {
      const clock = new Clock();
      await withLab(backend, clock, async (lab) => {
        const onB = (await lab.reopen(clock.now, 'host-b')).store;
        const bRun = await onB.startRun({ testset: 't', nut: 'host', sourceLabel: 'on b', ownerPid: 999_999 });
        const aRun = await lab.stores.store.startRun({ testset: 't', nut: 'host', sourceLabel: 'on a', ownerPid: 999_998 });
        const asked: number[] = [];
        assert.deepEqual(await lab.stores.store.markOrphanedRuns((pid) => (asked.push(pid), false)), [aRun.id], "host-a judges only its own runs");
        assert.deepEqual(asked, [999_998]);
        assert.equal((await onB.getRun(bRun.id))?.status, 'running', "host-b's run is left alone");
        // host-b stopped answering; the run's job went to another worker, which gives up on the old run.
        await onB.startStage(bRun.id, 'test');
        assert.equal(await lab.stores.store.abandonRun(bRun.id, 'its job was taken over: host-b stopped answering'), true);
        const abandoned = await lab.stores.store.getRun(bRun.id);
        assert.equal(abandoned?.status, 'unfinished');
        assert.equal(abandoned?.error, 'its job was taken over: host-b stopped answering');
        assert.deepEqual((await onB.stagesOf(bRun.id)).map((s) => s.status), ['unfinished']);
        assert.equal(await lab.stores.store.abandonRun(bRun.id, 'again'), false, 'only a running run');
        await assert.rejects(onB.finishRun(bRun.id, { status: 'done' }), /already unfinished/, 'the old holder cannot finish it');
      });
    });

    // The real thing: a separate node process writes a run and is SIGKILLed without closing anything.
    test('a lab process killed with SIGKILL mid-run leaves a readable database and an orphaned run', async () => {
      await withLab(backend, new Clock(), async (lab) => {
        const script = `${lab.childPrelude}
          const run = await stores.store.startRun({ testset: 't', nut: 'host', sourceLabel: 'child', ownerPid: process.pid });
          await stores.store.startStage(run.id, 'test');
          await stores.store.addResult(run.id, ${JSON.stringify(caseResult('v6LC.4.1.1', { verdict: 'FAIL' }))});
          console.log(JSON.stringify({ runId: run.id }));
          setInterval(() => {}, 1000); // wait to be killed
        `;
        const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
        const exited = once(child, 'exit');
        const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
        const { runId } = JSON.parse(line) as { runId: number };
        const pid = child.pid!;
        child.kill('SIGKILL');
        await exited;

        const { store } = lab.stores;
        const own = await store.startRun({ testset: 't', nut: 'host', sourceLabel: 'me', ownerPid: process.pid });
        assert.deepEqual(await store.markOrphanedRuns(isAlive), [runId]);
        const got = await store.getRun(runId);
        assert.equal(got?.status, 'unfinished');
        assert.equal(got?.ownerPid, pid);
        assert.deepEqual(got?.counts, { PASS: 0, FAIL: 1, WARN: 0, NA: 0, ERROR: 0 });
        assert.deepEqual((await store.resultsOf(runId)).map((r) => r.caseId), ['v6LC.4.1.1']);
        assert.deepEqual((await store.stagesOf(runId)).map((s) => s.status), ['unfinished']);
        assert.equal((await store.getRun(own.id))?.status, 'running', 'this process is alive');
      });
    });
  });
}
