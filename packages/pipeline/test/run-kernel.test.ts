// One run through the pipeline with a recording builder, NUT driver and engine on a real SQLite store: the
// engine is prepared inside the run with the run's own build request, an image it asks for travels in every
// boot request (the run's NUT and the ones its engine boots more of), and an engine that cannot be prepared
// fails the run at its build stage with its reason in a log, before anything is built or booted.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BootRequest, type BootedNut, type BuildRequest, type BuiltKernel, type KernelBuilder, type NutDriver, type RunReporter, type TestSet } from '@testlab/core';
import { openSqliteStore } from '@testlab/store-sqlite';
import { runKernelTestSet, type PrepareEngine } from '../src/index.js';

const dir = mkdtempSync(path.join(tmpdir(), 'testlab-run-kernel-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const testset: TestSet = {
  name: 'kselftest-net-ipv6', title: 't', mode: 'host', engine: 'kselftest', engineSection: {}, links: 1, sysctls: {}, cases: [], index: [],
  kernelConfig: { origin: 'testset kselftest-net-ipv6', text: 'CONFIG_IPV6=y\n' },
};
const build: BuildRequest = { source: { description: 'linux-6.1.tar.xz', identify: async () => ({ hash: 'x', label: 'x' }) } as unknown as BuildRequest['source'], baseConfig: 'tinyconfig', fragments: [testset.kernelConfig] };

function kernelFiles(): BuiltKernel {
  const files = Object.fromEntries(['bzImage', 'System.map', 'config', 'build.log'].map((n) => [n, path.join(dir, n)]));
  for (const f of Object.values(files)) writeFileSync(f, 'x');
  return {
    cacheKey: 'k', sourceHash: 'sha256:x', sourceLabel: 'linux-6.1.tar.xz', kernelVersion: '6.1.192', kernelRelease: '6.1.192', fromCache: true,
    artifacts: { bzImage: files.bzImage!, systemMap: files['System.map']!, config: files.config!, buildLog: files['build.log']! },
    stages: { unpack: 'cached', configure: 'cached', build: 'cached' },
  };
}

function setup() {
  const store = openSqliteStore(path.join(dir, `lab-${Math.random().toString(36).slice(2)}.db`));
  const builds: BuildRequest[] = [];
  const builder: KernelBuilder = { build: async (request) => (builds.push(request), kernelFiles()) };
  const boots: BootRequest[] = [];
  const nutDriver: NutDriver = {
    kind: 'fake', reapStale: async () => 0,
    boot: async (request) => {
      boots.push(request);
      writeFileSync(request.consoleLog, 'booted\n');
      return { name: `nut-${boots.length}`, kernelRelease: '6.1.192', links: [], consoleLog: request.consoleLog, exec: async () => ({ code: 0, stdout: '', stderr: '' }), shutdown: async () => undefined } satisfies BootedNut;
    },
  };
  const steps: string[] = [];
  const reporter: RunReporter = { runStarted() {}, stageStarted: (stage) => ({ step: (t) => void steps.push(`${stage}: ${t}`), fraction() {} }), stageFinished() {}, caseFinished() {} };
  return { store, builder, builds, nutDriver, boots, reporter, steps };
}

test('the engine is prepared with the run\'s build request, its steps shown under build, and its image booted by every NUT of the run', async () => {
  const s = setup();
  const asked: BuildRequest[] = [];
  const prepareEngine: PrepareEngine = async (request, progress) => {
    asked.push(request);
    progress('kselftest: selftests').step('make -k TARGETS=net');
    return {
      id: 'kselftest', nut: { baseInitramfs: '/cache/kselftest/abc/nut.cpio.gz', memoryMiB: 1024 },
      run: async (context) => {
        await (await context.bootNut!()).shutdown();
        const result = { caseId: 'net/icmp.sh', title: 'icmp', verdict: 'PASS' as const, reason: 'ok', durationMs: 1, log: '', pcaps: [] };
        await context.onResult(result);
        return [result];
      },
    };
  };
  const outcome = await runKernelTestSet({ store: s.store, builder: s.builder, nutDriver: s.nutDriver, prepareEngine, artifactsRoot: dir, reporter: s.reporter }, { build, testset });
  assert.equal(outcome.status, 'done');
  assert.deepEqual(asked, [build], 'the engine gets the very request the pipeline builds');
  assert.deepEqual(s.builds, [build]);
  assert.deepEqual(s.steps, ['build: kselftest: selftests: make -k TARGETS=net']);
  assert.equal(s.boots.length, 2);
  for (const b of s.boots) assert.deepEqual(b.image, { baseInitramfs: '/cache/kselftest/abc/nut.cpio.gz', memoryMiB: 1024 });
  assert.deepEqual((await s.store.resultsOf(outcome.runId)).map((r) => r.caseId), ['net/icmp.sh']);
  await s.store.close();
});

test('an engine without an image of its own leaves boot requests without one', async () => {
  const s = setup();
  const prepareEngine: PrepareEngine = async () => ({ id: 'builtin', run: async () => [] });
  const outcome = await runKernelTestSet({ store: s.store, builder: s.builder, nutDriver: s.nutDriver, prepareEngine, artifactsRoot: dir, reporter: s.reporter }, { build, testset });
  assert.equal(outcome.status, 'done');
  assert.equal(s.boots[0]?.image, undefined);
  await s.store.close();
});

test('an engine that cannot be prepared fails the run at its build stage with the reason in a log; nothing built or booted', async () => {
  const s = setup();
  const prepareEngine: PrepareEngine = async () => {
    throw new Error('the NUT root file system /cache/nut-rootfs/rootfs.cpio.gz does not exist');
  };
  const outcome = await runKernelTestSet({ store: s.store, builder: s.builder, nutDriver: s.nutDriver, prepareEngine, artifactsRoot: dir, reporter: s.reporter }, { build, testset });
  assert.ok(outcome.status === 'failed');
  assert.equal(outcome.stage, 'build');
  assert.match(outcome.error, /^preparing the test set's engine failed: the NUT root file system .* does not exist/);
  assert.deepEqual([s.builds.length, s.boots.length], [0, 0]);
  const run = await s.store.getRun(outcome.runId);
  assert.equal(run?.status, 'failed');
  assert.equal(run?.failedStage, 'build');
  const logs = (await s.store.artifactsOf(outcome.runId)).filter((a) => a.kind === 'build-log');
  assert.equal(logs.length, 1);
  assert.match(readFileSync(logs[0]!.path, 'utf8'), /rootfs\.cpio\.gz does not exist/);
  const stages = await s.store.stagesOf(outcome.runId);
  assert.deepEqual(stages.map((x) => [x.stage, x.status]), [['build', 'failed']]);
  await s.store.close();
});

test('a case\'s evidence beside its captures (an IPsec case\'s esp_sa and preferences) is recorded as artifacts of its kind', async () => {
  const s = setup();
  const prepareEngine: PrepareEngine = async () => ({
    id: 'builtin',
    run: async (context) => {
      const caseDir = path.join(context.artifactsDir, 'IPsec.5.1.1');
      const files = Object.fromEntries(['Link0.pcap', 'esp_sa', 'preferences'].map((n) => [n, path.join(caseDir, n)]));
      mkdirSync(caseDir, { recursive: true });
      for (const f of Object.values(files)) writeFileSync(f, 'x');
      const result = {
        caseId: 'IPsec.5.1.1', title: 'Select SPD', verdict: 'PASS' as const, reason: 'ok', durationMs: 1, log: '', pcaps: [files['Link0.pcap']!],
        evidence: [{ kind: 'esp-sa', path: files.esp_sa! }, { kind: 'wireshark-preferences', path: files.preferences! }],
      };
      await context.onResult(result);
      return [result];
    },
  });
  const outcome = await runKernelTestSet({ store: s.store, builder: s.builder, nutDriver: s.nutDriver, prepareEngine, artifactsRoot: dir, reporter: s.reporter }, { build, testset });
  assert.equal(outcome.status, 'done');
  const kept = (await s.store.artifactsOf(outcome.runId)).filter((a) => ['pcap', 'esp-sa', 'wireshark-preferences'].includes(a.kind));
  assert.deepEqual(kept.map((a) => [a.kind, path.basename(a.path)]), [['pcap', 'Link0.pcap'], ['esp-sa', 'esp_sa'], ['wireshark-preferences', 'preferences']]);
  assert.equal(new Set(kept.map((a) => path.dirname(a.path))).size, 1, 'all in the case folder');
  await s.store.close();
});
