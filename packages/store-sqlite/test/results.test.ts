// A case result and its capture files are one write: all of it lands, or none of it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../src/index.js';
import { caseResult } from './helpers.js';

test('a duplicate case id in one run is rejected and leaves the run\'s other results intact', async () => {
  const store = openSqliteStore(':memory:');
  const run = await store.startRun({ testset: 't', nut: 'host', sourceLabel: 'x', ownerPid: 1 });
  const first = caseResult('v6LC.1.1.1');
  const second = caseResult('v6LC.1.1.2', { verdict: 'FAIL' });
  await store.addResult(run.id, first);
  await store.addResult(run.id, second);

  const again = caseResult('v6LC.1.1.1', { verdict: 'ERROR', pcaps: ['/p/dup-link0.pcap'] });
  await assert.rejects(store.addResult(run.id, again), (e: unknown) => {
    assert.ok(e instanceof Error);
    assert.match(e.message, new RegExp(`result v6LC\\.1\\.1\\.1 of run ${run.id}: already recorded`));
    assert.ok(e.cause instanceof Error && /UNIQUE/.test(e.cause.message), 'keeps SQLite\'s error as the cause');
    return true;
  });

  assert.deepEqual(await store.resultsOf(run.id), [
    { runId: run.id, ...first },
    { runId: run.id, ...second },
  ]);
  assert.deepEqual((await store.getRun(run.id))?.counts, { PASS: 1, FAIL: 1, WARN: 0, NA: 0, ERROR: 0 });
  const stray = store.database.prepare("SELECT count(*) AS n FROM result_pcaps WHERE path = '/p/dup-link0.pcap'").get();
  assert.deepEqual(stray, { n: 0 });

  // The same case id in another run is a different result.
  const other = await store.startRun({ testset: 't', nut: 'host', sourceLabel: 'y', ownerPid: 1 });
  await store.addResult(other.id, first);
  assert.equal((await store.resultsOf(other.id)).length, 1);
  await store.close();
});

test('a result whose pcap rows fail is rolled back whole', async () => {
  const store = openSqliteStore(':memory:');
  const run = await store.startRun({ testset: 't', nut: 'host', sourceLabel: 'x', ownerPid: 1 });
  // An empty path violates the pcap CHECK after the result row itself was inserted.
  await assert.rejects(store.addResult(run.id, caseResult('v6LC.3.1.1', { pcaps: ['/p/ok.pcap', ''] })), /CHECK/);
  assert.deepEqual(await store.resultsOf(run.id), []);
  // And the case can then be recorded properly: no half-written row holds its case id.
  await store.addResult(run.id, caseResult('v6LC.3.1.1'));
  assert.equal((await store.resultsOf(run.id)).length, 1);
  await store.close();
});
