// What the dashboard shows of the lab's reruns (app.inject over a real SQLite lab with real files): a case
// that failed every rerun is a regression with fail:runs 3/3, one that passed once is flaky with 2/3, and
// the case page links each attempt's log and capture, kept as the run's rerun-* artifacts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Verdict } from '@testlab/core';
import { build } from '../src/index.js';
import { addRun, openLab, type Lab } from './fixture.js';

let lab: Lab;
let app: FastifyInstance;
let runId: number;
const asked: string[][] = [];

before(async () => {
  lab = await openLab();
  const pass: Record<string, Verdict> = { 'v6LC.1.1.1': 'PASS', 'v6LC.5.1.2-A': 'PASS', 'v6LC.5.1.8': 'PASS' };
  await addRun(lab, { version: '6.11', verdicts: pass });
  // The rerun hook stores its evidence the way the pipeline does, then answers the verdicts of 2 reruns.
  runId = await addRun(lab, { version: '6.12-rc1', verdicts: { ...pass, 'v6LC.5.1.2-A': 'FAIL', 'v6LC.5.1.8': 'FAIL' } }, (id) => ({
    reruns: 2,
    rerun: async (caseIds, times) => {
      asked.push([...caseIds]);
      for (let attempt = 1; attempt <= times; attempt++) {
        const dir = path.join(lab.runsDir, `run-${id}`, 'reruns', `attempt-${attempt}`, 'cases');
        for (const caseId of caseIds) {
          mkdirSync(path.join(dir, caseId), { recursive: true });
          const log = path.join(dir, `${caseId}.log`);
          const pcap = path.join(dir, caseId, 'Link0.pcap');
          writeFileSync(log, `verdict: FAIL\n`);
          writeFileSync(pcap, 'pcap bytes');
          await lab.store.addArtifact({ runId: id, kind: 'rerun-log', path: log, sizeBytes: 14 });
          await lab.store.addArtifact({ runId: id, kind: 'rerun-pcap', path: pcap, sizeBytes: 10 });
        }
      }
      return new Map<string, Verdict[]>([['v6LC.5.1.2-A', ['FAIL', 'FAIL']], ['v6LC.5.1.8', ['FAIL', 'PASS']]]);
    },
  }));
  app = build({ store: lab.store, results: lab.results, bisections: lab.bisections, runsDir: lab.runsDir });
});
after(async () => {
  await app.close();
  await lab.cleanup();
});

test('the run page shows the regression that failed every rerun as 3/3 and the case that passed once as flaky 2/3', async () => {
  assert.deepEqual(asked, [['v6LC.5.1.2-A', 'v6LC.5.1.8']], 'only the newly failing cases were rerun');
  const r = await app.inject(`/runs/${runId}`);
  assert.equal(r.statusCode, 200);
  const row = (caseId: string) => new RegExp(`<tr class="(\\w+)"><td><a href="/runs/${runId}/cases/${caseId.replace(/\./g, '\\.')}">[^]*?</tr>`).exec(r.body)?.[0] ?? '';
  assert.match(row('v6LC.5.1.2-A'), /^<tr class="regression">[^]*<td>3\/3<\/td>/);
  assert.match(row('v6LC.5.1.8'), /^<tr class="flaky">[^]*<td>2\/3<\/td>/);
  assert.match(r.body, /1 regression\(s\), 0 fix\(es\), 0 new, 0 removed, 1 flaky/);

  const api = (await app.inject(`/api/runs/${runId}/diffs`)).json() as Array<{ entries: Array<{ caseId: string; class: string; failRuns: unknown }> }>;
  assert.deepEqual(api[0]?.entries.map((e) => [e.caseId, e.class, e.failRuns]), [
    ['v6LC.5.1.2-A', 'regression', { fail: 3, runs: 3 }],
    ['v6LC.5.1.8', 'flaky', { fail: 2, runs: 3 }],
  ]);
});

test('the case page lists each rerun attempt\'s own log and capture, and nothing of another case', async () => {
  const r = await app.inject(`/runs/${runId}/cases/v6LC.5.1.2-A`);
  assert.equal(r.statusCode, 200);
  assert.match(r.body, /regression<\/span>, fail:runs 3\/3/);
  const attempts = [...r.body.matchAll(/<li>attempt (\d+):((?: <a href="\/artifacts\/\d+">[^<]+<\/a>)+)<\/li>/g)];
  assert.deepEqual(attempts.map((m) => [m[1], [...m[2]!.matchAll(/>([^<]+)<\/a>/g)].map((x) => x[1])]), [
    ['1', ['log v6LC.5.1.2-A.log', 'pcap Link0.pcap']],
    ['2', ['log v6LC.5.1.2-A.log', 'pcap Link0.pcap']],
  ]);
  // The links serve the attempt's files.
  const link = /<li>attempt 2: <a href="(\/artifacts\/\d+)">/.exec(r.body)?.[1];
  assert.equal((await app.inject(link!)).body, 'verdict: FAIL\n');
  // A case that was not rerun has no Reruns section.
  assert.doesNotMatch((await app.inject(`/runs/${runId}/cases/v6LC.1.1.1`)).body, /<h2>Reruns<\/h2>/);
});
