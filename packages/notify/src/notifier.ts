// What happens when a run has been compared with its baseline: each active subscriber it concerns gets an
// email queued (immediate) or an entry for tomorrow's digest (daily). Only database writes: the caller,
// the lab, never waits for SMTP; the outbox worker sends later and retries on its own.
import type { Outbox, SubscriptionRecord, SubscriptionStore } from '@testlab/core';
import { bisectionConcerns, type BisectionReport } from './bisection-report.js';
import type { DigestPayload, EmailComposer } from './emails.js';
import { matchSubscription } from './matching.js';
import { newMessageId } from './message-id.js';
import type { RunReport } from './report.js';

export interface NotifierOptions {
  subscriptions: SubscriptionStore;
  outbox: Outbox;
  composer: EmailComposer;
  from: string;
  now?: () => Date;
}

export class Notifier {
  readonly #now: () => Date;

  constructor(private readonly o: NotifierOptions) {
    this.#now = o.now ?? (() => new Date());
  }

  /** Queues what this run means for each subscriber. Safe to call twice for a run (dedupe keys). */
  async runFinished(report: RunReport): Promise<{ queued: number; digested: number }> {
    let queued = 0;
    let digested = 0;
    const day = utcDay(this.#now());
    for (const sub of await this.o.subscriptions.activeSubscriptions()) {
      const match = matchSubscription(sub, report);
      if (!match) continue;
      if (sub.cadence === 'daily') {
        const payload: DigestPayload = {
          runId: report.runId,
          kernelVersion: report.kernelVersion?.text ?? null,
          testset: report.testset,
          nut: report.nut,
          regressions: match.regressions,
        };
        await this.o.subscriptions.addDigestEntry({ subscriptionId: sub.id, day, runId: report.runId, payload: JSON.stringify(payload) });
        digested++;
      } else {
        await this.o.outbox.enqueue(this.o.composer.run(sub, report, match), newMessageId(this.o.from));
        queued++;
      }
    }
    return { queued, digested };
  }

  /**
   * Queues one email per subscriber a bisection's end concerns. At once whatever the cadence: a bisection ends
   * once per regressed range, and what it found is what the regression emails could not say. Safe to call
   * twice (dedupe key per subscriber and bisection).
   */
  async bisectionEnded(report: BisectionReport): Promise<number> {
    let queued = 0;
    for (const sub of await this.o.subscriptions.activeSubscriptions()) {
      if (!bisectionConcerns(sub, report)) continue;
      await this.o.outbox.enqueue(this.o.composer.bisection(sub, report), newMessageId(this.o.from));
      queued++;
    }
    return queued;
  }

  /**
   * Queues one digest per subscriber and past day, then marks the entries digested. A crash in between
   * queues nothing twice: the digest's dedupe key (subscription, day) finds the one already queued.
   */
  async flushDigests(): Promise<number> {
    const entries = await this.o.subscriptions.dueDigestEntries(utcDay(this.#now()));
    const groups = new Map<string, typeof entries>();
    for (const e of entries) {
      const key = `${e.subscriptionId}/${e.day}`;
      groups.set(key, [...(groups.get(key) ?? []), e]);
    }
    let queued = 0;
    const subs = new Map<number, SubscriptionRecord | undefined>();
    for (const group of groups.values()) {
      const first = group[0]!;
      if (!subs.has(first.subscriptionId)) subs.set(first.subscriptionId, await this.o.subscriptions.getSubscription(first.subscriptionId));
      const sub = subs.get(first.subscriptionId);
      // Unsubscribed since: the entries are dropped, not sent.
      if (sub?.status === 'active') {
        const runs = group.map((e) => JSON.parse(e.payload) as DigestPayload);
        await this.o.outbox.enqueue(this.o.composer.digest(sub, first.day, runs), newMessageId(this.o.from));
        queued++;
      }
      await this.o.subscriptions.markDigested(group.map((e) => e.id));
    }
    return queued;
  }
}

function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}
