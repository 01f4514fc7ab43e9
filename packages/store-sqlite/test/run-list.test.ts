// SQLite's side of ResultsQuery.runs: the page query reads an index in list order, without a sort. (What the
// list returns is the shared contract suite's, test/contract.test.ts.)
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunListFilter } from '@testlab/core';
import { openSqliteStore } from '../src/index.js';
import { runPageQuery } from '../src/run-list.js';
import { tempDir } from './helpers.js';

const tmp = tempDir();
after(() => tmp.cleanup());

test('the page query reads an index in list order (no sort) unfiltered, by cursor and by stream', async () => {
  const store = openSqliteStore(tmp.file('runs.db'));
  const plan = (f: RunListFilter) => {
    const q = runPageQuery(f);
    return store.database.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(q.params).map((r) => (r as { detail: string }).detail).join(' | ');
  };
  for (const f of [{ limit: 50 }, { limit: 50, before: 3 }, { limit: 50, testset: 'phase2-host', nut: 'qemu' }] as RunListFilter[]) {
    const p = plan(f);
    assert.match(p, /USING (COVERING )?INDEX runs_by_(started_at|stream)/, p);
    assert.doesNotMatch(p, /TEMP B-TREE/, p);
  }
  assert.match(plan({ limit: 50, kernel: '6.1.192' }), /INDEX runs_by_kernel/);
  await store.close();
});
