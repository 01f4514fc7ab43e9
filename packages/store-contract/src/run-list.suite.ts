// ResultsQuery.runs: the filtered, paged list of runs behind `/api/runs` and `testlab runs --lab`.
import { after, before, suite, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKernelVersion, type LabStores, type RunListFilter } from '@testlab/core';
import type { ContractBackend, TestLab } from './backend.js';
import { caseResult, Clock } from './fixtures.js';

export function runListContract(backend: ContractBackend): void {
  suite(`${backend.name}: ResultsQuery.runs`, () => {
    const clock = new Clock();
    let lab: TestLab;
    let stores: LabStores;
    const ids: Record<string, number> = {};

    async function run(name: string, version: string | null, testset: string, end: 'done' | 'failed' | 'running', tick = true): Promise<void> {
      const { store } = stores;
      if (tick) clock.advance(60_000);
      const r = await store.startRun({ testset, nut: 'qemu', sourceLabel: `linux-${version ?? 'broken'}`, ownerPid: process.pid });
      if (version !== null) {
        // Two source hashes for 6.1.192: one version, two kernels rows; the filter must find both.
        const kernel = await store.upsertKernel({ version: parseKernelVersion(version), sourceLabel: `linux-${version}`, sourceHash: `sha256:${version}:${name}` });
        const build = await store.recordBuild({ kernelId: kernel.id, cacheKey: name, kernelRelease: version, fromCache: false });
        await store.attachKernel(r.id, kernel.id, build.id);
        await store.addResult(r.id, caseResult('v6LC.1.1.1'));
        await store.addResult(r.id, caseResult('v6LC.1.1.2', { verdict: 'FAIL' }));
      }
      if (end === 'done') await store.finishRun(r.id, { status: 'done' });
      if (end === 'failed') await store.finishRun(r.id, { status: 'failed', stage: 'unpack', error: 'not a tarball' });
      ids[name] = r.id;
    }
    const names = (list: { id: number }[]) => list.map((r) => Object.keys(ids).find((k) => ids[k] === r.id));

    // Six runs, two of them with stored totals.
    before(async () => {
      lab = await backend.create(clock.now);
      stores = lab.stores;
      await run('a', '6.1.191', 'phase2-host', 'done');
      await run('b', '6.1.192', 'phase2-host', 'done');
      await run('c', '6.1.192', 'phase2-router', 'done', false); // same started_at as b: the id breaks the tie
      await run('d', null, 'phase2-host', 'failed');
      await run('e', '6.13-rc1', 'phase2-router', 'done');
      await run('f', '6.13-rc1', 'phase2-host', 'running');
      const counts = { PASS: 1, FAIL: 1, WARN: 0, NA: 0, ERROR: 0 };
      await stores.results.saveDiffs(ids.b!, [], new Map(), { counts, regressions: 1, fixes: 0, flaky: 0 });
      await stores.results.saveDiffs(ids.e!, [], new Map(), { counts, regressions: 0, fixes: 1, flaky: 0 });
    });

    test('unfiltered: newest first in the order of LabStore.listRuns, with counts and regressions', async () => {
      const page = await stores.results.runs({ limit: 100 });
      assert.deepEqual(names(page.runs), ['f', 'e', 'd', 'c', 'b', 'a']);
      assert.deepEqual(page.runs.map((r) => r.id), (await stores.store.listRuns()).map((r) => r.id));
      assert.equal(page.next, null);
      const b = page.runs.find((r) => r.id === ids.b)!;
      assert.deepEqual([b.kernelVersion, b.counts.PASS, b.counts.FAIL, b.regressions], ['6.1.192', 1, 1, 1]);
      assert.equal(page.runs.find((r) => r.id === ids.a)!.regressions, null, 'no diffs recorded: unknown, not 0');
    });

    test('paging with the cursor visits every run once, ties on started_at included', async () => {
      const seen: number[] = [];
      let filter: RunListFilter = { limit: 2 };
      for (let pages = 0; pages < 10; pages++) {
        const page = await stores.results.runs(filter);
        assert.ok(page.runs.length <= 2);
        seen.push(...page.runs.map((r) => r.id));
        if (page.next === null) break;
        assert.equal(page.next, page.runs.at(-1)!.id);
        filter = { limit: 2, before: page.next };
      }
      assert.deepEqual(names(seen.map((id) => ({ id }))), ['f', 'e', 'd', 'c', 'b', 'a']);
      assert.equal((await stores.results.runs({ limit: 2, before: ids.b! })).next, null, 'no empty page after the last');
    });

    test('filters: kernel version (every kernels row of it), test set, NUT, status, regressed', async () => {
      const { results } = stores;
      assert.deepEqual(names((await results.runs({ limit: 10, kernel: '6.1.192' })).runs), ['c', 'b']);
      assert.deepEqual(names((await results.runs({ limit: 10, testset: 'phase2-router' })).runs), ['e', 'c']);
      assert.deepEqual(names((await results.runs({ limit: 10, testset: 'phase2-host', nut: 'qemu', status: 'done' })).runs), ['b', 'a']);
      assert.deepEqual(names((await results.runs({ limit: 10, status: 'failed' })).runs), ['d']);
      assert.deepEqual(names((await results.runs({ limit: 10, status: 'running' })).runs), ['f']);
      assert.deepEqual(names((await results.runs({ limit: 10, regressed: true })).runs), ['b']);
      assert.deepEqual(names((await results.runs({ limit: 1, kernel: '6.13-rc1', before: ids.f! })).runs), ['e']);
      assert.deepEqual((await results.runs({ limit: 10, nut: 'ssh-box' })).runs, []);
      assert.deepEqual((await results.runs({ limit: 10, kernel: "6.1' OR 1=1 --" })).runs, [], 'values are bound, never spliced');
    });

    test('limits are checked: a caller cannot ask for the whole history at once', async () => {
      const { results } = stores;
      await assert.rejects(results.runs({ limit: 0 }), /limit must be 1\.\.500/);
      await assert.rejects(results.runs({ limit: 501 }), /limit must be 1\.\.500/);
      await assert.rejects(results.runs({ limit: 10, before: -1 }), /before must be a run id/);
      await assert.rejects(results.runs({ limit: 10, status: 'lost' as never }), /unknown status/);
    });

    after(async () => {
      await lab.drop();
    });
  });
}
