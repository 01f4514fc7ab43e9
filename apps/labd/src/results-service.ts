// What happens after a run ends: its diffs against its baselines are computed and stored (packages/diff), a
// regression of a kernel from a git tree is queued for bisecting (auto-bisect.ts), then, when the lab sends
// mail, subscribers' emails are queued (packages/notify: database writes only); so are they when a bisection ends.
// The outbox worker sends them over SMTP in the background and daily digests are queued hourly. None of
// this may stop the lab: every failure is logged and the next run or tick tries again.
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { BisectionStore, Outbox, RerunCases, ResultsQuery, RunIdentity, SubscriptionStore, Verdict } from '@testlab/core';
import { recordRunDiffs, RunNotDiffableError } from '@testlab/diff';
import type { LabConfig } from '@testlab/lab-config';
import { bisectionReportOf, createNotifyService, notifyRunFinished, type MailConfig, type NotifyService } from '@testlab/notify';
import { bisectRegressions, type AutoBisectDeps, type RunOrigin } from './auto-bisect.js';

export interface ResultsService {
  /**
   * Records the run's diffs, then queues its emails; never throws. With `rerun` and `diff.reruns` > 0, each
   * case that newly fails against a baseline is first rerun that many times: passing once makes it flaky,
   * failing every time a regression with fail:runs n/n.
   */
  runFinished(runId: number, rerun?: RerunCases, origin?: RunOrigin): Promise<void>;
  /** Queues the emails of a bisection that ended (found or inconclusive); never throws, harmless twice. */
  bisectionEnded(bisectionId: number): Promise<void>;
  /**
   * Queues the emails of recently finished runs whose diffs a worker on another host recorded, and of
   * bisections a worker ended (a scheduler's part); each (subscriber, run or bisection) is queued once
   * whoever asks, so asking again is harmless.
   */
  notifyRecorded(): Promise<void>;
  stop(): Promise<void>;
}

export interface ResultsServiceOptions {
  config: LabConfig;
  /**
   * The config's mail section with its secret (lab-config's mailConfigOf); none: no mail (a worker host leaves
   * mail to the scheduler).
   */
  mail?: MailConfig;
  results: ResultsQuery;
  subscriptions: SubscriptionStore;
  outbox: Outbox;
  bisections: BisectionStore;
  /** Where regressions are bisected from (the queue, the sets); without it, none is. */
  bisect?: Omit<AutoBisectDeps, 'results' | 'bisections'>;
  log: Logger;
  /** How often the outbox worker looks for due mail (default 15 s; tests shorten it). */
  outboxIntervalMs?: number;
}

