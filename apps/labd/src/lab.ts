// Wires the daemon from its config: the SQLite store and queue, the builder, the NUT pool (QEMU and SSH
// machines), the test sets and their engines (lab-engines.ts), and the two functions the scheduler calls to
// build a kernel and to run one kernel through one test set (packages/pipeline). The only file here that
// names concrete drivers.
import { readFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { LabStore, JobQueue, NutDriver, Outbox, ResultsQuery, SubscriptionStore } from '@testlab/core';
import { openSqliteJobQueue, openSqliteStore, outboxOn, resultsQueryOn, subscriptionStoreOn } from '@testlab/store-sqlite';
import { bootCheckKnownGood, type BuildKernel, type LabPlanContext, type PoolNut, type RunTestSet } from '@testlab/scheduler';
import { runKernelTestSet } from '@testlab/pipeline';
import { createQemuNutDriver, createSshMachineDriver, publicKeyBlob } from '@testlab/nut-drivers';
import { createKernelBuilder } from '@testlab/builder';
import { kernelSourceFrom } from '@testlab/kernel-sources';
import { engineNutDriver, runWithEngineNut } from '@testlab/engines';
import { loadLabPlan, type LabConfig } from '@testlab/lab-config';
import { recordPreparationFailure } from './preparation-failure.js';
import { openLabEngines } from './lab-engines.js';

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
  // The plan context comes from lab-config: the dashboard's trigger API and `testlab watch` build the same.
  const plan = await loadLabPlan(config);
  const { testsets, profiles } = plan;
  const builder = createKernelBuilder({ cacheDir: config.cache });
  // Each set on its own engine, checked before anything else starts: a set that could never run stops labd.
  const engines = await openLabEngines(config, testsets, builder);

  await mkdir(config.home, { recursive: true });
  const dbFile = path.join(config.home, 'lab.db');
  const store = openSqliteStore(dbFile);
  const queue = openSqliteJobQueue(dbFile);
  // A lab process that died mid-run left its runs `running`: they become `unfinished` before anything runs.
  await store.markOrphanedRuns(isProcessAlive);
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
      // Each run boots its engine's image (kselftest: the root fs with the selftests) with at least the
      // memory it asks for; the known-good check, outside any run, boots the lab's small image.
      const driver = engineNutDriver({ baseInitramfs: config.nutImage! }, (image) =>
        createQemuNutDriver({ stateDir: nutState, baseInitramfs: image.baseInitramfs, memoryMiB: Math.max(nut.memoryMiB, image.memoryMiB ?? 0) }),
      );
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

  const runTestSet: RunTestSet = async ({ payload, nutDriver, hooks }) => {
    const { set, profile, fragments } = fragmentsFor(payload.profile, payload.testset);
    const source = kernelSourceFrom(payload.source.spec, payload.source.ref);
    // The engine gets the pipeline's own build request, so a kernel it builds first is the pipeline's cache hit.
    let engine;
    try {
      engine = await engines.prepare(set, { source, baseConfig: profile.baseConfig, fragments }, hooks);
    } catch (error) {
      return recordPreparationFailure(store, { testset: set.name, nut: nutDriver.kind, sourceLabel: source.description, artifactsRoot: path.join(config.home, 'runs'), hooks }, error);
    }
    const driver: NutDriver = nutDriver;
    return runWithEngineNut(engine.nut, () =>
      runKernelTestSet(
        { store, builder, nutDriver: driver, suite: engine.suite, artifactsRoot: path.join(config.home, 'runs'), reporter: hooks },
        {
          source,
          testset: set,
          labFragment: fragments[0]!,
          baseConfig: profile.baseConfig,
          extraCmdline: payload.extraCmdline,
          bootDeadlineMs: config.watchdog.bootDeadlineSeconds * 1000,
        },
      ),
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
