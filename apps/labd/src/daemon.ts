// The lab daemon: opens the lab, takes back jobs of a lab process that died, plans configured kernels,
// polls the watcher and takes the nightly snapshot on their cron schedules, and runs the worker until
// SIGTERM. On SIGTERM it stops leasing, lets running jobs finish within the grace period, and releases
// the leases of those that did not (they are queued again untouched), then exits. Each run that ends gets
// its diffs recorded and its emails queued (results-service.ts). Its role (host.role) splits this over
// hosts: a `scheduler` plans and mails, a `worker` builds and runs on its NUTs, `all` does both.
import { hostname } from 'node:os';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { pruneSourceTrees } from '@testlab/builder';
import { bytesText, collectGarbage } from '@testlab/retention';
import { GitTreeSource, pollOnce, watchSourceFrom, type WatchSource } from '@testlab/watcher';
import { enqueueKernel, LabWorker, QueueKernelSink, workerId, type PlannedKernel } from '@testlab/scheduler';
import { mailConfigOf, type LabConfig } from '@testlab/lab-config';
import { openLab, type Lab } from './lab.js';
import { announcePresence } from './presence.js';
import { startResultsService } from './results-service.js';

export interface Daemon {
  lab: Lab;
  /** Undefined for a scheduler: it runs no jobs. */
  worker: LabWorker | undefined;
  /** Plans the configured kernels and polls the watcher's sources now (the poll schedule calls this). */
  poll(): Promise<void>;
  /** Takes the nightly git snapshot now (the snapshot schedule calls this). */
  snapshot(): Promise<void>;
  stop(): Promise<void>;
}

