// The only place that picks concrete drivers: the embedded default is SQLite + a QEMU NUT + our engine.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { LabStore } from '@testlab/core';
import { openSqliteStore } from '@testlab/store-sqlite';
import { createKernelBuilder } from '@testlab/builder';
import { createQemuNutDriver } from '@testlab/nut-drivers';
import { createBuiltinSuite } from '@testlab/suites';
import type { LabPaths } from './lab-paths.js';

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

export async function labDrivers(paths: LabPaths) {
  const nutDriver = createQemuNutDriver({ stateDir: path.join(paths.home, 'nut'), baseInitramfs: paths.nutImage });
  // VMs of a lab process that died are ended by their recorded process ids before new ones start.
  await nutDriver.reapStale();
  return {
    builder: createKernelBuilder({ cacheDir: paths.cache }),
    nutDriver,
    suite: createBuiltinSuite(),
  };
}
