// Subscription rules, pure: does this run concern this subscriber, and which of its regressions.
import type { SubscriptionFilter } from '@testlab/core';
import type { RegressedCase, RunReport } from './report.js';
import { kernelStreams } from './streams.js';

export interface Match {
  /** The regressions the subscriber asked about (after the case prefix). */
  regressions: RegressedCase[];
}

/** null: the subscriber does not hear about this run. */
export function matchSubscription(filter: SubscriptionFilter, report: RunReport): Match | null {
  if (filter.streams.length > 0) {
    // A run that never identified its kernel matches only subscriptions without a stream filter.
    const streams = report.kernelVersion ? kernelStreams(report.kernelVersion) : [];
    if (!filter.streams.some((s) => streams.includes(s))) return null;
  }
  if (filter.testsets.length > 0 && !filter.testsets.includes(report.testset)) return null;
  const regressions = report.regressions.filter((r) => r.caseId.startsWith(filter.casePrefix));
  if (filter.scope === 'regressions') return regressions.length > 0 ? { regressions } : null;
  // every-run: a case prefix still narrows it to runs that ran such cases.
  if (filter.casePrefix && !report.caseIds.some((id) => id.startsWith(filter.casePrefix))) return null;
  return { regressions };
}
