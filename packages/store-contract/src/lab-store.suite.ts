// LabStore: a whole run as the pipeline drives it, read back field by field; the refusals the schema makes
// whatever a caller sends; a case result and its captures written as one.
import { suite, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKernelVersion, STAGES, VERDICTS, type ArtifactRecord, type RunSummary, type StageName, type StageRecord, type Verdict } from '@testlab/core';
import type { ContractBackend } from './backend.js';
import { caseResult, Clock, withLab } from './fixtures.js';

const kernel = { version: parseKernelVersion('6.1.192'), sourceLabel: 'kernel.org 6.1.192', sourceHash: 'sha256:abc123' };

function stage(
  runId: number, name: StageRecord['stage'], status: StageRecord['status'], start: string, end: string | null,
  durationMs: number | null, logPath: string | null, detail: string | null,
): StageRecord {
  const at = (t: string) => `2025-01-07T${t}Z`;
  return { runId, stage: name, status, startedAt: at(start), finishedAt: end && at(end), durationMs, logPath, detail };
}

export function labStoreContract(backend: ContractBackend): void {
  suite(`${backend.name}: LabStore`, () => {
    test('a full run (kernel, build, stages, results with pcaps, artifacts, finishRun) reads back exactly', async () => {
      const clock = new Clock('2025-01-07T03:00:00.000Z');
      await withLab(backend, clock, async (lab) => {
        const { store } = lab.stores;
        const run = await store.startRun({ testset: 'ipv6-core', nut: 'host', sourceLabel: 'stable 6.1', ownerPid: 4242 });
        assert.deepEqual(run, {
          id: run.id, kernelId: null, buildId: null, testset: 'ipv6-core', nut: 'host', status: 'running', failedStage: null,
          error: null, sourceLabel: 'stable 6.1', startedAt: '2025-01-07T03:00:00.000Z', finishedAt: null, ownerPid: 4242,
        });
        await store.startStage(run.id, 'unpack', '/logs/unpack.log');
        clock.advance(1500);
        await store.finishStage(run.id, 'unpack', 'done', 'linux-6.1.192.tar.xz');

        const k = await store.upsertKernel(kernel);
        assert.deepEqual(k, { id: k.id, ...kernel, createdAt: '2025-01-07T03:00:01.500Z' });
        assert.deepEqual(await store.upsertKernel({ ...kernel, sourceLabel: 'another label' }), k, 'same version+hash is the same kernel');
        const other = await store.upsertKernel({ ...kernel, sourceHash: 'sha256:def456' });
        assert.notEqual(other.id, k.id, 'same version from a different tree is another kernel');

        await store.startStage(run.id, 'build', '/logs/build.log');
        clock.advance(60_000);
        const b = await store.recordBuild({ kernelId: k.id, cacheKey: 'ck-1', kernelRelease: '6.1.192-testlab', fromCache: true });
        assert.deepEqual(b, { id: b.id, kernelId: k.id, cacheKey: 'ck-1', kernelRelease: '6.1.192-testlab', fromCache: true, createdAt: '2025-01-07T03:01:01.500Z' });
        await store.attachKernel(run.id, k.id, b.id);
        await store.finishStage(run.id, 'build', 'cached');

        await store.startStage(run.id, 'boot');
        clock.advance(2000);
        await store.finishStage(run.id, 'boot', 'done');
        await store.startStage(run.id, 'test', '/logs/test.log');

        const results = [
          caseResult('v6LC.1.1.1'),
          caseResult('v6LC.1.1.7-A', { verdict: 'FAIL', reason: 'expected Parameter Problem (RFC 8200 4.5), saw nothing', pcaps: [] }),
          caseResult('v6LC.5.1.1', { verdict: 'WARN', durationMs: 0 }),
          caseResult('v6LC.2.2.1', { verdict: 'NA', pcaps: ['/p/only-link.pcap'] }),
          caseResult('v6LC.1.1.2', { verdict: 'PASS', pcaps: ['/p/b.pcap', '/p/a.pcap', '/p/c.pcap'] }),
        ];
        for (const r of results) await store.addResult(run.id, r);
        const artifacts: ArtifactRecord[] = [
          { runId: run.id, kind: 'bzImage', path: '/cache/ck-1/bzImage', sizeBytes: 11_534_336 },
          { runId: run.id, kind: 'config', path: '/cache/ck-1/.config', sizeBytes: 120_001 },
          { runId: run.id, kind: 'console-log', path: '/runs/1/console.log', sizeBytes: 0 },
        ];
        for (const a of artifacts) await store.addArtifact(a);
        clock.advance(30_000);
        await store.finishRun(run.id, { status: 'done' }); // 'test' is still running: finishRun closes it.
        await lab.stores.close();

        // Read back through a new connection, as `testlab runs` (another process, another host) would.
        const reader = (await lab.reopen()).store;
        assert.deepEqual(await reader.stagesOf(run.id), [
          stage(run.id, 'unpack', 'done', '03:00:00.000', '03:00:01.500', 1500, '/logs/unpack.log', 'linux-6.1.192.tar.xz'),
          stage(run.id, 'build', 'cached', '03:00:01.500', '03:01:01.500', 60_000, '/logs/build.log', null),
          stage(run.id, 'boot', 'done', '03:01:01.500', '03:01:03.500', 2000, null, null),
          stage(run.id, 'test', 'done', '03:01:03.500', '03:01:33.500', 30_000, '/logs/test.log', null),
        ]);
        assert.deepEqual(await reader.resultsOf(run.id), results.map((r) => ({ runId: run.id, ...r })));
        assert.deepEqual(await reader.artifactsOf(run.id), artifacts);
        const summary: RunSummary = {
          ...run, kernelId: k.id, buildId: b.id, status: 'done', finishedAt: '2025-01-07T03:01:33.500Z', kernelVersion: '6.1.192',
          counts: { PASS: 2, FAIL: 1, WARN: 1, NA: 1, ERROR: 0 },
        };
        assert.deepEqual(await reader.getRun(run.id), summary);
        assert.deepEqual(await reader.listRuns(), [summary]);
        assert.equal(await reader.getRun(run.id + 1), undefined);
        await assert.rejects(reader.finishRun(run.id, { status: 'done' }), /run \d+: it is already done/);
        await reader.close();
      });
    });

    test('finishRun with a failure records the failed stage and the error, and cuts other open stages short', async () => {
      const clock = new Clock('2025-01-07T04:00:00.000Z');
      await withLab(backend, clock, async ({ stores: { store } }) => {
        const run = await store.startRun({ testset: 'ipv6-core', nut: 'router', sourceLabel: 'next', ownerPid: 7 });
        await store.startStage(run.id, 'boot', '/logs/console.log');
        await store.startStage(run.id, 'test'); // open alongside, e.g. a watcher started early
        clock.advance(90_000);
        const error = 'no login prompt on the serial console within 90 s';
        await store.finishRun(run.id, { status: 'failed', stage: 'boot', error });
        const got = await store.getRun(run.id);
        assert.equal(got?.status, 'failed');
        assert.equal(got?.failedStage, 'boot');
        assert.equal(got?.error, error);
        assert.equal(got?.finishedAt, '2025-01-07T04:01:30.000Z');
        assert.equal(got?.kernelVersion, null, 'never identified');
        assert.deepEqual(got?.counts, { PASS: 0, FAIL: 0, WARN: 0, NA: 0, ERROR: 0 });
        assert.deepEqual(await store.stagesOf(run.id), [
          stage(run.id, 'boot', 'failed', '04:00:00.000', '04:01:30.000', 90_000, '/logs/console.log', error),
          stage(run.id, 'test', 'unfinished', '04:00:00.000', '04:01:30.000', 90_000, null, null),
        ]);
        // A stage that failed before it was ever started still shows up, carrying the error.
        const early = await store.startRun({ testset: 'ipv6-core', nut: 'host', sourceLabel: 'bad', ownerPid: 7 });
        await store.finishRun(early.id, { status: 'failed', stage: 'unpack', error: 'not a tarball' });
        assert.deepEqual(await store.stagesOf(early.id), [stage(early.id, 'unpack', 'failed', '04:01:30.000', '04:01:30.000', 0, null, 'not a tarball')]);
      });
    });

    test('listRuns is newest first, honours limit, and counts each run separately', async () => {
      const clock = new Clock('2025-01-07T05:00:00.000Z');
      await withLab(backend, clock, async ({ stores: { store } }) => {
        const k = await store.upsertKernel(kernel);
        const b = await store.recordBuild({ kernelId: k.id, cacheKey: 'ck', kernelRelease: 'r', fromCache: false });
        const a = await store.startRun({ testset: 't', nut: 'host', sourceLabel: 'a', ownerPid: 1 });
        const sameInstant = await store.startRun({ testset: 't', nut: 'host', sourceLabel: 'b', ownerPid: 1 });
        clock.advance(1);
        const c = await store.startRun({ testset: 't', nut: 'host', sourceLabel: 'c', ownerPid: 1 });
        await store.attachKernel(c.id, k.id, b.id);
        await store.addResult(a.id, caseResult('x', { verdict: 'ERROR' }));
        await store.addResult(c.id, caseResult('x', { verdict: 'FAIL' }));
        await store.addResult(c.id, caseResult('y', { verdict: 'FAIL' }));
        const all = await store.listRuns();
        assert.deepEqual(all.map((r) => r.id), [c.id, sameInstant.id, a.id]);
        assert.deepEqual(all.map((r) => r.counts), [
          { PASS: 0, FAIL: 2, WARN: 0, NA: 0, ERROR: 0 },
          { PASS: 0, FAIL: 0, WARN: 0, NA: 0, ERROR: 0 },
          { PASS: 0, FAIL: 0, WARN: 0, NA: 0, ERROR: 1 },
        ]);
        assert.deepEqual(all.map((r) => r.kernelVersion), ['6.1.192', null, null]);
        assert.deepEqual((await store.listRuns({ limit: 2 })).map((r) => r.id), [c.id, sameInstant.id]);
        assert.deepEqual(await store.listRuns({ limit: 0 }), []);
        await assert.rejects(store.listRuns({ limit: 1.5 }), /limit/);
      });
    });

    test('attachKernel refuses a build of another kernel', async () => {
      await withLab(backend, new Clock(), async ({ stores: { store } }) => {
        const k1 = await store.upsertKernel(kernel);
        const k2 = await store.upsertKernel({ ...kernel, version: parseKernelVersion('6.12') });
        const b2 = await store.recordBuild({ kernelId: k2.id, cacheKey: 'ck', kernelRelease: '6.12', fromCache: false });
        const run = await store.startRun({ testset: 't', nut: 'host', sourceLabel: 'x', ownerPid: 1 });
        await assert.rejects(store.attachKernel(run.id, k1.id, b2.id), /build of kernel/);
        assert.equal((await store.getRun(run.id))?.kernelId, null);
      });
    });

    test('stage misuse is refused with the stage and run named', async () => {
      await withLab(backend, new Clock(), async ({ stores: { store } }) => {
        const run = await store.startRun({ testset: 't', nut: 'host', sourceLabel: 'x', ownerPid: 1 });
        await assert.rejects(store.finishStage(run.id, 'build', 'done'), /stage build of run \d+: it is not running/);
        await store.startStage(run.id, 'build');
        await assert.rejects(store.startStage(run.id, 'build'), /stage build of run \d+: already recorded/);
        await store.finishStage(run.id, 'build', 'done');
        await assert.rejects(store.finishStage(run.id, 'build', 'failed'), /not running/);
      });
    });

    test('doneRunLike finds the newest done run of the same build, set, NUT kind and setup, and nothing else', async () => {
      const clock = new Clock();
      await withLab(backend, clock, async ({ stores: { store } }) => {
        const k = await store.upsertKernel(kernel);
        const b = await store.recordBuild({ kernelId: k.id, cacheKey: 'ck-same', kernelRelease: 'r', fromCache: false });
        const same = { cacheKey: 'ck-same', testset: 't', nut: 'host', setupDigest: 'd1' };
        const done = async (setupDigest: string | undefined, end: 'done' | 'failed') => {
          const run = await store.startRun({ testset: 't', nut: 'host', sourceLabel: 'x', ownerPid: 1, ...(setupDigest ? { setupDigest } : {}) });
          await store.attachKernel(run.id, k.id, b.id);
          await store.finishRun(run.id, end === 'done' ? { status: 'done' } : { status: 'failed', stage: 'boot', error: 'e' });
          return run.id;
        };
        assert.equal(await store.doneRunLike(same), undefined);
        await done(undefined, 'done'); // no digest: never the same experiment
        await done('d1', 'failed');
        assert.equal(await store.doneRunLike(same), undefined);
        const first = await done('d1', 'done');
        const second = await done('d1', 'done');
        await done('d2', 'done');
        assert.equal((await store.doneRunLike(same))?.id, second);
        assert.notEqual(first, second);
        assert.equal(await store.doneRunLike({ ...same, nut: 'router' }), undefined);
        assert.equal(await store.doneRunLike({ ...same, cacheKey: 'other' }), undefined);
      });
    });

    test('a duplicate case id in one run is rejected and leaves the run\'s other results intact', async () => {
      await withLab(backend, new Clock(), async (lab) => {
        const { store } = lab.stores;
        const run = await store.startRun({ testset: 't', nut: 'host', sourceLabel: 'x', ownerPid: 1 });
        const first = caseResult('v6LC.1.1.1');
        const second = caseResult('v6LC.1.1.2', { verdict: 'FAIL' });
        await store.addResult(run.id, first);
        await store.addResult(run.id, second);
        const pcapsBefore = await lab.tamper.count('result_pcaps');
        const again = caseResult('v6LC.1.1.1', { verdict: 'ERROR', pcaps: ['/p/dup-link0.pcap'] });
        await assert.rejects(store.addResult(run.id, again), (e: unknown) => {
          assert.ok(e instanceof Error);
          assert.match(e.message, new RegExp(`result v6LC\\.1\\.1\\.1 of run ${run.id}: already recorded`));
          assert.ok(e.cause instanceof Error && /unique/i.test(e.cause.message), 'keeps the database\'s error as the cause');
          return true;
        });
        assert.deepEqual(await store.resultsOf(run.id), [{ runId: run.id, ...first }, { runId: run.id, ...second }]);
        assert.deepEqual((await store.getRun(run.id))?.counts, { PASS: 1, FAIL: 1, WARN: 0, NA: 0, ERROR: 0 });
        assert.equal(await lab.tamper.count('result_pcaps'), pcapsBefore, 'no stray pcap rows');
        const other = await store.startRun({ testset: 't', nut: 'host', sourceLabel: 'y', ownerPid: 1 });
        await store.addResult(other.id, first);
        assert.equal((await store.resultsOf(other.id)).length, 1, 'the same case id in another run is another result');
      });
    });

    test('a result whose pcap rows fail is rolled back whole', async () => {
      await withLab(backend, new Clock(), async ({ stores: { store } }) => {
        const run = await store.startRun({ testset: 't', nut: 'host', sourceLabel: 'x', ownerPid: 1 });
        // An empty path violates the pcap CHECK after the result row itself was inserted.
        await assert.rejects(store.addResult(run.id, caseResult('v6LC.3.1.1', { pcaps: ['/p/ok.pcap', ''] })), /refused by the schema/);
        assert.deepEqual(await store.resultsOf(run.id), []);
        await store.addResult(run.id, caseResult('v6LC.3.1.1'));
        assert.equal((await store.resultsOf(run.id)).length, 1, 'no half-written row holds its case id');
      });
    });

    test('the verdict CHECK refuses a verdict outside the five, and nothing is written', async () => {
      await withLab(backend, new Clock(), async (lab) => {
        const { store } = lab.stores;
        const run = await store.startRun({ testset: 'smoke', nut: 'host', sourceLabel: 'x', ownerPid: process.pid });
        await assert.rejects(store.addResult(run.id, caseResult('v6LC.1.1.1', { verdict: 'MAYBE' as Verdict })), /v6LC\.1\.1\.1.*run \d+: value refused by the schema/);
        assert.deepEqual(await store.resultsOf(run.id), []);
        assert.equal(await lab.tamper.count('result_pcaps'), 0);
      });
    });

    // The CHECK lists are literal text in the migrations; this catches core growing a verdict or stage the
    // schema does not know (which then needs a new migration, on every backend).
    test('the schema accepts every verdict and stage core defines, and refuses an unknown stage', async () => {
      await withLab(backend, new Clock(), async ({ stores: { store } }) => {
        const run = await store.startRun({ testset: 'smoke', nut: 'host', sourceLabel: 'x', ownerPid: process.pid });
        for (const verdict of VERDICTS) await store.addResult(run.id, caseResult(`case-${verdict}`, { verdict }));
        for (const s of STAGES) {
          await store.startStage(run.id, s);
          await store.finishStage(run.id, s, 'done');
        }
        assert.deepEqual((await store.getRun(run.id))?.counts, { PASS: 1, FAIL: 1, WARN: 1, NA: 1, ERROR: 1 });
        assert.deepEqual((await store.stagesOf(run.id)).map((x) => x.stage), [...STAGES]);
        await assert.rejects(store.startStage(run.id, 'deploy' as StageName), /stage deploy.*value refused by the schema/);
      });
    });

    test('writes against a run that does not exist are refused by the foreign keys', async () => {
      await withLab(backend, new Clock(), async ({ stores: { store } }) => {
        await assert.rejects(store.startStage(999, 'build'), /stage build of run 999: no such run/);
        await assert.rejects(store.addResult(999, caseResult('v6LC.1.1.1')), /run 999: no such run/);
        await assert.rejects(store.addArtifact({ runId: 999, kind: 'config', path: '/x', sizeBytes: 1 }), /run 999: no such run/);
      });
    });
  });
}
