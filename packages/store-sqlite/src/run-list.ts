// The SQL of ResultsQuery.runs: which run ids make up one page. Only the filters given become WHERE
// terms (a `@x IS NULL OR ...` term would keep SQLite from using an index), so there are at most 2^6
// statement texts, each prepared once. The page's ids are chosen first and its verdicts are counted
// afterwards: counting inside a sorted query would count the results of every matching run.
import { RUN_LIST_MAX_LIMIT, RUN_STATUSES, type RunListFilter } from '@testlab/core';

export interface RunPageQuery {
  /** Selects up to @take run ids, newest first; one more than the page, to tell whether a next one exists. */
  sql: string;
  params: Record<string, string | number>;
}

/** Order of the list, the same as LabStore.listRuns: runs_by_started_at read backwards (its rowid tail gives the id order). */
export const RUN_LIST_ORDER = 'ORDER BY r.started_at DESC, r.id DESC';

export function runPageQuery(filter: RunListFilter): RunPageQuery {
  const { limit, before, status } = filter;
  if (!Number.isInteger(limit) || limit < 1 || limit > RUN_LIST_MAX_LIMIT) throw new Error(`runs: limit must be 1..${RUN_LIST_MAX_LIMIT}, got ${limit}`);
  if (before !== undefined && (!Number.isInteger(before) || before < 1)) throw new Error(`runs: before must be a run id, got ${before}`);
  if (status !== undefined && !RUN_STATUSES.includes(status)) throw new Error(`runs: unknown status ${JSON.stringify(status)}`);
  const where: string[] = [];
  const params: Record<string, string | number> = { take: limit + 1 };
  // A version built from two sources is two kernels rows: (version, source_hash) is unique, version is its prefix.
  if (filter.kernel !== undefined) {
    where.push('r.kernel_id IN (SELECT id FROM kernels WHERE version = @kernel)');
    params.kernel = filter.kernel;
  }
  if (filter.testset !== undefined) {
    where.push('r.testset = @testset');
    params.testset = filter.testset;
  }
  if (filter.nut !== undefined) {
    where.push('r.nut = @nut');
    params.nut = filter.nut;
  }
  if (status !== undefined) {
    where.push('r.status = @status');
    params.status = status;
  }
  if (filter.regressed) where.push('r.id IN (SELECT run_id FROM run_totals WHERE n_regression > 0)');
  if (before !== undefined) {
    // Row values: strictly after the cursor run in (started_at, id) order, ties on started_at included.
    where.push('(r.started_at, r.id) < (SELECT started_at, id FROM runs WHERE id = @before)');
    params.before = before;
  }
  const sql = `SELECT r.id FROM runs r ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${RUN_LIST_ORDER} LIMIT @take`;
  return { sql, params };
}
