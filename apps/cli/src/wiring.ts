// The only place that picks concrete drivers: SQLite + a QEMU NUT + the engine the test set names
// (@testlab/engines: builtin, kselftest, tahi; labd picks from the same registry).
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { BuildRequest, KernelSource, LabStore, TestSet } from '@testlab/core';
import { openSqliteStore } from '@testlab/store-sqlite';
import { createKernelBuilder } from '@testlab/builder';
import { createQemuNutDriver } from '@testlab/nut-drivers';
import { loadTestSetDefinition } from '@testlab/testsets';
import type { LabPaths } from './lab-paths.js';
import { builtinDrivers, engineFor, stepProgress, type EngineRequest } from '@testlab/engines';

export async function openLabStore(paths: LabPaths): Promise<LabStore> {
  await mkdir(paths.home, { recursive: true });
  const store = openSqliteStore(path.join(paths.home, 'lab.db'));
  // A lab process that died mid-run left its runs `running`: say so before anything else reads them.
  await store.markOrphanedRuns(isProcessAlive);
  return store;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What the drivers are chosen for: without it, the builtin engine on the lab's small NUT image. */
export interface RunWiring {
  testset: TestSet;
  source: KernelSource;
  /** `--tahi-tester <file.yaml>` (engine tahi). */
  tahiTester?: string;
  progress?: EngineRequest['progress'];
}

/**
 * The request the pipeline makes for this run (commands/run.ts passes the same file and base config):
 * an engine that builds the kernel first must ask for exactly this, or the pipeline's build is not a hit.
 */
export async function labBuildRequest(paths: LabPaths, source: KernelSource, testset: TestSet): Promise<BuildRequest> {
  return {
    source,
    baseConfig: 'tinyconfig',
    fragments: [{ origin: 'lab (infra/kernel/qemu-nut.config)', text: await readFile(paths.labFragment, 'utf8') }, testset.kernelConfig],
  };
}

export async function labDrivers(paths: LabPaths, run?: RunWiring) {
  const builder = createKernelBuilder({ cacheDir: paths.cache });
  const engine = run
    ? await engineFor(run.testset.engine, run.testset.name).prepare({
        paths,
        testset: run.testset,
        definition: await loadTestSetDefinition(paths.testsets, run.testset.name),
        build: await labBuildRequest(paths, run.source, run.testset),
        builder,
        ...(run.tahiTester ? { tahiTester: run.tahiTester } : {}),
        progress: run.progress ?? stepProgress(),
      })
    : builtinDrivers(paths);
  const nutDriver = createQemuNutDriver({ stateDir: path.join(paths.home, 'nut'), ...engine.nut });
  // VMs of a lab process that died are ended by their recorded process ids before new ones start.
  await nutDriver.reapStale();
  return { builder, nutDriver, suite: engine.suite };
}
