// Wires the daemon from its config: the lab's store (SQLite or PostgreSQL, as the config says), the builder, the NUT pool (QEMU and SSH
// machines), the test sets and their engines (lab-engines.ts), and the two functions the scheduler calls to
// build a kernel and to run one kernel through one test set (packages/pipeline). The only file here that
// names concrete drivers.
import { chmod, readFile, mkdir, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { buildRequestFor, publicKeyBlob, StageError, runSetupDigest, type BisectionStore, type HostRegistry, type KernelBuilder, type LabStore, type JobQueue, type Outbox, type ResultsQuery, type RunJobPayload, type SubscriptionStore } from '@testlab/core';
import { openLabStores } from '@testlab/stores';
import { bootCheckKnownGood, isProcessAlive, loadLabPlan, type BuildKernel, type LabPlanContext, type PoolNut, type RunBisectJob, type RunTestSet } from '@testlab/scheduler';
import { runKernelTestSet } from '@testlab/pipeline';
import { createQemuNutDriver, createSshMachineDriver } from '@testlab/nut-drivers';
import { createKernelBuilder } from '@testlab/builder';
import { bisectRepository, bisectWorktree, kernelSourceFrom } from '@testlab/kernel-sources';
import { bisectTestSets, ConfigError, labStoreLocation, readTokenFile, type LabConfig } from '@testlab/lab-config';
import type { AutoBisectSettings } from './auto-bisect.js';
import { labBisectJob } from './lab-bisect.js';
import { openLabEngines, type LabEngines } from './lab-engines.js';
import { labFiles, type LabFiles } from './lab-files.js';

export interface Lab {
  /** This labd's name in the lab (the config's host.name, else the machine's). */
  hostName: string;
  store: LabStore;
  queue: JobQueue;
  /** The results service's views of the same database: diffs, subscriptions, the mail outbox. */
  results: ResultsQuery;
  subscriptions: SubscriptionStore;
  outbox: Outbox;
  hosts: HostRegistry;
  bisections: BisectionStore;
  /** Which sets' regressions are bisected, and how (the config's bisect section, its default sets resolved). */
  bisect: AutoBisectSettings;
  /** Runs a bisect job's bisection on the NUT holding it; undefined for a scheduler (it runs no job). */
  runBisect: RunBisectJob | undefined;
  /** The NUTs this host owns (none for a scheduler). */
  pool: PoolNut[];
  /** A worker on another host than the results service: how its kernels and run files travel (host.resultsUrl). */
  files: LabFiles | undefined;
  planContext: LabPlanContext;
  build: BuildKernel;
  runTestSet: RunTestSet;
  /** What a run of this job would record as its setup (the worker skips a job whose run is already done). */
  setupDigestOf: (payload: RunJobPayload) => string;
  close(): Promise<void>;
}

/** How long labd waits at start for a PostgreSQL that does not answer (a host booting before the database's). */
export const STORE_STARTUP_WAIT_MS = 10 * 60_000;

export interface OpenLabHooks {
  /** The lab database did not answer: labd logs it and tries again after `nextInMs`. */
  onStoreRetry?: (error: Error, attempt: number, nextInMs: number) => void;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
  /** Something worth the operator's attention that does not stop the start. */
  onWarning?: (message: string) => void;
}

export async function openLab(config: LabConfig, hooks: OpenLabHooks = {}): Promise<Lab> {
  // The plan context comes from lab-config: the dashboard's trigger API and `testlab watch` build the same.
  const plan = await loadLabPlan(config);
  const { testsets, profiles } = plan;
  const builder = createKernelBuilder({ cacheDir: config.cache });
  const role = config.host.role;
  const hostName = config.host.name ?? hostname();
  // Each set on its own engine, checked before anything else starts: a set that could never run stops labd.
  // A scheduler runs no set: it plans, and only needs the sets' definitions.
  const engines: LabEngines | undefined = role === 'scheduler' ? undefined : await openLabEngines(config, testsets, builder);
  const bisect = bisectSettings(config, testsets);
  // Read before anything is opened: a token others can read stops the start, with the reason.
  const token = role !== 'scheduler' && config.host.resultsUrl !== undefined ? await readTokenFile(config.web.tokenFile!) : undefined;

  // Private: lab.db holds subscribers' addresses and signed links, runs/ the evidence, nut/ the lab's keys.
  await mkdir(config.home, { recursive: true, mode: 0o700 });
  const { mode } = await stat(config.home);
  if ((mode & 0o077) !== 0) await chmod(config.home, mode & 0o700);
  const stores = await openLabStores(labStoreLocation(config), {
    host: hostName,
    retryForMs: STORE_STARTUP_WAIT_MS,
    ...(hooks.onStoreRetry ? { onRetry: hooks.onStoreRetry } : {}),
    ...(hooks.applicationName ? { applicationName: hooks.applicationName } : {}),
  });
  const { store, queue } = stores;
  const files = token !== undefined ? labFiles({ resultsUrl: config.host.resultsUrl!, token, tokenFile: config.web.tokenFile!, cacheDir: config.cache, store }) : undefined;
  // A worker whose token the results service refuses could send nothing it makes: it does not start.
  const tokenCheck = await files?.checkToken().catch(async (error: unknown) => {
    await stores.close();
    throw error;
  });
  if (tokenCheck !== undefined && tokenCheck !== 'accepted') hooks.onWarning?.(tokenCheck);
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
  const owned = role === 'scheduler' ? [] : config.nuts.filter((n) => config.host.nuts === undefined || config.host.nuts.includes(n.name));
  for (const nut of owned) {
    if (nut.driver === 'qemu') {
      // A run whose engine boots an image of its own (kselftest) says so in each boot request; the known-good
      // check, and every other run, boots the lab's small image.
      const driver = createQemuNutDriver({ stateDir: nutState, baseInitramfs: config.nutImage!, memoryMiB: nut.memoryMiB, ...(nut.nice !== undefined ? { nice: nut.nice } : {}) });
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
    const result = { cacheKey: built.cacheKey, kernelRelease: built.kernelRelease, kernelVersion: built.kernelVersion, fromCache: built.fromCache, bzImage: built.artifacts.bzImage };
    if (files === undefined) return result;
    // Runs on other hosts fetch this kernel from the results service and check it against these checksums.
    progress.step('build: uploading the kernel to the results service');
    return { ...result, files: await files.uploadKernel(built.cacheKey) };
  };

  const runTestSet: RunTestSet = async ({ payload, nutDriver, reporter, built }) => {
    const { set, build } = requestFor(payload);
    if (engines === undefined) throw new Error('a scheduler runs no test set');
    // The kernel the run's build job made, on whichever host: from this host's cache, else fetched and checked.
    // The pipeline then finds every build stage cached. A set that needs the tree (kselftest) builds here.
    const runBuilder: KernelBuilder = files !== undefined && typeof built?.cacheKey === 'string' && typeof built.files === 'object' && built.files !== null
      ? prebuilt(builder, () => files.kernel(built.cacheKey as string, built.files as Record<string, string>))
      : builder;
    // The engine is prepared inside the run, with the run's own build request: a kernel it builds first is
    // the pipeline's cache hit, and a preparation that fails is the run's build stage failing.
    return runKernelTestSet(
      { store, builder: runBuilder, nutDriver, prepareEngine: engines.preparerFor(set), artifactsRoot: path.join(config.home, 'runs'), reporter },
      { build, testset: set, extraCmdline: payload.extraCmdline, bootDeadlineMs: config.watchdog.bootDeadlineSeconds * 1000 },
    );
  };

  // Each step of a bisection: the bisection's NUT profile and the set's config at the step's commit, on the
  // NUT holding the job, the tree's mirror in this host's cache.
  const runBisect = engines === undefined ? undefined : labBisectJob({
    store, bisections: stores.bisections, testsets, profileOf, builder, preparerFor: (set) => engines.preparerFor(set),
    artifactsRoot: path.join(config.home, 'runs'), bootDeadlineMs: config.watchdog.bootDeadlineSeconds * 1000,
    git: {
      repository: (tree) => bisectRepository(config.cache, tree),
      sourceOf: (tree, commit) => kernelSourceFrom(tree, commit),
      revertOnto: (tree, bad, culprit) => bisectWorktree(config.cache, tree).revertOnto(bad, culprit),
      workTree: (tree) => bisectWorktree(config.cache, tree),
    },
  });

  // The pipeline records the same digest from the same inputs (the set, the job's extra words, no extra sysctls).
  const setupDigestOf = (payload: RunJobPayload) => runSetupDigest(requestFor(payload).set, { cmdline: payload.extraCmdline });

  return {
    hostName, store, queue, pool, build, runTestSet, setupDigestOf, files,
    results: stores.results, subscriptions: stores.subscriptions, outbox: stores.outbox, hosts: stores.hosts,
    bisections: stores.bisections, bisect, runBisect,
    planContext: plan.context,
    close: () => stores.close(),
  };
}

/** The config's bisect section with its sets resolved from their engines; a set that cannot be bisected stops labd. */
function bisectSettings(config: LabConfig, testsets: ReadonlyMap<string, { engine: string }>): AutoBisectSettings {
  try {
    const sets = bisectTestSets(config.bisect, new Map([...testsets].map(([name, set]) => [name, set.engine])));
    return { testsets: sets, confirmRuns: config.bisect.confirmRuns, maxSteps: config.bisect.maxSteps };
  } catch (error) {
    throw new ConfigError('the lab config (bisect.testsets)', [(error as Error).message]);
  }
}

/**
 * A builder that hands the pipeline a kernel built elsewhere (fetched by `kernel`), its stages reported as
 * cached; a request that needs the source tree (the kselftest engine builds the selftests from it) goes to
 * the real builder, which then builds here.
 */
function prebuilt(real: KernelBuilder, kernel: () => Promise<Awaited<ReturnType<KernelBuilder['build']>>>): KernelBuilder {
  return {
    async build(request, observer) {
      if (request.withTree) return real.build(request, observer);
      const progress = observer.stageStarted('unpack');
      progress.step('the kernel was built by the build job (maybe on another host): fetching it');
      let built: Awaited<ReturnType<KernelBuilder['build']>>;
      try {
        built = await kernel();
      } catch (error) {
        // The lab's failure (a download), retried like one: the results service or the network failed.
        throw new StageError('unpack', `fetching the kernel built by the build job failed: ${(error as Error).message}`, undefined, { cause: error });
      }
      observer.stageFinished('unpack', 'cached');
      for (const s of ['configure', 'build'] as const) {
        observer.stageStarted(s);
        observer.stageFinished(s, 'cached');
      }
      return built;
    },
  };
}
