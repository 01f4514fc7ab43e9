// What a bisect job drives, standing in for git, the builder, the engine and the NUT: a linear history whose
// kernels fail a case from one commit on, so labd's bisections run whole on the real SQLite store, queue,
// pipeline and worker without a kernel tree or QEMU.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseKernelVersion, type BisectRepository, type BootedNut, type BuiltKernel, type CaseResult, type KernelBuilder, type LabStore, type NutDriver, type PreparedEngine, type TestSet, type Verdict } from '@testlab/core';
import type { PrepareEngine } from '@testlab/pipeline';
import type { BisectGit } from '../src/lab-bisect.js';

export const TREE = 'https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git';
export const CASE = 'v6LC.2.1.7-D';
export const commits = Array.from({ length: 9 }, (_, i) => `c${i}`.padEnd(40, '0'));
const REVERTED = 'f'.repeat(40);
const at = (commit: string) => commits.indexOf(commit);

/** Kernels from commits[5] on fail CASE; the bad kernel with commits[5] reverted passes it. */
export const verdictOf = (commit: string, caseId: string): Verdict => (caseId === CASE && commit !== REVERTED && at(commit) >= 5 ? 'FAIL' : 'PASS');

export function fakeGit(events: string[], options: { rebased?: boolean } = {}): BisectGit {
  const repo: BisectRepository = {
    resolve: async (ref) => ref,
    isAncestor: async (a, d) => !options.rebased && at(a) <= at(d),
    countRange: async (good, bad) => at(bad) - at(good),
    next: async (bad, goods, skipped) => {
      const lo = Math.max(...goods.map(at));
      const left = commits.slice(lo + 1, at(bad)).filter((c) => !skipped.includes(c));
      if (left.length === 0) return { culprit: bad };
      return { test: left[Math.floor((left.length - 1) / 2)]! };
    },
    identity: async (commit) => ({ commit, subject: `net: change ${at(commit)}`, author: 'A U Thor <author@example.org>' }),
    firstParent: async (commit) => (at(commit) > 0 ? commits[at(commit) - 1]! : null),
  };
  return {
    repository: () => repo,
    sourceOf: (tree, commit) => ({ description: `git ${tree}@${commit}`, identify: async () => ({ hash: `git:${commit}`, label: commit }), extractTo: async () => undefined }),
    revertOnto: async (_tree, bad, culprit) => (events.push(`revert ${culprit.slice(0, 2)} on ${bad.slice(0, 2)}`), { applied: true, commit: REVERTED }),
  };
}

const commitOf = (description: string) => description.slice(description.lastIndexOf('@') + 1);

export function fakeBuilder(dir: string, events: string[]): KernelBuilder {
  return {
    async build(request, observer) {
      const commit = commitOf(request.source.description);
      for (const stage of ['unpack', 'configure', 'build'] as const) {
        observer.stageStarted(stage);
        observer.stageFinished(stage, 'done');
      }
      events.push(`build ${commit.slice(0, 2)}`);
      const kdir = path.join(dir, 'kernels', commit);
      mkdirSync(kdir, { recursive: true });
      const files = Object.fromEntries(['bzImage', 'System.map', 'config', 'build.log'].map((n) => [n, path.join(kdir, n)]));
      for (const f of Object.values(files)) writeFileSync(f, commit);
      return {
        cacheKey: commit, sourceHash: `git:${commit}`, sourceLabel: request.source.description, kernelVersion: '6.13.0', kernelRelease: `6.13.0-${commit.slice(0, 2)}`, fromCache: false,
        artifacts: { bzImage: files.bzImage!, systemMap: files['System.map']!, config: files.config!, buildLog: files['build.log']! },
        stages: { unpack: 'done', configure: 'done', build: 'done' },
      } satisfies BuiltKernel;
    },
  };
}

/** The engine's runs so far in this process, per commit (a run and each rerun count one). */
export const engineRuns = new Map<string, number>();

/**
 * The set's engine on the fake kernels. `hangAt`: the engine's n-th run of a commit writes `marker` and never
 * ends (a process about to be killed mid-step).
 */
export const preparer = (hangAt?: { commit: string; run: number; marker: string }): PrepareEngine => async (build) => {
  const commit = commitOf(build.source.description);
  const engine: PreparedEngine = {
    id: 'builtin',
    run: async (context) => {
      const n = (engineRuns.get(commit) ?? 0) + 1;
      engineRuns.set(commit, n);
      if (hangAt?.commit === commit && hangAt.run === n) {
        writeFileSync(hangAt.marker, `${process.pid}\n`);
        await new Promise(() => undefined);
      }
      const results: CaseResult[] = [];
      for (const caseId of context.cases) {
        const result = { caseId, title: caseId, verdict: verdictOf(commit, caseId), reason: commit.slice(0, 2), durationMs: 1, log: '', pcaps: [] };
        await context.onResult(result);
        results.push(result);
      }
      return results;
    },
  };
  return engine;
};

export function fakeNutDriver(events: string[]): NutDriver {
  return {
    kind: 'qemu', reapStale: async () => 0,
    boot: async (request) => {
      mkdirSync(path.dirname(request.consoleLog), { recursive: true });
      writeFileSync(request.consoleLog, `Linux version ${request.kernel.kernelRelease}\n`);
      events.push(`boot ${request.kernel.kernelRelease}`);
      return { name: 'vm-1', kernelRelease: request.kernel.kernelRelease, links: [], consoleLog: request.consoleLog, exec: async () => ({ code: 0, stdout: '', stderr: '' }), shutdown: async () => undefined } satisfies BootedNut;
    },
  };
}

/** A finished run of `set` on a snapshot kernel built from `commit` of TREE, with CASE's verdict as that kernel gives it. */
export async function gitRun(store: LabStore, set: TestSet, version: string, commit: string): Promise<number> {
  const label = `git ${TREE}@${commit}`;
  const kernel = await store.upsertKernel({ version: parseKernelVersion(version), sourceLabel: label, sourceHash: `git:${commit}` });
  const build = await store.recordBuild({ kernelId: kernel.id, cacheKey: commit, kernelRelease: version, fromCache: false });
  const run = await store.startRun({ testset: set.name, nut: 'qemu', sourceLabel: label, ownerPid: process.pid });
  await store.attachKernel(run.id, kernel.id, build.id);
  for (const caseId of set.cases) await store.addResult(run.id, { caseId, title: caseId, verdict: verdictOf(commit, caseId), reason: '', durationMs: 1, log: '', pcaps: [] });
  await store.finishRun(run.id, { status: 'done' });
  return run.id;
}

/** The set the fakes bisect: two cases, CASE the one that regresses. */
export const phase2HostFake: TestSet = {
  name: 'phase2-host', title: 'Phase-2 host', mode: 'host', engine: 'builtin', engineSection: {}, links: 1, sysctls: {},
  cases: ['v6LC.1.1.1', CASE], index: [], kernelConfig: { origin: 'testset phase2-host', text: 'CONFIG_IPV6=y\n' },
};