export function startResultsService(o: ResultsServiceOptions): ResultsService {
  const { config, log } = o;
  const notify: NotifyService | undefined = o.mail
    ? createNotifyService({ config: o.mail, subscriptions: o.subscriptions, outbox: o.outbox, log: (line) => log.info({ part: 'outbox' }, line) })
    : undefined;
  let digests: ScheduledTask | undefined;
  if (notify) {
    notify.worker.start(o.outboxIntervalMs);
    // Digests of past UTC days are queued at the first tick after midnight; hourly so a lab that was down
    // at midnight catches up within the hour.
    digests = cron.schedule('5 * * * *', async () => {
      try {
        const queued = await notify.notifier.flushDigests();
        if (queued > 0) log.info({ queued }, 'daily digests queued');
      } catch (error) {
        log.error({ error: (error as Error).message }, 'queueing daily digests failed');
      }
    }, { timezone: 'UTC', name: 'digests', noOverlap: true });
    log.info({ smtp: `${o.mail!.smtp.host}:${o.mail!.smtp.port}` }, 'mail: outbox worker started');
  }

  // A rerun that throws (the NUT could not boot) leaves the cases unconfirmed rather than the diffs unrecorded.
  const rerunLogged = async (runId: number, caseIds: readonly string[], times: number, rerun: RerunCases) => {
    log.info({ run: runId, cases: caseIds, times }, 'rerunning newly failing cases');
    try {
      const verdicts = await rerun(caseIds, times);
      log.info({ run: runId, verdicts: Object.fromEntries(verdicts) }, 'reruns done');
      return verdicts;
    } catch (error) {
      log.error({ run: runId, error: (error as Error).message }, 'reruns failed: the cases are judged on their first attempt');
      return new Map<string, readonly Verdict[]>();
    }
  };

  const queueNotifications = async (judged: RunIdentity) => {
    if (!notify) return;
    try {
      // With the bisections: a run email composed after its bisection found the culprit names the commit.
      const { queued, digested } = await notifyRunFinished(o.results, notify.notifier, judged, o.bisections);
      log.info({ run: judged.runId, queued, digested }, 'notifications queued');
    } catch (error) {
      log.error({ run: judged.runId, error: (error as Error).message }, 'queueing notifications failed');
    }
  };
  // Runs this process has queued mail for; after a restart the recent ones are looked at again (harmless).
  const notified = new Set<number>();
  const bisectionsNotified = new Set<number>();

  const bisectionEnded = async (id: number) => {
    if (!notify) return;
    try {
      const record = await o.bisections.get(id);
      if (record === undefined || record.endedAt === null) return;
      bisectionsNotified.add(id);
      const bad = record.bad.runId === null ? undefined : await o.results.diffInputs(record.bad.runId);
      const report = await bisectionReportOf(o.bisections, record, bad?.run.kernelVersion ?? null);
      if (report === undefined) return;
      log.info({ bisection: id, status: record.status, queued: await notify.notifier.bisectionEnded(report) }, 'bisection emails queued');
    } catch (error) {
      log.error({ bisection: id, error: (error as Error).message }, 'queueing bisection emails failed');
    }
  };

  // A regression of a git kernel against a baseline of the same tree: its range is bisected by a NUT of its kind.
  const startBisection = async (recorded: Awaited<ReturnType<typeof recordRunDiffs>>, origin: RunOrigin) => {
    if (!o.bisect) return;
    try {
      const started = await bisectRegressions({ ...o.bisect, results: o.results, bisections: o.bisections }, recorded, origin);
      if ('none' in started) log.debug({ run: recorded.run.runId }, `not bisected: ${started.none}`);
      else log.info({ run: recorded.run.runId, bisection: started.bisection.id, cases: started.bisection.cases, jobQueued: started.jobQueued }, 'regression queued for bisecting');
    } catch (error) {
      log.error({ run: recorded.run.runId, error: (error as Error).message }, 'queueing the bisection failed');
    }
  };

  return {
    async notifyRecorded() {
      if (!notify) return;
      for (const item of await o.results.feed({ limit: 100 })) {
        if (item.kind !== 'run' || notified.has(item.runId)) continue;
        // Diffs recorded (the run's totals exist): the worker is done with it.
        if ((await o.results.run(item.runId))?.regressions == null) continue;
        const inputs = await o.results.diffInputs(item.runId);
        notified.add(item.runId);
        if (inputs) await queueNotifications(inputs.run);
      }
      for (const b of await o.bisections.list({ limit: 50 })) {
        if (b.endedAt !== null && !bisectionsNotified.has(b.id)) await bisectionEnded(b.id);
      }
    },
    bisectionEnded,
    async runFinished(runId, rerun, origin) {
      let recorded: Awaited<ReturnType<typeof recordRunDiffs>>;
      try {
        const reruns = rerun ? config.diff.reruns : 0;
        recorded = await recordRunDiffs(o.results, runId, {
          pinned: config.diff.pinned,
          reruns,
          ...(rerun && reruns > 0 ? { rerun: (caseIds: readonly string[], times: number) => rerunLogged(runId, caseIds, times, rerun) } : {}),
        });
        const flaky = recorded.totals.flaky;
        log.info({ run: runId, baselines: recorded.diffs.map((d) => d.baselineKernel), regressions: recorded.totals.regressions, flaky }, 'diffs recorded');
      } catch (error) {
        // A run that never identified its kernel (it failed before the build) has nothing to compare.
        if (error instanceof RunNotDiffableError) log.info({ run: runId }, error.message);
        else log.error({ run: runId, error: (error as Error).message }, 'recording diffs failed');
        return;
      }
      if (origin) await startBisection(recorded, origin);
      notified.add(runId);
      await queueNotifications(recorded.run);
    },
    async stop() {
      await digests?.stop();
      await notify?.worker.stop();
    },
  };
}
