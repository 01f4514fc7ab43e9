// Wires the daemon from its config: the SQLite store and queue, the builder, the NUT pool (QEMU and SSH
// machines), the test sets, and the two functions the scheduler calls to build a kernel and to run one
// kernel through one test set (packages/pipeline). The only file here that names concrete drivers.
import { readFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { LabStore, JobQueue, NutDriver, Outbox, ResultsQuery, SubscriptionStore } from '@testlab/core';
import { openSqliteJobQueue, openSqliteStore, outboxOn, resultsQueryOn, subscriptionStoreOn } from '@testlab/store-sqlite';
import { bootCheckKnownGood, type BuildKernel, type LabPlanContext, type PoolNut, type RunTestSet } from '@testlab/scheduler';
import { runKernelTestSet } from '@testlab/pipeline';
import { createQemuNutDriver, createSshMachineDriver, publicKeyBlob } from '@testlab/nut-drivers';
import { createKernelBuilder } from '@testlab/builder';
import { kernelSourceFrom } from '@testlab/kernel-sources';
import { createBuiltinSuite } from '@testlab/suites';
import { loadLabPlan, type LabConfig } from '@testlab/lab-config';

export interface Lab {
  store: LabStore;
  queue: JobQueue;
  /** The results service's views of the same database: diffs, subscriptions, the mail outbox. */
  results: ResultsQuery;
  subscriptions: SubscriptionStore;
  outbox: Outbox;
  pool: PoolNut[];
  planContext: LabPlanContext;
  build: BuildKernel;
  runTestSet: RunTestSet;
  close(): Promise<void>;
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function openLab(config: LabConfig): Promise<Lab> {
  await mkdir(config.home, { recursive: true });
  const dbFile = path.join(config.home, 'lab.db');
  const store = openSqliteStore(dbFile);
  const queue = openSqliteJobQueue(dbFile);
  // A lab process that died mid-run left its runs `running`: they become `unfinished` before anything runs.
  await store.markOrphanedRuns(isProcessAlive);

  // The plan context comes from lab-config: the dashboard's trigger API and `testlab watch` build the same.
  const plan = await loadLabPlan(config);
  const { testsets, profiles } = plan;
  const suite = createBuiltinSuite();
  for (const set of testsets.values()) {
    const unknown = set.cases.filter((c) => !suite.catalogue().has(c));
    if (unknown.length > 0) throw new Error(`test set ${set.name} names cases the ${suite.id} engine does not have: ${unknown.join(', ')}`);
  }
  const profileOf = (name: string) => {
    const p = profiles.find((x) => x.name === name);
    if (p === undefined) throw new Error(`no kernel profile ${name}`);
    return p;
  };

  const nutState = path.join(config.home, 'nut');
  const knownGoodDir = path.join(config.home, 'known-good');
  const pool: PoolNut[] = [];
  for (const nut of config.nuts) {
    if (nut.driver === 'qemu') {
      const driver = createQemuNutDriver({ stateDir: nutState, baseInitramfs: config.nutImage!, memoryMiB: nut.memoryMiB });
      // VMs of a lab process that died are ended by their recorded process ids before new ones start.
      await driver.reapStale();
      let checks = 0;
      pool.push({
        name: nut.name, profile: nut.profile, modes: nut.modes, driver,
        restoreKnownGood: bootCheckKnownGood(driver, nut.knownGood, () => path.join(knownGoodDir, `${nut.name}-${Date.now()}-${++checks}.log`), config.watchdog.bootDeadlineSeconds * 1000),
      });
    } else {
      const privateKey = await readFile(nut.ssh.privateKey, 'utf8');
      const driver = createSshMachineDriver({
        name: nut.name,
        target: { host: nut.ssh.host, port: nut.ssh.port, username: nut.ssh.user, privateKey, hostKey: publicKeyBlob(nut.ssh.hostKey) },
        remoteDir: nut.remoteDir, installCommand: nut.install, oneTimeBoot: nut.oneTimeBoot, knownGoodRelease: nut.knownGoodRelease,
        rebootDeadlineMs: nut.rebootDeadlineSeconds * 1000,
        ...(nut.reboot ? { rebootCommand: nut.reboot } : {}),
        ...(nut.powerCycle ? { powerCycleCommand: nut.powerCycle } : {}),
      });
      pool.push({ name: nut.name, profile: nut.profile, modes: nut.modes, driver, restoreKnownGood: (progress) => driver.restoreKnownGood(progress) });
    }
  }

  const builder = createKernelBuilder({ cacheDir: config.cache });
  const fragmentsFor = (profile: string, testset: string) => {
    const set = testsets.get(testset);
    if (set === undefined) throw new Error(`test set ${testset} is not configured (testsets.run)`);
    const p = profileOf(profile);
    return { set, profile: p, fragments: [{ origin: `lab profile ${p.name}`, text: p.labFragment }, set.kernelConfig] };
  };

  const build: BuildKernel = async (payload, progress) => {
    const { profile, fragments } = fragmentsFor(payload.profile, payload.testset);
    const built = await builder.build(
      { source: kernelSourceFrom(payload.source.spec, payload.source.ref), baseConfig: profile.baseConfig, fragments },
      { stageStarted: (stage) => (progress.step(`build: ${stage}`), progress), stageFinished: (stage, how) => progress.step(`build: ${stage} ${how}`) },
    );
    return { cacheKey: built.cacheKey, kernelRelease: built.kernelRelease, kernelVersion: built.kernelVersion, fromCache: built.fromCache, bzImage: built.artifacts.bzImage };
  };

  const suiteFor = () => suite;
  const runTestSet: RunTestSet = async ({ payload, nutDriver, hooks }) => {
    const { set, profile } = fragmentsFor(payload.profile, payload.testset);
    const driver: NutDriver = nutDriver;
    return runKernelTestSet(
      { store, builder, nutDriver: driver, suite: suiteFor(), artifactsRoot: path.join(config.home, 'runs'), reporter: hooks },
      {
        source: kernelSourceFrom(payload.source.spec, payload.source.ref),
        testset: set,
        labFragment: { origin: `lab profile ${profile.name}`, text: profile.labFragment },
        baseConfig: profile.baseConfig,
        extraCmdline: payload.extraCmdline,
        bootDeadlineMs: config.watchdog.bootDeadlineSeconds * 1000,
      },
    );
  };

  return {
    store, queue, pool, build, runTestSet,
    results: resultsQueryOn(store), subscriptions: subscriptionStoreOn(store), outbox: outboxOn(store),
    planContext: plan.context,
    close: async () => {
      await queue.close();
      await store.close();
    },
  };
}
