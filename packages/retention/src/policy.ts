// What a lab that runs every night for a year keeps on disk: the last runs of each stream, the runs that
// found regressions with their evidence, and every run a kept run was compared against (its baselines,
// pinned releases among them). Pure: the store's facts in, the runs, kernels and sources to keep out.
import { parseKernelVersion, releaseStream, type RunRetentionFacts } from '@testlab/core';

export interface RetentionPolicy {
  /** The last N runs of each stream (test set x NUT kind x release stream) keep their files. */
  keepLast: number;
  /** Runs whose diffs found regressions keep their files, and so do the runs they regressed against. */
  keepRegressions: boolean;
  /** Every run a kept run was compared against keeps its files (the evidence of its diffs). */
  keepBaselines: boolean;
  /** Anything newer than this is left alone (a download not built yet, a kernel whose runs are queued). */
  graceDays: number;
}

export interface RetentionDecision {
  keepRuns: Set<number>;
  /** Kernel cache keys (built kernels, their selftests) of kept runs. */
  keepCacheKeys: Set<string>;
  /** Source identities (`sha256:<tarball>`) of kept runs' kernels: their downloads stay. */
  keepSources: Set<string>;
  /** Why each kept run is kept, for `testlab gc --dry-run`. */
  reasons: Map<number, string[]>;
}

export function decideRetention(facts: readonly RunRetentionFacts[], policy: RetentionPolicy): RetentionDecision {
  const reasons = new Map<number, string[]>();
  const keep = (id: number, why: string) => {
    const list = reasons.get(id) ?? [];
    if (!list.includes(why)) list.push(why);
    reasons.set(id, list);
  };
  const byStream = new Map<string, RunRetentionFacts[]>();
  for (const run of facts) {
    if (run.status === 'running') keep(run.runId, 'running');
    let stream = 'unidentified';
    if (run.kernelVersion !== null) {
      try {
        stream = releaseStream(parseKernelVersion(run.kernelVersion));
      } catch {
        stream = 'unparsable';
      }
    }
    const key = `${run.testset}@${run.nut}@${stream}`;
    byStream.set(key, [...(byStream.get(key) ?? []), run]);
    if (policy.keepRegressions && (run.regressions ?? 0) > 0) {
      keep(run.runId, 'regressions');
      for (const b of run.baselineRunIds) keep(b, `baseline of regressed run ${run.runId}`);
    }
  }
  for (const [stream, runs] of byStream) {
    runs.sort((a, b) => (a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : b.runId - a.runId));
    for (const run of runs.slice(0, policy.keepLast)) keep(run.runId, `last ${policy.keepLast} of ${stream}`);
  }
  if (policy.keepBaselines) {
    const byId = new Map(facts.map((r) => [r.runId, r]));
    for (const id of [...reasons.keys()]) for (const b of byId.get(id)?.baselineRunIds ?? []) keep(b, `baseline of kept run ${id}`);
  }
  const keepRuns = new Set(reasons.keys());
  const kept = facts.filter((r) => keepRuns.has(r.runId));
  return {
    keepRuns,
    keepCacheKeys: new Set(kept.flatMap((r) => (r.cacheKey ? [r.cacheKey] : []))),
    keepSources: new Set(kept.flatMap((r) => (r.sourceHash ? [r.sourceHash] : []))),
    reasons,
  };
}
