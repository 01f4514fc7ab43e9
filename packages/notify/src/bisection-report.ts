// What subscribers are told when a bisection ends: the culprit and how it was proved, or why nobody is
// blamed. Built from the bisection's record (BisectionStore) and its bad run, which gives the kernel whose
// stream a subscription names. Kept apart from RunReport: a bisection is about a range, not one run.
import type { BisectionRecord, BisectionStore, CommitIdentity, KernelVersion, SubscriptionFilter } from '@testlab/core';
import { kernelStreams } from './streams.js';

export interface BisectionReport {
  bisectionId: number;
  status: 'found' | 'inconclusive';
  tree: string;
  testset: string;
  profile: string;
  good: { commit: string; runId: number | null };
  bad: { commit: string; runId: number | null };
  /** The bad run's kernel (its streams decide who hears), null when the bisection started from refs. */
  kernelVersion: KernelVersion | null;
  cases: string[];
  culprit: CommitIdentity | null;
  /** found: the proof; inconclusive: why. */
  reason: string;
  steps: number;
}

/** The report of an ended bisection; undefined for one not ended, or ended as the lab's failure (nothing to tell a developer). */
export async function bisectionReportOf(bisections: BisectionStore, record: BisectionRecord, kernelVersion: KernelVersion | null): Promise<BisectionReport | undefined> {
  if (record.status !== 'found' && record.status !== 'inconclusive') return undefined;
  return {
    bisectionId: record.id, status: record.status, tree: record.tree, testset: record.testset, profile: record.profile,
    good: record.good, bad: record.bad, kernelVersion, cases: record.cases, culprit: record.culprit, reason: record.reason ?? '',
    steps: (await bisections.steps(record.id)).length,
  };
}

/**
 * Whom a bisection's end concerns: a subscription to its set (or to every set), to the bad kernel's stream,
 * and to one of its cases. Scope does not matter: a bisection is always about a regression.
 */
export function bisectionConcerns(filter: SubscriptionFilter, report: BisectionReport): boolean {
  if (filter.streams.length > 0) {
    const streams = report.kernelVersion ? kernelStreams(report.kernelVersion) : [];
    if (!filter.streams.some((s) => streams.includes(s))) return false;
  }
  if (filter.testsets.length > 0 && !filter.testsets.includes(report.testset)) return false;
  return report.cases.some((c) => c.startsWith(filter.casePrefix));
}