export async function startDaemon(config: LabConfig, log: Logger): Promise<Daemon> {
  const role = config.host.role;
  const hostName = config.host.name ?? hostname();
  const owner = workerId('labd', process.pid, hostName);
  const lab = await openLab(config, {
    applicationName: `labd ${owner}`,
    onStoreRetry: (error, attempt, nextInMs) => log.warn({ attempt, nextInMs, error: error.message }, 'lab database not answering: trying again'),
    onWarning: (message) => log.warn({}, message),
  });
  log.info({ owner, role, host: hostName, nuts: lab.pool.map((n) => n.name), testsets: config.testsets.run }, 'lab daemon starting');
  // A worker records diffs (its NUT reruns cases first) but sends no mail: the scheduler queues and sends it.
  const mail = role !== 'worker' ? await mailConfigOf(config) : undefined;
  const results = startResultsService({
    config, ...(mail ? { mail } : {}), results: lab.results, subscriptions: lab.subscriptions, outbox: lab.outbox, bisections: lab.bisections,
    ...(lab.bisect.testsets.length > 0 ? { bisect: { queue: lab.queue, settings: lab.bisect } } : {}),
    log: log.child({ part: 'results' }),
  });
  const uploadRun = async (runId: number) => {
    if (lab.files === undefined) return;
    try {
      const { uploaded, missing } = await lab.files.uploadRun(runId);
      log.info({ run: runId, uploaded, missing: missing.length }, 'run files sent to the results service');
    } catch (error) {
      log.error({ run: runId, error: (error as Error).message }, 'sending run files to the results service failed: they stay on this host');
    }
  };
  const worker = role === 'scheduler' ? undefined : new LabWorker({
    queue: lab.queue, store: lab.store, pool: lab.pool, owner, runTestSet: lab.runTestSet,
    ...(lab.runBisect ? { runBisect: lab.runBisect } : {}),
    onBisectSettled: async (job, settled) => {
      const id = job.payload.bisectionId;
      // The lab failed it for good (its attempts spent): it ends as the lab's failure, its steps kept as evidence.
      if (settled.status === 'failed') {
        const record = await lab.bisections.get(id);
        if (record !== undefined && record.endedAt === null) await lab.bisections.finish(id, { status: 'failed', reason: `the lab failed ${job.attempts} times: ${settled.error ?? 'unknown'}` });
      }
      // A scheduler on another host queues these emails by its scan of ended bisections.
      if (settled.status === 'done' && role === 'all') await results.bisectionEnded(id);
    },
    builds: config.host.builds, localHost: hostName,
    // A kernel build whose run of a set is already in the store (a `testlab run` on this lab home, a run
    // planned under another version or source path) is not run again.
    setupDigestOf: lab.setupDigestOf,
    // Each build may have unpacked a tree: the disk has just grown, so that is when old trees go.
    build: async (payload, progress) => {
      try {
        return await lab.build(payload, progress);
      } finally {
        await pruneTrees();
      }
    },
    log: log.child({ part: 'worker' }),
    leaseMs: config.queue.leaseSeconds * 1000,
    retryBackoffMs: config.queue.retryBackoffSeconds * 1000,
    idlePollMs: config.queue.idlePollSeconds * 1000,
    watchdog: { caseDeadlineMs: config.watchdog.caseDeadlineSeconds * 1000 },
    outOfServiceRetryMs: config.watchdog.outOfServiceRetrySeconds * 1000,
    onRunFinished: async (job, settled) => {
      log.info({ job: job.id, run: settled.runId, status: settled.status }, 'run finished');
      // A retried attempt's run is evidence of the lab's failure, not a result to compare.
      // A run that ended well comes with the scheduler's rerun hook: the NUT is still this job's.
      // The run's NUT kind goes with it: a bisection of its regressions runs on a NUT of the same profile and mode.
      if (settled.runId !== undefined && settled.status !== 'retry') {
        await results.runFinished(settled.runId, settled.rerun, { profile: job.payload.profile, mode: job.payload.mode });
        worker?.wake();
      }
      if (settled.runId !== undefined) await uploadRun(settled.runId);
    },
  });

  const enqueue = async (kernel: PlannedKernel) => {
    const result = await enqueueKernel(lab.queue, kernel, lab.planContext);
    for (const u of result.plan.unplaceable) log.warn({ kernel: kernel.version, testset: u.testset }, `not planned: ${u.reason}`);
    if (result.added.length > 0) log.info({ kernel: kernel.version, jobs: result.added.length }, 'kernel queued');
    worker?.wake();
  };
  const sink = new QueueKernelSink(lab.queue, () => lab.planContext, (k, r) => {
    if (r.added.length > 0) log.info({ kernel: k.version, jobs: r.added.length }, 'kernel found by the watcher queued');
    worker?.wake();
  });
  const watchSources: WatchSource[] = (config.watch?.sources ?? []).map((s) => watchSourceFrom(s));
  const snapshotSource = config.snapshot ? new GitTreeSource({ name: 'snapshot', repo: config.snapshot.repo, tagPrefixes: [], branches: [config.snapshot.ref] }) : undefined;

  const pollSources = async (sources: WatchSource[], what: string) => {
    if (sources.length === 0) return;
    const reports = await pollOnce(sources, sink, { cacheDir: config.cache });
    for (const r of reports) {
      if (r.error !== undefined) log.warn({ source: r.source, error: r.error }, `${what}: source failed`);
      else log.info({ source: r.source, found: r.found.length, skipped: r.skipped.length }, `${what} done`);
    }
  };
  // A tick that throws must not end the daemon: it logs and the next tick tries again.
  const guarded = (what: string, work: () => Promise<void>) => async () => {
    try {
      await work();
    } catch (error) {
      log.error({ error: (error as Error).message }, `${what} failed`);
    }
  };
  const pruneTrees = guarded('pruning unpacked trees', async () => {
    const report = await pruneSourceTrees(config.cache, { keepTrees: config.prune.keepTrees, minIdleMs: config.prune.minIdleHours * 3_600_000 });
    if (report.removed.length + report.spared.length > 0) log.info({ kept: report.kept, removed: report.removed, spared: report.spared }, 'unpacked trees pruned');
  });
  const poll = guarded('poll', async () => {
    for (const k of config.kernels) {
      await enqueue({ version: k.version, source: { spec: k.source, ...(k.ref ? { ref: k.ref } : {}) }, ...(k.extraCmdline ? { extraCmdline: k.extraCmdline } : {}) });
    }
    await pollSources(watchSources, 'poll');
  });
  const snapshot = guarded('snapshot', async () => pollSources(snapshotSource ? [snapshotSource] : [], 'snapshot'));
  // Each host frees its own disk under the lab's one policy (the facts are the shared store's).
  const retention = config.retention;
  const collect = guarded('retention', async () => {
    if (retention === undefined) return;
    const report = await collectGarbage(lab.results, { home: config.home, cache: config.cache }, retention, { dryRun: false });
    log.info({ freed: bytesText(report.plan.bytes), items: report.plan.items.length, keptRuns: report.decision.keepRuns.size, runs: report.runs }, 'retention applied');
  });

  const presence = await announcePresence(lab.hosts, {
    name: hostName, owner, roles: role === 'all' ? ['scheduler', 'worker'] : [role], builds: role !== 'scheduler' && config.host.builds,
    nuts: lab.pool.map((n) => ({ name: n.name, profile: n.profile, modes: [...n.modes] })),
  }, log.child({ part: 'presence' }), config.host.heartbeatSeconds * 1000);
  await worker?.start();
  const tasks: ScheduledTask[] = [];
  if (retention !== undefined) tasks.push(cron.schedule(retention.schedule, collect, { timezone: config.schedule.timezone, name: 'retention', noOverlap: true }));
  if (role !== 'worker') {
    await poll();
    tasks.push(
      cron.schedule(config.schedule.poll, poll, { timezone: config.schedule.timezone, name: 'poll', noOverlap: true }),
      cron.schedule(config.schedule.snapshot, snapshot, { timezone: config.schedule.timezone, name: 'snapshot', noOverlap: true }),
    );
  }
  log.info({ role, host: hostName }, 'lab daemon running');
  // Workers on other hosts record their runs' diffs; the scheduler queues the emails for them.
  const mailScan = role === 'scheduler' ? setInterval(guarded('queueing emails of finished runs', () => results.notifyRecorded()), 20_000) : undefined;
  mailScan?.unref();

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      log.info({ graceSeconds: config.shutdownGraceSeconds }, 'stopping: no new jobs; waiting for running ones');
      for (const t of tasks) await t.stop();
      if (mailScan) clearInterval(mailScan);
      const stopped = await worker?.stop(config.shutdownGraceSeconds * 1000);
      if (stopped && !stopped.finished) log.warn({ released: stopped.released }, 'grace period over: leases released, jobs queued again');
      await results.stop();
      await presence.stop();
      await lab.close();
      log.info('lab daemon stopped');
    })());
  return { lab, worker, poll, snapshot, stop };
}
