// One pass of the retention policy on one host: the store's facts, the decision, this host's plan, and (unless
// it is a dry run) the removal. labd runs it on its schedule; `testlab gc` runs it by hand.
import type { ResultsQuery } from '@testlab/core';
import { applyCleanup, planCleanup, type DiskPlan } from './disk.js';
import { decideRetention, type RetentionDecision, type RetentionPolicy } from './policy.js';

export interface CollectReport {
  decision: RetentionDecision;
  plan: DiskPlan;
  runs: number;
  removed: boolean;
}

export async function collectGarbage(
  results: ResultsQuery, where: { home: string; cache: string }, policy: RetentionPolicy, options: { dryRun: boolean; now?: Date },
): Promise<CollectReport> {
  const facts = await results.retentionFacts();
  const decision = decideRetention(facts, policy);
  const plan = await planCleanup(where, decision, { graceDays: policy.graceDays, knownRuns: new Set(facts.map((f) => f.runId)), ...(options.now ? { now: options.now } : {}) });
  if (!options.dryRun) await applyCleanup(plan);
  return { decision, plan, runs: facts.length, removed: !options.dryRun };
}

/** `1.4 GiB` */
export function bytesText(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}
