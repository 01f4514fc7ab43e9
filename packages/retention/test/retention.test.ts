// The retention policy on a real SQLite lab and a real disk layout: the last N of each stream, regressions
// with what they regressed against, baselines of kept runs and anything recent stay; the rest is listed with
// its size by a dry run and removed by a real one.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseKernelVersion, type LabStores, type RunRetentionFacts } from '@testlab/core';
import { openSqliteStores } from '@testlab/store-sqlite';
import { collectGarbage, decideRetention } from '../src/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'testlab-retention-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const fact = (runId: number, version: string | null, over: Partial<RunRetentionFacts> = {}): RunRetentionFacts => ({
  runId, testset: 'phase2-host', nut: 'qemu', kernelVersion: version, status: 'done', startedAt: `2025-01-${String(runId).padStart(2, '0')}T00:00:00.000Z`,
  cacheKey: `key-${runId}`, sourceHash: `sha256:${runId}`, regressions: 0, baselineRunIds: [], ...over,
});

test('the policy: last N per stream (streams apart), regressions and their baselines, baselines of kept runs, running runs', () => {
  const facts = [
    fact(1, '6.6'), fact(2, '6.12'),
    fact(3, 'v6.13-rc1-5-gabcdef0', { regressions: 2, baselineRunIds: [2] }),
    fact(4, 'v6.13-rc1-9-gdef0123', { baselineRunIds: [3, 1] }),
    fact(5, 'next-20250105'), fact(6, 'next-20250106'), fact(7, 'next-20250107'),
    fact(8, '6.6.70', { testset: 'phase2-router' }),
    fact(9, null, { status: 'running', cacheKey: null, sourceHash: null }),
  ];
  const d = decideRetention(facts, { keepLast: 1, keepRegressions: true, keepBaselines: true, graceDays: 0 });
  assert.deepEqual([...d.keepRuns].sort((a, b) => a - b), [1, 2, 3, 4, 7, 8, 9]);
  assert.equal(d.reasons.get(2)?.[0], 'baseline of regressed run 3');
  assert.deepEqual(d.reasons.get(1), ['baseline of kept run 4']);
  assert.ok(d.keepCacheKeys.has('key-7') && !d.keepCacheKeys.has('key-6'));
  assert.ok(d.keepSources.has('sha256:3') && !d.keepSources.has('sha256:5'));
  const lean = decideRetention(facts, { keepLast: 1, keepRegressions: false, keepBaselines: false, graceDays: 0 });
  assert.deepEqual([...lean.keepRuns].sort((a, b) => a - b), [4, 7, 8, 9]);
});

async function run(stores: LabStores, home: string, version: string, regressed: boolean, baseline?: number): Promise<number> {
  const key = createHash('sha256').update(version).digest('hex');
  const k = await stores.store.upsertKernel({ version: parseKernelVersion(version), sourceLabel: version, sourceHash: `sha256:${key}` });
  const b = await stores.store.recordBuild({ kernelId: k.id, cacheKey: key, kernelRelease: version, fromCache: false });
  const r = await stores.store.startRun({ testset: 'phase2-host', nut: 'qemu', sourceLabel: version, ownerPid: 1 });
  await stores.store.attachKernel(r.id, k.id, b.id);
  await stores.store.finishRun(r.id, { status: 'done' });
  const counts = { PASS: 1, FAIL: 0, WARN: 0, NA: 0, ERROR: 0 };
  await stores.results.saveDiffs(r.id, baseline === undefined ? [] : [{
    runId: r.id, baselineRunId: baseline, baselineKernel: '?', roles: ['previous-snapshot'], wanted: null,
    counts: { regression: regressed ? 1 : 0, fix: 0, new: 0, removed: 0, 'still-failing': 0, flaky: 0, changed: 0 }, entries: [],
  }], new Map(), { counts, regressions: regressed ? 1 : 0, fixes: 0, flaky: 0 });
  const runDir = path.join(home, 'runs', `run-${r.id}`);
  mkdirSync(runDir, { recursive: true });
  writeFileSync(path.join(runDir, 'console.log'), 'x'.repeat(1000));
  return r.id;
}

