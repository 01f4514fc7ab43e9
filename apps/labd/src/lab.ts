// Wires the daemon from its config: the SQLite store and queue, the builder, the NUT pool (QEMU and SSH
// machines), the test sets and their engines (lab-engines.ts), and the two functions the scheduler calls to
// build a kernel and to run one kernel through one test set (packages/pipeline). The only file here that
// names concrete drivers.
import { chmod, readFile, mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { buildRequestFor, publicKeyBlob, runSetupDigest, type LabStore, type JobQueue, type Outbox, type ResultsQuery, type RunJobPayload, type SubscriptionStore } from '@testlab/core';
import { openSqliteJobQueue, openSqliteStore, outboxOn, resultsQueryOn, subscriptionStoreOn } from '@testlab/store-sqlite';
import { bootCheckKnownGood, isProcessAlive, loadLabPlan, type BuildKernel, type LabPlanContext, type PoolNut, type RunTestSet } from '@testlab/scheduler';
import { runKernelTestSet } from '@testlab/pipeline';
import { createQemuNutDriver, createSshMachineDriver } from '@testlab/nut-drivers';
import { createKernelBuilder } from '@testlab/builder';
import { kernelSourceFrom } from '@testlab/kernel-sources';
import type { LabConfig } from '@testlab/lab-config';
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
  /** What a run of this job would record as its setup (the worker skips a job whose run is already done). */
  setupDigestOf: (payload: RunJobPayload) => string;
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
      // A run whose engine boots an image of its own (kselftest) says so in each boot request; the known-good
      // check, and every other run, boots the lab's small image.
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
    // The engine is prepared inside the run, with the run's own build request: a kernel it builds first is
    // the pipeline's cache hit, and a preparation that fails is the run's build stage failing.
    return runKernelTestSet(
      { store, builder, nutDriver, prepareEngine: engines.preparerFor(set), artifactsRoot: path.join(config.home, 'runs'), reporter },
      { build, testset: set, extraCmdline: payload.extraCmdline, bootDeadlineMs: config.watchdog.bootDeadlineSeconds * 1000 },
    );
  };

  // The pipeline records the same digest from the same inputs (the set, the job's extra words, no extra sysctls).
  const setupDigestOf = (payload: RunJobPayload) => runSetupDigest(requestFor(payload).set, { cmdline: payload.extraCmdline });

  return {
    store, queue, pool, build, runTestSet, setupDigestOf,
    results: resultsQueryOn(store), subscriptions: subscriptionStoreOn(store), outbox: outboxOn(store),
    planContext: plan.context,
    close: async () => {
      await queue.close();
      await store.close();
    },
  };
}
