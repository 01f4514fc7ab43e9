// What a bisection request's ends and cases mean: each end a run of the lab (its kernel's commit, tree, test
// set and NUT kind) or a ref in a tree; the cases, the regressions of the bad run against the good one unless
// named. Every message names the input as the caller spells it (`--good` on the command line, `good` in the
// API), so whoever made the mistake can find it.
import type { DiffEntry, ResultsQuery } from '@testlab/core';
import { gitKernel } from './auto-bisect.js';

/** A request's inputs, as messages name them. */
export interface InputNames {
  good: string;
  bad: string;
  cases: string;
  testset: string;
  tree: string;
  nut: string;
  confirmRuns: string;
  maxSteps: string;
}

/** One end of the range: the ref to resolve in the tree, and what its run (when it is one) says. */
export interface BisectEnd {
  /** A run's commit, or what was given. */
  ref: string;
  runId: number | null;
  tree?: string;
  testset?: string;
  nut?: string;
}

/** Why the request cannot be bisected: the caller's mistake (the CLI's exit 2, the API's 400). */
export class BisectionRefused extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BisectionRefused';
  }
}

/** A run id (digits) or a ref. A run must be finished and its kernel built from a git tree. */
export async function bisectEnd(results: ResultsQuery, role: 'good' | 'bad', given: string, names: InputNames): Promise<BisectEnd> {
  if (!/^\d+$/.test(given)) return { ref: given, runId: null };
  const as = `${names[role]} ${given}`;
  const runId = Number(given);
  const run = await results.run(runId);
  if (!run) throw new BisectionRefused(`${as}: there is no run ${runId} in this lab`);
  if (run.status !== 'done') throw new BisectionRefused(`${as}: run ${runId} is ${run.status}, not done: its verdicts prove nothing`);
  // The kernel's source identity is the commit built (the run's label names only the ref asked for).
  const facts = (await results.retentionFacts()).find((f) => f.runId === runId);
  const kernel = gitKernel({ runId, sourceLabel: run.sourceLabel, sourceHash: facts?.sourceHash ?? null });
  if (kernel === undefined) throw new BisectionRefused(`${as}: run ${runId}'s kernel was not built from a git tree (${run.sourceLabel}): give a commit and ${names.tree} instead`);
  return { ref: kernel.commit, runId, tree: kernel.tree, testset: run.testset, nut: run.nut };
}

/** Where both ends agree (tree, test set, NUT kind), or what was given; a disagreement names both sides. */
export function agreed(what: 'tree' | 'testset' | 'nut', good: BisectEnd, bad: BisectEnd, given?: string): string | undefined {
  const sides = [good[what], bad[what]].filter((v): v is string => v !== undefined);
  if (given !== undefined) return given;
  if (sides.length === 2 && sides[0] !== sides[1]) throw new BisectionRefused(`the good and bad runs differ in ${what}: ${sides[0]} and ${sides[1]}`);
  return sides[0];
}

/** How the bad run's verdicts differ from the good run's, case by case (diff's compareRuns). */
export type CompareRuns = (goodRunId: number, badRunId: number) => Promise<{ entries: readonly Pick<DiffEntry, 'caseId' | 'class'>[] }>;

/** The cases to bisect: as named, or every regression of the bad run against the good run. */
export async function casesToBisect(compare: CompareRuns, good: BisectEnd, bad: BisectEnd, named: readonly string[], names: InputNames): Promise<string[]> {
  if (named.length > 0) return [...new Set(named)];
  if (good.runId === null || bad.runId === null) throw new BisectionRefused(`which cases? give ${names.cases} when an end is a ref and not a run`);
  const { entries } = await compare(good.runId, bad.runId);
  const regressed = entries.filter((e) => e.class === 'regression').map((e) => e.caseId);
  if (regressed.length === 0) throw new BisectionRefused(`run ${bad.runId} has no regression against run ${good.runId}: nothing to bisect (name cases with ${names.cases})`);
  return regressed;
}
