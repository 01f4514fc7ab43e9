// The SQL of ResultsQuery.runs on PostgreSQL: which run ids make up one page. Only the filters given become
// WHERE terms, so the planner can pick runs_by_started_at, runs_by_stream or runs_by_kernel for each shape.
import { RUN_LIST_MAX_LIMIT, RUN_STATUSES, type RunListFilter } from '@testlab/core';

export interface RunPageQuery {
  /** Selects up to limit + 1 run ids, newest first: one more than the page, to tell whether a next one exists. */
  sql: string;
  params: (string | number)[];
}

export const RUN_LIST_ORDER = 'ORDER BY r.started_at DESC, r.id DESC';

export function runPageQuery(filter: RunListFilter): RunPageQuery {
  const { limit, before, status } = filter;
  if (!Number.isInteger(limit) || limit < 1 || limit > RUN_LIST_MAX_LIMIT) throw new Error(`runs: limit must be 1..${RUN_LIST_MAX_LIMIT}, got ${limit}`);
  if (before !== undefined && (!Number.isInteger(before) || before < 1)) throw new Error(`runs: before must be a run id, got ${before}`);
  if (status !== undefined && !RUN_STATUSES.includes(status)) throw new Error(`runs: unknown status ${JSON.stringify(status)}`);
  const where: string[] = [];
  const params: (string | number)[] = [];
  const bind = (v: string | number) => `$${params.push(v)}`;
  if (filter.kernel !== undefined) where.push(`r.kernel_id IN (SELECT id FROM kernels WHERE version = ${bind(filter.kernel)})`);
  if (filter.testset !== undefined) where.push(`r.testset = ${bind(filter.testset)}`);
  if (filter.nut !== undefined) where.push(`r.nut = ${bind(filter.nut)}`);
  if (status !== undefined) where.push(`r.status = ${bind(status)}`);
  if (filter.regressed) where.push('r.id IN (SELECT run_id FROM run_totals WHERE n_regression > 0)');
  // Row values: strictly after the cursor run in (started_at, id) order, ties on started_at included.
  if (before !== undefined) where.push(`(r.started_at, r.id) < (SELECT started_at, id FROM runs WHERE id = ${bind(before)})`);
  const sql = `SELECT r.id FROM runs r ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ${RUN_LIST_ORDER} LIMIT ${bind(limit + 1)}`;
  return { sql, params };
}
