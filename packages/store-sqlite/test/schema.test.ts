// Connection settings and the constraints the schema enforces on its own, whatever a caller sends.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { STAGES, VERDICTS, type StageName, type Verdict } from '@testlab/core';
import { openSqliteStore } from '../src/index.js';
import { caseResult, tempDir } from './helpers.js';

const tmp = tempDir();
after(() => tmp.cleanup());

test('a file database runs in WAL mode with foreign keys on and a busy timeout', async () => {
  const store = openSqliteStore(tmp.file('pragmas.db'));
  const db = store.database;
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
  assert.ok((db.pragma('busy_timeout', { simple: true }) as number) >= 1000);
  await store.close();
});

test('an in-memory store works too', async () => {
  const store = openSqliteStore(':memory:');
  const run = await store.startRun({ testset: 'smoke', nut: 'host', sourceLabel: 'mem', ownerPid: 1 });
  assert.equal((await store.getRun(run.id))?.status, 'running');
  await store.close();
});

test('the verdict CHECK refuses a verdict outside the five, and nothing is written', async () => {
  const store = openSqliteStore(tmp.file('verdict.db'));
  const run = await store.startRun({ testset: 'smoke', nut: 'host', sourceLabel: 'x', ownerPid: process.pid });
  const bogus = caseResult('v6LC.1.1.1', { verdict: 'MAYBE' as Verdict });
  await assert.rejects(store.addResult(run.id, bogus), /v6LC\.1\.1\.1.*run \d+.*CHECK constraint failed/);
  assert.deepEqual(await store.resultsOf(run.id), []);
  const pcaps = store.database.prepare('SELECT count(*) AS n FROM result_pcaps').get() as { n: number };
  assert.equal(pcaps.n, 0);
  await store.close();
});

// The CHECK lists are literal text in the migration; this catches core growing a verdict or stage the
// schema does not know (which then needs a new migration).
test('the schema accepts every verdict and stage core defines', async () => {
  const store = openSqliteStore(':memory:');
  const run = await store.startRun({ testset: 'smoke', nut: 'host', sourceLabel: 'x', ownerPid: process.pid });
  for (const verdict of VERDICTS) await store.addResult(run.id, caseResult(`case-${verdict}`, { verdict }));
  for (const stage of STAGES) {
    await store.startStage(run.id, stage);
    await store.finishStage(run.id, stage, 'done');
  }
  assert.deepEqual((await store.getRun(run.id))?.counts, { PASS: 1, FAIL: 1, WARN: 1, NA: 1, ERROR: 1 });
  assert.deepEqual((await store.stagesOf(run.id)).map((s) => s.stage), [...STAGES]);
  await store.close();
});

test('an unknown stage name is refused by the schema', async () => {
  const store = openSqliteStore(':memory:');
  const run = await store.startRun({ testset: 'smoke', nut: 'host', sourceLabel: 'x', ownerPid: process.pid });
  await assert.rejects(store.startStage(run.id, 'deploy' as StageName), /stage deploy.*CHECK constraint failed/);
  await store.close();
});

test('writes against a run that does not exist are refused by the foreign keys', async () => {
  const store = openSqliteStore(':memory:');
  await assert.rejects(store.startStage(999, 'build'), /stage build of run 999: no such run/);
  await assert.rejects(store.addResult(999, caseResult('v6LC.1.1.1')), /run 999: no such run/);
  await assert.rejects(store.addArtifact({ runId: 999, kind: 'config', path: '/x', sizeBytes: 1 }), /run 999: no such run/);
  await store.close();
});
