// Wires the daemon from its config: the SQLite store and queue, the builder, the NUT pool (QEMU and SSH
// machines), the test sets and their engines (lab-engines.ts), and the two functions the scheduler calls to
// build a kernel and to run one kernel through one test set (packages/pipeline). The only file here that
// names concrete drivers.
import { chmod, readFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { buildRequestFor, type LabStore, type JobQueue, type NutDriver, type Outbox, type ResultsQuery, type SubscriptionStore } from '@testlab/core';
import { openSqliteJobQueue, openSqliteStore, outboxOn, resultsQueryOn, subscriptionStoreOn } from '@testlab/store-sqlite';
import { bootCheckKnownGood, isProcessAlive, type BuildKernel, type LabPlanContext, type PoolNut, type RunTestSet } from '@testlab/scheduler';
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

export async function openLab(config: LabConfig): Promise<Lab> {
  // The plan context comes from lab-config: the dashboard's trigger API and `testlab watch` build the same.
  const plan = await loadLabPlan(config);
  const { testsets, profiles } = plan;
  const builder = createKernelBuilder({ cacheDir: config.cache });
  // Each set on its own engine, checked before anything else starts: a set that could never run stops labd.
  const engines = await openLabEngines(config, testsets, builder);

  // Private: lab.db holds subscribers' addresses and signed links, runs/ the evidence, nut/ the lab's keys.
  await mkdir(config.home, { recursive: true, mode: 0o700 });
  const { mode } = await stat(config.home);
  if ((mode & 0o077) !== 0) await chmod(config.home, mode & 0o700);
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

  // A job names its source, profile and a test set; the build request is made from them one way only.
  const requestFor = (payload: { source: { spec: string; ref?: string }; profile: string; testset: string }) => {
    const set = testsets.get(payload.testset);
    if (set === undefined) throw new Error(`test set ${payload.testset} is not configured (testsets.run)`);
    return { set, build: buildRequestFor(kernelSourceFrom(payload.source.spec, payload.source.ref), profileOf(payload.profile), set) };
  };

  const build: BuildKernel = async (payload, progress) => {
    const built = await builder.build(
      requestFor(payload).build,
      { stageStarted: (stage) => (progress.step(`build: ${stage}`), progress), stageFinished: (stage, how) => progress.step(`build: ${stage} ${how}`) },
    );
    return { cacheKey: built.cacheKey, kernelRelease: built.kernelRelease, kernelVersion: built.kernelVersion, fromCache: built.fromCache, bzImage: built.artifacts.bzImage };
  };

  const runTestSet: RunTestSet = async ({ payload, nutDriver, reporter }) => {
    const { set, build } = requestFor(payload);
    // The engine gets the pipeline's own build request, so a kernel it builds first is the pipeline's cache hit.
    let engine;
    try {
      engine = await engines.prepare(set, build, reporter);
    } catch (error) {
      return recordPreparationFailure(store, { testset: set.name, nut: nutDriver.kind, sourceLabel: build.source.description, artifactsRoot: path.join(config.home, 'runs'), reporter }, error);
    }
    const driver: NutDriver = nutDriver;
    return runWithEngineNut(engine.nut, () =>
      runKernelTestSet(
        { store, builder, nutDriver: driver, engine, artifactsRoot: path.join(config.home, 'runs'), reporter },
        {
          build,
          testset: set,
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
