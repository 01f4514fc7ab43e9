// A small lab with real files: kernels of a few streams, runs with results, artifacts and pcaps in a
// real runs folder, and diffs recorded by the real hook. Shared by the inject and browser tests.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseKernelVersion, type Verdict } from '@testlab/core';
import { recordRunDiffs, type RecordDiffOptions } from '@testlab/diff';
import { openSqliteStores, type SqliteBisections, type SqliteResults, type SqliteStore } from '@testlab/store-sqlite';

export const XSS = `<script>document.title='pwned'</script><img src=x onerror="document.title='pwned'">`;

export interface Lab {
  dir: string;
  runsDir: string;
  store: SqliteStore;
  results: SqliteResults;
  bisections: SqliteBisections;
  /** Run id by kernel version (test set phase2-host on qemu). */
  runs: Map<string, number>;
  cleanup(): Promise<void>;
}

export interface RunSpec {
  version: string;
  verdicts: Record<string, Verdict>;
  testset?: string;
  status?: 'done' | 'running';
}

let clockMs = Date.parse('2025-01-01T02:00:00.000Z');
const now = () => new Date(clockMs);

export async function openLab(): Promise<Lab> {
  const dir = mkdtempSync(path.join(tmpdir(), 'testlab-web-'));
  const runsDir = path.join(dir, 'runs');
  mkdirSync(runsDir);
  const { store, results, bisections } = openSqliteStores(path.join(dir, 'lab.db'), { now });
  return {
    dir,
    runsDir,
    store,
    results,
    bisections,
    runs: new Map(),
    async cleanup() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const TITLES: Record<string, string> = {
  'v6LC.1.1.1': 'Version Field',
  'v6LC.1.1.7-A': 'Unrecognized Next Header in IPv6 Header',
  'v6LC.2.1.7-D': 'Invalid Neighbor Solicitation Handling: Invalid Hop Limit',
  'v6LC.5.1.2-A': 'Replying to Echo Requests: to the link-local address',
  'v6LC.5.1.8': XSS,
};

/** Stores one run the way the pipeline does (kernel, build, stages, results, artifacts) and records its diffs. */
export async function addRun(lab: Lab, spec: RunSpec, diffOptions: RecordDiffOptions | ((runId: number) => RecordDiffOptions) = {}): Promise<number> {
  const { store } = lab;
  const kernel = await store.upsertKernel({ version: parseKernelVersion(spec.version), sourceLabel: `linux-${spec.version}.tar.xz`, sourceHash: `sha256:${spec.version}` });
  const build = await store.recordBuild({ kernelId: kernel.id, cacheKey: `key-${spec.version}`, kernelRelease: spec.version, fromCache: false });
  const run = await store.startRun({ testset: spec.testset ?? 'phase2-host', nut: 'qemu', sourceLabel: `linux-${spec.version}.tar.xz`, ownerPid: process.pid });
  await store.attachKernel(run.id, kernel.id, build.id);
  const runDir = path.join(lab.runsDir, `run-${run.id}`);
  mkdirSync(runDir, { recursive: true });
  const file = (name: string, text: string) => {
    const p = path.join(runDir, name);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, text);
    return p;
  };
  const buildLog = file('build.log', `make -j2 bzImage\n  CC net/ipv6/ndisc.o\n<b>not bold</b>\n`);
  for (const stage of ['unpack', 'configure', 'build', 'boot', 'test'] as const) {
    await store.startStage(run.id, stage, stage === 'build' ? buildLog : undefined);
    clockMs += 20_000;
    if (spec.status === 'running' && stage === 'boot') break;
    await store.finishStage(run.id, stage, 'done', stage === 'boot' ? 'qemu-1 runs the kernel' : undefined);
  }
  await store.addArtifact({ runId: run.id, kind: 'build-log', path: buildLog, sizeBytes: 60 });
  await store.addArtifact({ runId: run.id, kind: 'config', path: file('config', 'CONFIG_IPV6=y\n'), sizeBytes: 14 });
  if (spec.status === 'running') {
    lab.runs.set(spec.version, run.id);
    return run.id;
  }
  for (const [caseId, verdict] of Object.entries(spec.verdicts)) {
    const pcap = file(`cases/${caseId}/Link0.pcap`, 'pcap bytes');
    await store.addResult(run.id, {
      caseId,
      title: TITLES[caseId] ?? `case ${caseId}`,
      verdict,
      reason: verdict === 'PASS' ? 'echo reply received' : 'expected an Echo Reply within 2 s; seen nothing (RFC 4443 §4.2)',
      durationMs: 1500,
      log: `-> Echo Request\n<- ${verdict === 'PASS' ? 'Echo Reply' : 'nothing'}\n${caseId === 'v6LC.5.1.8' ? XSS : ''}\n`,
      pcaps: [pcap],
    });
  }
  clockMs += 60_000;
  await store.finishRun(run.id, { status: 'done' });
  await recordRunDiffs(lab.results, run.id, typeof diffOptions === 'function' ? diffOptions(run.id) : diffOptions);
  if (!spec.testset) lab.runs.set(spec.version, run.id);
  return run.id;
}

const ALL_PASS: Record<string, Verdict> = {
  'v6LC.1.1.1': 'PASS',
  'v6LC.1.1.7-A': 'PASS',
  'v6LC.2.1.7-D': 'PASS',
  'v6LC.5.1.2-A': 'PASS',
  'v6LC.5.1.8': 'PASS',
};

/**
 * 6.11 all pass; 6.12-rc1 breaks 2.1.7-D (and 5.1.8, the XSS-titled case, errors); 6.12-rc2 fixes 5.1.8;
 * 6.12 keeps 2.1.7-D failing; 6.12.1 passes everything. Plus a run still in progress.
 */
export async function seedHistory(lab: Lab): Promise<void> {
  await addRun(lab, { version: '6.11', verdicts: ALL_PASS });
  await addRun(lab, { version: '6.12-rc1', verdicts: { ...ALL_PASS, 'v6LC.2.1.7-D': 'FAIL', 'v6LC.5.1.8': 'ERROR' } });
  await addRun(lab, { version: '6.12-rc2', verdicts: { ...ALL_PASS, 'v6LC.2.1.7-D': 'FAIL' } });
  await addRun(lab, { version: '6.12', verdicts: { ...ALL_PASS, 'v6LC.2.1.7-D': 'FAIL' } });
  await addRun(lab, { version: '6.12.1', verdicts: ALL_PASS });
  await addRun(lab, { version: '6.13-rc1', verdicts: ALL_PASS, status: 'running' });
}
