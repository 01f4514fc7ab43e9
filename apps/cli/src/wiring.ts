// The only place that picks concrete drivers for `testlab run`: the lab's store (SQLite, or PostgreSQL named by
// $TESTLAB_STORE) + a QEMU NUT + the engine the test
// set names (@testlab/engines: builtin, kselftest, tahi; labd picks from the same registry).
import { chmod, mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { buildRequestFor, type BuildRequest, type KernelProfile, type KernelSource, type LabStore, type LabStores, type ResultsQuery, type TestSet } from '@testlab/core';
import { envStoreLocation } from '@testlab/lab-config';
import { openLabStores } from '@testlab/stores';
import { createKernelBuilder } from '@testlab/builder';
import { createQemuNutDriver } from '@testlab/nut-drivers';
import { checkEngine, prepareEngine } from '@testlab/engines';
import type { PrepareEngine } from '@testlab/pipeline';
import { isProcessAlive } from '@testlab/scheduler';
import type { LabPaths } from './lab-paths.js';

/** The CLI's local lab: its store and the results service's view of the same database. */
export interface LocalLab {
  store: LabStore;
  results: ResultsQuery;
}

export async function openLocalLab(paths: LabPaths): Promise<LocalLab> {
  const { store, results } = await openLocalStores(paths);
  return { store, results };
}

/** Every store contract of the local lab (for commands that need more than runs and results: bisections). */
export async function openLocalStores(paths: LabPaths): Promise<LabStores> {
  // Private: lab.db holds subscribers' addresses and signed links, runs/ the evidence, nut/ the lab's keys.
  await mkdir(paths.home, { recursive: true, mode: 0o700 });
  const { mode } = await stat(paths.home);
  if ((mode & 0o077) !== 0) await chmod(paths.home, mode & 0o700);
  const stores = await openLabStores(envStoreLocation(process.env, paths.home), { applicationName: 'testlab' });
  // A lab process that died mid-run left its runs `running`: say so before anything else reads them.
  await stores.store.markOrphanedRuns(isProcessAlive);
  return stores;
}

export const openLabStore = async (paths: LabPaths): Promise<LabStore> => (await openLocalLab(paths)).store;

/** Opens the local lab for one read, closed whatever happens. */
export async function withLocalLab<T>(paths: LabPaths, read: (lab: LocalLab) => Promise<T>): Promise<T> {
  const lab = await openLocalLab(paths);
  try {
    return await read(lab);
  } finally {
    await lab.store.close();
  }
}

/** The one kind of NUT `testlab run` builds for: a QEMU VM from tinyconfig plus the lab's QEMU fragment. */
export async function qemuProfile(paths: LabPaths): Promise<KernelProfile> {
  return { name: 'qemu', baseConfig: 'tinyconfig', labFragment: { origin: 'lab (infra/kernel/qemu-nut.config)', text: await readFile(paths.labFragment, 'utf8') } };
}

/** What the drivers are chosen for. */
export interface RunWiring {
  testset: TestSet;
  source: KernelSource;
  /** `--tahi-tester <file.yaml>` (engine tahi). */
  tahiTester?: string;
}

/**
 * The builder, a QEMU driver on the lab's small image (a run whose engine boots its own image says so in
 * each boot request), the build request, and how the pipeline prepares the set's engine inside the run.
 * The engine's checks that need no build run here first: a set that could never run stores no run.
 */
export async function labDrivers(paths: LabPaths, run: RunWiring) {
  const builder = createKernelBuilder({ cacheDir: paths.cache });
  const build: BuildRequest = buildRequestFor(run.source, await qemuProfile(paths), run.testset);
  const engine = { paths: { cache: paths.cache, ...(paths.rootfsImage ? { rootfsImage: paths.rootfsImage } : {}) }, ...(run.tahiTester ? { tahiTester: run.tahiTester } : {}) };
  await checkEngine(run.testset, engine);
  const prepare: PrepareEngine = (request, progress) => prepareEngine(run.testset, { ...engine, build: request, builder, progress });
  const nutDriver = createQemuNutDriver({ stateDir: path.join(paths.home, 'nut'), baseInitramfs: paths.nutImage });
  // VMs of a lab process that died are ended by their recorded process ids before new ones start.
  await nutDriver.reapStale();
  return { builder, nutDriver, prepareEngine: prepare, build };
}
