// Any two runs side by side for the pages and the API: @testlab/diff's compareRuns (the CLI's `testlab diff`
// calls the same), with a missing run as the 404 the visitor gets.
import { compareRuns, NoSuchRunError, type Comparison } from '@testlab/diff';
import type { ResultsQuery } from '@testlab/core';
import { NotFound } from './params.js';

export type { Comparison };

export async function compareRunsOrNotFound(results: ResultsQuery, a: number, b: number): Promise<Comparison> {
  try {
    return await compareRuns(results, a, b);
  } catch (error) {
    if (error instanceof NoSuchRunError) throw new NotFound(error.message);
    throw error;
  }
}
