// The lab's real embedded store in a temporary file: the bisection tests run on the same BisectionStore labd
// and the CLI use (its refusals included), with runs to point steps at.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LabStores } from '@testlab/core';
import { openSqliteStores } from '@testlab/store-sqlite';

export async function sqliteLab(): Promise<LabStores & { newRun(): Promise<number> }> {
  const stores = await openSqliteStores(path.join(mkdtempSync(path.join(os.tmpdir(), 'testlab-bisect-')), 'lab.db'));
  return Object.assign(stores, {
    async newRun() {
      return (await stores.store.startRun({ testset: 'bisect-phase2-host', nut: 'qemu', sourceLabel: 'git /srv/linux.git@step', ownerPid: process.pid })).id;
    },
  });
}
