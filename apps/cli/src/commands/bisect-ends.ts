// What `testlab bisect --good X --bad Y` is asked to bisect: each end a run of the local lab (its kernel's
// commit, tree, test set and NUT kind) or a ref in a tree; the cases, the regressions of the bad run against
// the good one unless named. Everything is checked before anything is stored or built: a wrong end is an
// error naming it, and nothing is started.
import type { ResultsQuery } from '@testlab/core';
import { gitKernel } from '@testlab/bisect';
import { compareRuns } from '@testlab/diff';

export interface BisectEnd {
  /** The ref to resolve in the tree: a run's commit, or what was typed. */
  ref: string;
  runId: number | null;
  tree?: string;
  testset?: string;
  nut?: string;
}

/** A run id (digits) or a ref. A run must be finished and its kernel built from a git tree. */
export async function bisectEnd(results: ResultsQuery, role: 'good' | 'bad', given: string): Promise<BisectEnd> {
  if (!/^\d+$/.test(given)) return { ref: given, runId: null };
  const runId = Number(given);
  const run = await results.run(runId);
  if (!run) throw new Error(`--${role} ${given}: there is no run ${runId} in this lab`);
  if (run.status !== 'done') throw new Error(`--${role} ${given}: run ${runId} is ${run.status}, not done: its verdicts prove nothing`);
  // The kernel's source identity is the commit built (the run's label names only the ref asked for).
  const facts = (await results.retentionFacts()).find((f) => f.runId === runId);
  const kernel = gitKernel({ runId, sourceLabel: run.sourceLabel, sourceHash: facts?.sourceHash ?? null });
  if (kernel === undefined) throw new Error(`--${role} ${given}: run ${runId}'s kernel was not built from a git tree (${run.sourceLabel}): give a commit and --tree instead`);
  return { ref: kernel.commit, runId, tree: kernel.tree, testset: run.testset, nut: run.nut };
}

/** Where both ends agree (tree, test set, NUT kind), or what was given; a disagreement names both sides. */
export function agreed(what: 'tree' | 'testset' | 'nut', good: BisectEnd, bad: BisectEnd, given?: string): string | undefined {
  const sides = [good[what], bad[what]].filter((v): v is string => v !== undefined);
  if (given !== undefined) return given;
  if (sides.length === 2 && sides[0] !== sides[1]) throw new Error(`the good and bad runs differ in ${what}: ${sides[0]} and ${sides[1]}`);
  return sides[0];
}

/** The cases to bisect: as named, or every regression of the bad run against the good run. */
export async function casesToBisect(results: ResultsQuery, good: BisectEnd, bad: BisectEnd, named: readonly string[]): Promise<string[]> {
  if (named.length > 0) return [...new Set(named)];
  if (good.runId === null || bad.runId === null) throw new Error('name the cases with --case when an end is a ref and not a run');
  const { entries } = await compareRuns(results, good.runId, bad.runId);
  const regressed = entries.filter((e) => e.class === 'regression').map((e) => e.caseId);
  if (regressed.length === 0) throw new Error(`run ${bad.runId} has no regression against run ${good.runId}: nothing to bisect (name cases with --case)`);
  return regressed;
}