test('on disk: a dry run lists what would go with its size; a real run removes exactly that, recent things stay', async () => {
  const home = path.join(dir, 'home');
  const cache = path.join(dir, 'cache');
  mkdirSync(home, { recursive: true });
  const stores = openSqliteStores(path.join(home, 'lab.db'));
  const a = await run(stores, home, 'v6.13-rc1-1-gaaaaaaa', false);
  const b = await run(stores, home, 'v6.13-rc1-2-gbbbbbbb', true, a);
  const c = await run(stores, home, 'v6.13-rc1-3-gccccccc', false, b);
  const d = await run(stores, home, 'v6.13-rc1-4-gddddddd', false, c);
  const facts = await stores.results.retentionFacts();
  const keyOf = (id: number) => facts.find((f) => f.runId === id)!.cacheKey!;
  const old = new Date(Date.now() - 30 * 86_400_000);
  const made = (p: string, bytes: number, recent = false) => {
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, 'y'.repeat(bytes));
    if (!recent) {
      utimesSync(p, old, old);
      utimesSync(path.dirname(p), old, old);
    }
  };
  for (const id of [a, b, c, d]) made(path.join(cache, 'kernels', keyOf(id), 'bzImage'), 5000);
  made(path.join(cache, 'kselftest', keyOf(c).slice(0, 16), 'image'), 700);
  made(path.join(cache, 'downloads', 'f'.repeat(64)), 9000);
  writeFileSync(path.join(cache, 'downloads', `${'f'.repeat(64)}.json`), JSON.stringify({ url: 'https://cdn/linux-x.tar.xz', sha256: 'e'.repeat(64) }));
  made(path.join(cache, 'downloads', 'd'.repeat(64)), 9000, true);
  const policy = { keepLast: 1, keepRegressions: true, keepBaselines: true, graceDays: 7 };
  // Kept: d (last of its stream), c (its baseline), b (regressed), a (what b regressed against). Only the
  // unknown download and nothing else... so keep fewer: without baselines, a and c go.
  const lean = { ...policy, keepBaselines: false };
  const dry = await collectGarbage(stores.results, { home, cache }, lean, { dryRun: true });
  assert.deepEqual([...dry.decision.keepRuns].sort(), [a, b, d].sort(), 'd is the last; b regressed; a is what b regressed against');
  const listed = dry.plan.items.map((i) => `${i.kind}:${i.of}`).sort();
  assert.deepEqual(listed, [
    'download:https://cdn/linux-x.tar.xz', 'download:https://cdn/linux-x.tar.xz', `kernel:kernel ${keyOf(c).slice(0, 16)}`,
    `run files:run ${c}`, `selftests:kernel ${keyOf(c).slice(0, 16)}`,
  ].sort());
  assert.equal(dry.plan.bytes, 1000 + 5000 + 700 + 9000 + dry.plan.items.find((i) => i.path.endsWith('.json'))!.bytes);
  assert.equal(existsSync(path.join(home, 'runs', `run-${c}`)), true, 'a dry run removes nothing');
  const real = await collectGarbage(stores.results, { home, cache }, lean, { dryRun: false });
  assert.equal(real.plan.bytes, dry.plan.bytes);
  for (const i of dry.plan.items) assert.equal(existsSync(i.path), false, i.path);
  for (const id of [a, b, d]) assert.equal(existsSync(path.join(home, 'runs', `run-${id}`)), true);
  assert.equal(existsSync(path.join(cache, 'downloads', 'd'.repeat(64))), true, 'a recent download stays');
  assert.equal((await collectGarbage(stores.results, { home, cache }, lean, { dryRun: true })).plan.items.length, 0, 'nothing left to free');
  await stores.close();
});
