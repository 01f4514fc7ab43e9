// Any two runs side by side, the pair chosen by a person (the dashboard's /compare and /api/compare, and
// `testlab diff` on the local store): computed on request, unlike the stored baseline diffs. Same
// classification as the stored diffs, without history or reruns.
import type { DiffCounts, DiffEntry, ResultsQuery, RunSummary } from '@testlab/core';
import { diffVerdicts } from './classify.js';

export interface Comparison {
  a: RunSummary;
  b: RunSummary;
  counts: DiffCounts;
  entries: DiffEntry[];
}

/** One of the two runs is not in the store: the dashboard answers 404, the CLI exits 3. */
export class NoSuchRunError extends Error {
  constructor(readonly runId: number) {
    super(`no run ${runId}`);
    this.name = 'NoSuchRunError';
  }
}

/** How run b differs from run a, case by case. */
export async function compareRuns(results: ResultsQuery, a: number, b: number): Promise<Comparison> {
  const [ra, rb] = await Promise.all([results.run(a), results.run(b)]);
  if (!ra) throw new NoSuchRunError(a);
  if (!rb) throw new NoSuchRunError(b);
  const [va, vb] = await Promise.all([results.verdictsOf(a), results.verdictsOf(b)]);
  const { entries, counts } = diffVerdicts(va, vb);
  return { a: ra, b: rb, counts, entries };
}
