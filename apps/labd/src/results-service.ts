// What happens after a run ends: its diffs against its baselines are computed and stored (packages/diff),
// then, when the lab sends mail, subscribers' emails are queued (packages/notify: database writes only).
// The outbox worker sends them over SMTP in the background and daily digests are queued hourly. None of
// this may stop the lab: every failure is logged and the next run or tick tries again.
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import type { Outbox, RerunCases, ResultsQuery, RunIdentity, SubscriptionStore, Verdict } from '@testlab/core';
import { recordRunDiffs, RunNotDiffableError } from '@testlab/diff';
import type { LabConfig } from '@testlab/lab-config';
import { createNotifyService, notifyRunFinished, type MailConfig, type NotifyService } from '@testlab/notify';

export interface ResultsService {
  /**
   * Records the run's diffs, then queues its emails; never throws. With `rerun` and `diff.reruns` > 0, each
   * case that newly fails against a baseline is first rerun that many times: passing once makes it flaky,
   * failing every time a regression with fail:runs n/n.
   */
  runFinished(runId: number, rerun?: RerunCases): Promise<void>;
  /**
   * Queues the emails of recently finished runs whose diffs a worker on another host recorded (a scheduler's
   * part); each (subscriber, run) is queued once whoever asks, so asking again is harmless.
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
      const { queued, digested } = await notifyRunFinished(o.results, notify.notifier, judged);
      log.info({ run: judged.runId, queued, digested }, 'notifications queued');
    } catch (error) {
      log.error({ run: judged.runId, error: (error as Error).message }, 'queueing notifications failed');
    }
  };
  // Runs this process has queued mail for; after a restart the recent ones are looked at again (harmless).
  const notified = new Set<number>();

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
    },
    async runFinished(runId, rerun) {
      let judged: RunIdentity;
      try {
        const reruns = rerun ? config.diff.reruns : 0;
        const recorded = await recordRunDiffs(o.results, runId, {
          pinned: config.diff.pinned,
          reruns,
          ...(rerun && reruns > 0 ? { rerun: (caseIds: readonly string[], times: number) => rerunLogged(runId, caseIds, times, rerun) } : {}),
        });
        judged = recorded.run;
        const flaky = recorded.totals.flaky;
        log.info({ run: runId, baselines: recorded.diffs.map((d) => d.baselineKernel), regressions: recorded.totals.regressions, flaky }, 'diffs recorded');
      } catch (error) {
        // A run that never identified its kernel (it failed before the build) has nothing to compare.
        if (error instanceof RunNotDiffableError) log.info({ run: runId }, error.message);
        else log.error({ run: runId, error: (error as Error).message }, 'recording diffs failed');
        return;
      }
      notified.add(runId);
      await queueNotifications(judged);
    },
    async stop() {
      await digests?.stop();
      await notify?.worker.stop();
    },
  };
}
