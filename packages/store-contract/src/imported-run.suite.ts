// LabStore.recordImportedRun: a run finished outside the lab (an imported TAHI folder) is stored whole, in one
// transaction: read back as a done run with its kernel, build, stage, results and artifacts, or not at all.
import { suite, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKernelVersion, type ImportedRun } from '@testlab/core';
import type { ContractBackend } from './backend.js';
import { caseResult, Clock, withLab } from './fixtures.js';

function imported(contents: ImportedRun['contents']): ImportedRun {
  return {
    kernel: { version: parseKernelVersion('6.1.192'), sourceLabel: 'TAHI import 6.1.192', sourceHash: 'sha256:tahi-import' },
    build: { cacheKey: 'tahi-import-6.1.192', kernelRelease: '6.1.192', fromCache: true },
    run: { testset: 'tahi-phase2-host', nut: 'rack-7', sourceLabel: 'TAHI results of rack-7', ownerPid: 777 },
    stage: 'test',
    detail: 'imported 2 results from /srv/tahi/rack-7',
    contents,
  };
}

export function importedRunContract(backend: ContractBackend): void {
  suite(`${backend.name}: an imported run`, () => {
    test('is stored whole: a done run with its kernel, build, stage, results and artifacts named after its id', async () => {
      const clock = new Clock('2025-02-01T10:00:00.000Z');
      await withLab(backend, clock, async (lab) => {
        const { store } = lab.stores;
        const summary = await store.recordImportedRun(imported((runId) => ({
          results: [caseResult('v6LC.1.1.1'), caseResult('v6LC.1.1.2', { verdict: 'FAIL', pcaps: [`/runs/run-${runId}/tahi/1.1.2.pcap`] })],
          artifacts: [{ kind: 'case-log', path: `/runs/run-${runId}/tahi/index.html`, sizeBytes: 4096 }],
        })));
        assert.equal(summary.status, 'done');
        assert.equal(summary.kernelVersion, '6.1.192');
        assert.deepEqual([summary.counts.PASS, summary.counts.FAIL, summary.finishedAt], [1, 1, '2025-02-01T10:00:00.000Z']);
        assert.equal(summary.ownerPid, 777);
        assert.deepEqual((await store.stagesOf(summary.id)).map((s) => [s.stage, s.status, s.detail]), [['test', 'done', 'imported 2 results from /srv/tahi/rack-7']]);
        const results = await store.resultsOf(summary.id);
        assert.deepEqual(results.map((r) => [r.caseId, r.verdict, r.pcaps]), [
          ['v6LC.1.1.1', 'PASS', caseResult('v6LC.1.1.1').pcaps],
          ['v6LC.1.1.2', 'FAIL', [`/runs/run-${summary.id}/tahi/1.1.2.pcap`]],
        ]);
        assert.deepEqual((await store.artifactsOf(summary.id)).map((a) => [a.kind, a.path, a.sizeBytes]), [['case-log', `/runs/run-${summary.id}/tahi/index.html`, 4096]]);
        assert.ok(summary.buildId !== null && summary.kernelId !== null, 'the run names its kernel and build');
      });
    });

    test('leaves nothing when its contents throw or the schema refuses a result midway', async () => {
      await withLab(backend, new Clock(), async (lab) => {
        const { store } = lab.stores;
        await assert.rejects(store.recordImportedRun(imported(() => {
          throw new Error('index.html names a case with no log');
        })), /index\.html names a case with no log/);
        await assert.rejects(store.recordImportedRun(imported(() => ({
          // The second result's empty pcap path violates a CHECK after the run, stage and first result were written.
          results: [caseResult('v6LC.1.1.1'), caseResult('v6LC.1.1.2', { pcaps: [''] })],
          artifacts: [],
        }))), /refused by the schema/);
        for (const table of ['runs', 'results', 'result_pcaps'] as const) assert.equal(await lab.tamper.count(table), 0, `no ${table} rows`);
        assert.deepEqual(await store.listRuns(), []);
        assert.deepEqual(await lab.tamper.kernelKinds(), [], 'no kernel either');
      });
    });
  });
}
