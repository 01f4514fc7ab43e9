// startBisection, the one way a bisection is requested, on the real SQLite store: the lab's side (its test
// sets, its tree, its NUTs) comes in as the CLI and the web app give it. Checked here what their tests do not
// reach: the bounds of confirmRuns and maxSteps, a set whose engine names no cases, the caller's refusals and
// failures kept apart (a refusal is the asker's, anything else the lab's), and a refused request storing nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TestSet } from '@testlab/core';
import { BisectionRefused, startBisection, type BisectionDesk, type InputNames } from '../src/index.js';
import { sqliteLab } from './sqlite-lab.js';

const sha = (c: string) => c.repeat(40);
const names: InputNames = { good: 'good', bad: 'bad', cases: 'cases', testset: 'testset', tree: 'tree', nut: 'nut', confirmRuns: 'confirmRuns', maxSteps: 'maxSteps' };
const set = (over: Partial<TestSet> = {}): TestSet => ({
  name: 'phase2-host', title: 't', mode: 'host', engine: 'builtin', engineSection: {}, links: 1, sysctls: {}, cases: ['v6LC.1.1.1', 'v6LC.2.1.7-D'], index: [],
  kernelConfig: { origin: 'x', text: '' }, ...over,
});
const request = { good: 'v6.12', bad: 'v6.13-rc1', tree: '/srv/linux.git', testset: 'phase2-host', cases: ['v6LC.2.1.7-D'], requestedBy: 'api' };

async function desk(over: Partial<BisectionDesk> = {}) {
  const lab = await sqliteLab();
  const d: BisectionDesk = {
    results: lab.results, bisections: lab.bisections, names, defaults: { confirmRuns: 3, maxSteps: 30 },
    testset: async () => set(),
    range: async () => ({ good: sha('a'), bad: sha('b'), commitsInRange: 17 }),
    compare: async () => ({ entries: [] }),
    profile: (_s, asked) => asked ?? 'qemu',
    ...over,
  };
  return { lab, d };
}

test('a request: stored with the defaults, the range\'s size known at once; the same again finds it', async () => {
  const { lab, d } = await desk();
  const first = await startBisection(d, request);
  assert.equal(first.created, true);
  assert.deepEqual(
    { good: first.bisection.good, bad: first.bisection.bad, confirmRuns: first.bisection.confirmRuns, maxSteps: first.bisection.maxSteps, commitsInRange: first.bisection.commitsInRange, profile: first.bisection.profile },
    { good: { commit: sha('a'), runId: null }, bad: { commit: sha('b'), runId: null }, confirmRuns: 3, maxSteps: 30, commitsInRange: 17, profile: 'qemu' },
  );
  const again = await startBisection(d, { ...request, confirmRuns: 5 });
  assert.deepEqual([again.created, again.bisection.id, again.bisection.confirmRuns], [false, first.bisection.id, 3]);
  await lab.close();
});

test('refused before anything is stored: out-of-bounds attempts and steps, a set that names no cases, the caller\'s own refusals and failures of its set and tree', async () => {
  const { lab, d } = await desk();
  const refusals: [BisectionDesk, object, RegExp][] = [
    [d, { confirmRuns: 11 }, /^confirmRuns must be a whole number from 1 to 10, got 11$/],
    [d, { maxSteps: 0 }, /^maxSteps must be a whole number from 1 to 100, got 0$/],
    [d, { maxSteps: 2.5 }, /^maxSteps must be a whole number from 1 to 100, got 2\.5$/],
    [{ ...d, testset: async () => set({ engine: 'tahi' }) }, {}, /^test set phase2-host runs on engine tahi, whose cases a step cannot run alone/],
    [{ ...d, testset: async () => { throw new Error('no test set named phase2-hots'); } }, { testset: 'phase2-hots' }, /^no test set named phase2-hots$/],
    [{ ...d, range: async () => { throw new Error('good ref v6.12 does not exist in /srv/linux.git'); } }, {}, /^good ref v6\.12 does not exist/],
    [{ ...d, profile: () => { throw new BisectionRefused('no NUT of profile arm offers mode host'); } }, { nut: 'arm' }, /^no NUT of profile arm/],
  ];
  for (const [withDesk, over, why] of refusals) {
    await assert.rejects(startBisection(withDesk, { ...request, ...over }), (e: Error) => e instanceof BisectionRefused && why.test(e.message), String(why));
  }
  assert.deepEqual(await lab.bisections.list(), []);
  // The lab's own trouble is not the asker's: it stays what it was.
  const broken = new Error('database is locked');
  await assert.rejects(startBisection({ ...d, results: { ...lab.results, run: async () => { throw broken; } } }, { ...request, good: '12' }), (e) => e === broken);
  await lab.close();
});
