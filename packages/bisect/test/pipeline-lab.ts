// Recording stand-ins for what a step's run drives (builder, NUT driver, engine) under the real pipeline and
// the real SQLite store: kernels behave by the commit they were built from, so a whole bisection runs through
// pipelineStepRunner as labd and the CLI run it, without building or booting anything.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { StageError, type BootedNut, type BuiltKernel, type KernelSource, type NutDriver, type PreparedEngine, type TestSet, type Verdict } from '@testlab/core';
import type { PipelineStepDeps, StepWatch } from '../src/index.js';

export const TREE = '/srv/git/linux.git';
export const REVERTED = 'f'.repeat(40);

export const phase2Host: TestSet = {
  name: 'phase2-host', title: 'Phase-2 host', mode: 'host', engine: 'builtin', engineSection: {}, links: 1, sysctls: {},
  cases: ['v6LC.1.1.1', 'v6LC.2.1.7-D', 'v6LC.5.1.2'], index: [], kernelConfig: { origin: 'testset phase2-host', text: 'CONFIG_IPV6=y\n' },
};

export interface KernelScript {
  /** Verdict of a case on the kernel of `commit` (REVERTED: the bad commit with the culprit reverted) at its n-th run. */
  verdict(commit: string, caseId: string, attempt: number): Verdict;
  /** Commits whose build fails. */
  brokenBuild?: readonly string[];
  /** Commits whose kernel hangs on the first case: the watch fires. */
  hangs?: readonly string[];
  /** A revert that does not apply. */
  revertFails?: string;
}

/** What the step runner is given, with a log of everything the lab did. */
export function pipelineLab(dir: string, store: PipelineStepDeps['store'], script: KernelScript) {
  const events: string[] = [];
  const attempts = new Map<string, number>();
  const commitOf = (source: KernelSource) => source.description.slice(`git ${TREE}@`.length);
  const watches: FakeWatch[] = [];
  const deps: PipelineStepDeps = {
    store,
    testset: phase2Host,
    artifactsRoot: path.join(dir, 'runs'),
    sourceOf: (commit) => ({ description: `git ${TREE}@${commit}`, identify: async () => ({ hash: `git:${commit}`, label: commit }), extractTo: async () => undefined }),
    revertOnto: async (bad, culprit) => {
      events.push(`revert ${culprit.slice(0, 3)} on ${bad.slice(0, 3)}`);
      return script.revertFails === culprit ? { applied: false, reason: 'CONFLICT (content): Merge conflict in net/ipv6/ndisc.c' } : { applied: true, commit: REVERTED };
    },
    pipelineFor: async (source, testset) => {
      const commit = commitOf(source);
      events.push(`pipeline ${commit.slice(0, 3)} ${testset.name} [${testset.cases.join(',')}]`);
      const engine: PreparedEngine = {
        id: 'builtin',
        run: async (context) => {
          const results = [];
          for (const caseId of context.cases) {
            if (script.hangs?.includes(commit)) {
              await new Promise((resolve) => setTimeout(resolve, 200));
              break;
            }
            const n = (attempts.get(`${commit}:${caseId}`) ?? 0) + 1;
            attempts.set(`${commit}:${caseId}`, n);
            const result = { caseId, title: caseId, verdict: script.verdict(commit, caseId, n), reason: `attempt ${n}`, durationMs: 1, log: '', pcaps: [] };
            await context.onResult(result);
            results.push(result);
          }
          return results;
        },
      };
      return {
        build: { source, baseConfig: 'tinyconfig', fragments: [testset.kernelConfig] },
        builder: {
          build: async (_request, observer) => {
            for (const stage of ['unpack', 'configure', 'build'] as const) {
              observer.stageStarted(stage);
              if (stage === 'build' && script.brokenBuild?.includes(commit)) throw new StageError('build', `make: *** [Makefile:1234: vmlinux] Error 2 (${commit.slice(0, 3)})`);
              observer.stageFinished(stage, 'done');
            }
            return built(dir, commit);
          },
        },
        nutDriver: fakeNut(events),
        prepareEngine: async () => engine,
      };
    },
    reporter: () => ({ runStarted() {}, stageStarted: () => ({ step() {}, fraction() {} }), stageFinished() {}, caseFinished() {} }),
    rerunProgress: { step() {}, fraction() {} },
  };
  return { deps, events, watches, watched: (): PipelineStepDeps => ({ ...deps, watch: () => (watches.push(new FakeWatch()), watches.at(-1)!) }) };
}

function built(dir: string, commit: string): BuiltKernel {
  const kdir = path.join(dir, 'kernels', commit);
  mkdirSync(kdir, { recursive: true });
  const files = Object.fromEntries(['bzImage', 'System.map', 'config', 'build.log'].map((n) => [n, path.join(kdir, n)]));
  for (const f of Object.values(files)) writeFileSync(f, commit);
  return {
    cacheKey: commit, sourceHash: `git:${commit}`, sourceLabel: `git ${TREE}@${commit}`, kernelVersion: '6.13.0', kernelRelease: `6.13.0-${commit.slice(0, 3)}`, fromCache: false,
    artifacts: { bzImage: files.bzImage!, systemMap: files['System.map']!, config: files.config!, buildLog: files['build.log']! },
    stages: { unpack: 'done', configure: 'done', build: 'done' },
  };
}

function fakeNut(events: string[]): NutDriver {
  return {
    kind: 'qemu', reapStale: async () => 0,
    boot: async (request) => {
      mkdirSync(path.dirname(request.consoleLog), { recursive: true });
      writeFileSync(request.consoleLog, `booted ${request.kernel.kernelRelease}\n`);
      events.push(`boot ${request.kernel.kernelRelease}`);
      return { name: 'vm-1', kernelRelease: request.kernel.kernelRelease, links: [], consoleLog: request.consoleLog, exec: async () => ({ code: 0, stdout: '', stderr: '' }), shutdown: async () => undefined } satisfies BootedNut;
    },
  };
}

/** A watch that fires when a run's kernel boots and no case ends within 100 ms (the scheduler's is the real one). */
export class FakeWatch implements StepWatch {
  fired: { reason: string } | undefined;
  private timer: NodeJS.Timeout | undefined;
  wrap(driver: NutDriver): NutDriver {
    return { ...driver, boot: async (request, progress) => {
      const nut = await driver.boot(request, progress);
      this.timer = setTimeout(() => (this.fired = { reason: 'no case finished within 0 s: the NUT is hung' }), 100);
      return nut;
    } };
  }
  caseFinished(): void {
    clearTimeout(this.timer);
  }
  async stop(): Promise<void> {
    clearTimeout(this.timer);
  }
}
