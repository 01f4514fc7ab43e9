// The pipeline's reruns with a recording driver and suite (the real QEMU path is labd's reruns e2e test):
// one fresh boot of the run's kernel per attempt with the run's boot request, only the set's cases asked
// about, every attempt's evidence written and recorded, and an attempt that cannot boot ends the reruns
// with the verdicts gathered so far.
import { AsyncLocalStorage } from 'node:async_hooks';
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NutBootError, type BootRequest, type BootedNut, type LabStore, type NutDriver, type PreparedEngine, type EngineRunContext, type TestSet, type Verdict } from '@testlab/core';
import { rerunnerFor } from '../src/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'testlab-rerun-cases-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const testset: TestSet = {
  name: 'phase2-host', title: 't', mode: 'host', engine: 'builtin', links: 1, sysctls: { 'net.ipv6.icmp.echo_ignore_all': '1' },
  cases: ['v6LC.1.1.1', 'v6LC.5.1.2-A', 'v6LC.5.1.8'], index: [], engineSection: {}, kernelConfig: { origin: 'x', text: '' },
};

/** Stands for what labd attaches to a run's async context (the engine's NUT image). */
const runContext = new AsyncLocalStorage<string>();

function setup(verdict: (attempt: number, caseId: string) => Verdict, failBootAt?: number) {
  const runDir = path.join(dir, `run-${Math.random().toString(36).slice(2)}`);
  const boots: BootRequest[] = [];
  const bootContexts: Array<string | undefined> = [];
  const shutdowns: string[] = [];
  const artifacts: Array<{ kind: string; path: string }> = [];
  const suiteCalls: EngineRunContext[] = [];
  const store = { addArtifact: async (a: { kind: string; path: string }) => void artifacts.push({ kind: a.kind, path: path.relative(runDir, a.path) }) } as unknown as LabStore;
  const driver: NutDriver = {
    kind: 'fake', reapStale: async () => 0,
    boot: async (request) => {
      boots.push(request);
      bootContexts.push(runContext.getStore());
      await mkdir(path.dirname(request.consoleLog), { recursive: true });
      await writeFile(request.consoleLog, `testlab: kernel ${request.kernel.kernelRelease}\n`);
      if (boots.length === failBootAt) throw new NutBootError('no ready marker', request.consoleLog);
      const nut: BootedNut = { name: `nut-${boots.length}`, kernelRelease: request.kernel.kernelRelease, links: [], consoleLog: request.consoleLog, exec: async () => ({ code: 0, stdout: '', stderr: '' }), shutdown: async () => void shutdowns.push(nut.name) };
      return nut;
    },
  };
  const engine: PreparedEngine = {
    id: 'fake', nut: { baseInitramfs: '' },
    run: async (context) => {
      suiteCalls.push(context);
      const attempt = suiteCalls.length;
      for (const caseId of context.cases) {
        const pcap = path.join(context.artifactsDir, `${caseId}.Link0.pcap`);
        await writeFile(pcap, 'pcap');
        await context.onResult({ caseId, title: `title ${caseId}`, verdict: verdict(attempt, caseId), reason: `attempt ${attempt}`, durationMs: 1, log: 'sent an Echo Request', pcaps: [pcap] });
      }
      return [];
    },
  };
  // Made inside the run's context (as runKernelTestSet does), called outside it (as the scheduler does).
  const rerun = runContext.run('kselftest image', () => rerunnerFor({
    store, engine, runId: 7, runDir, testset,
    bootRequest: (consoleLog) => ({ kernel: { bzImage: path.join(runDir, 'bzImage'), kernelRelease: '6.1.0-test' }, links: 1, sysctls: testset.sysctls, consoleLog }),
  }));
  const steps: string[] = [];
  const go = (caseIds: string[], times: number) => rerun({ caseIds, times, nutDriver: driver, progress: { step: (t) => steps.push(t), fraction() {} } });
  return { go, boots, bootContexts, shutdowns, artifacts, suiteCalls, steps, runDir };
}

test('each rerun attempt is a fresh boot of the run\'s kernel running only the asked cases of the set; verdicts and evidence per attempt', async () => {
  const s = setup((attempt, caseId) => (caseId === 'v6LC.5.1.2-A' && attempt === 1 ? 'FAIL' : 'PASS'));
  const verdicts = await s.go(['v6LC.5.1.2-A', 'v6LC.9.9.9', 'v6LC.1.1.1'], 2);
  // Set order, and a case the set does not name is not run.
  assert.deepEqual(s.suiteCalls.map((c) => c.cases), [['v6LC.1.1.1', 'v6LC.5.1.2-A'], ['v6LC.1.1.1', 'v6LC.5.1.2-A']]);
  assert.deepEqual([...verdicts], [['v6LC.1.1.1', ['PASS', 'PASS']], ['v6LC.5.1.2-A', ['FAIL', 'PASS']]]);
  assert.deepEqual(s.boots.map((b) => [path.relative(s.runDir, b.kernel.bzImage), b.sysctls, path.relative(s.runDir, b.consoleLog)]), [
    ['bzImage', testset.sysctls, 'reruns/attempt-1/console.log'],
    ['bzImage', testset.sysctls, 'reruns/attempt-2/console.log'],
  ]);
  assert.deepEqual(s.shutdowns, ['nut-1', 'nut-2'], 'every attempt\'s NUT is shut down');
  assert.equal(runContext.getStore(), undefined, 'called from outside the run\'s context');
  assert.deepEqual(s.bootContexts, ['kselftest image', 'kselftest image'], 'yet its boots see the run\'s context (the engine\'s NUT image)');
  assert.equal(typeof s.suiteCalls[0]!.bootNut, 'function', 'cases that need a fresh NUT get one, as in the run');
  const kinds = (kind: string) => s.artifacts.filter((a) => a.kind === kind).map((a) => a.path);
  assert.deepEqual(kinds('rerun-log'), ['1.1.1', '5.1.2-A', '1.1.1', '5.1.2-A'].map((c, i) => `reruns/attempt-${i < 2 ? 1 : 2}/cases/v6LC.${c}.log`));
  assert.equal(kinds('rerun-pcap').length, 4);
  assert.deepEqual(kinds('rerun-console-log'), ['reruns/attempt-1/console.log', 'reruns/attempt-2/console.log']);
  const log = readFileSync(path.join(s.runDir, 'reruns/attempt-1/cases/v6LC.5.1.2-A.log'), 'utf8');
  assert.match(log, /^verdict: FAIL$/m);
  assert.match(log, /sent an Echo Request/);
});

test('an attempt whose NUT does not boot ends the reruns with the verdicts so far; its console is still kept', async () => {
  const s = setup(() => 'FAIL', 2);
  const verdicts = await s.go(['v6LC.5.1.8'], 3);
  assert.deepEqual([...verdicts], [['v6LC.5.1.8', ['FAIL']]]);
  assert.equal(s.boots.length, 2, 'no third attempt after a NUT that did not come up');
  assert.ok(s.steps.some((t) => /rerun 2\/3 ended early: no ready marker/.test(t)), s.steps.join('\n'));
  assert.ok(s.artifacts.some((a) => a.kind === 'rerun-console-log' && a.path === 'reruns/attempt-2/console.log'));
});
