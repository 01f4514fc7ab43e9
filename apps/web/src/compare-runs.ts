// Any two runs side by side: computed on request (unlike the stored baseline diffs) because the pair is
// the visitor's choice. Same classification as the stored diffs, without history or reruns.
import type { DiffCounts, DiffEntry, ResultsQuery, RunSummary } from '@testlab/core';
import { diffVerdicts } from '@testlab/diff';
import { NotFound } from './params.js';

export interface Comparison {
  a: RunSummary;
  b: RunSummary;
  counts: DiffCounts;
  entries: DiffEntry[];
}

export async function compareRuns(results: ResultsQuery, a: number, b: number): Promise<Comparison> {
  const [ra, rb] = await Promise.all([results.run(a), results.run(b)]);
  if (!ra) throw new NotFound(`no run ${a}`);
  if (!rb) throw new NotFound(`no run ${b}`);
  const [va, vb] = await Promise.all([results.verdictsOf(a), results.verdictsOf(b)]);
  const { entries, counts } = diffVerdicts(va, vb);
  return { a: ra, b: rb, counts, entries };
}
