// The list of runs an operator pages through (`testlab runs --lab`, `/api/runs`): newest first, filtered,
// with a cursor. Part of the results service's read contract (ResultsQuery.runs in diffs.ts).
import type { RunStatus } from './stages.js';
import type { RunSummary } from './store.js';

export const RUN_STATUSES: readonly RunStatus[] = ['running', 'done', 'failed', 'unfinished'];

/** The most runs one page may hold: a page is read (and its verdicts counted) in one request. */
export const RUN_LIST_MAX_LIMIT = 500;

export interface RunListFilter {
  /** Runs per page, 1..RUN_LIST_MAX_LIMIT. */
  limit: number;
  /** Exact kernel version as stored, e.g. `6.1.192`, `v6.13-rc1-3-gabcdef012345`. */
  kernel?: string;
  testset?: string;
  nut?: string;
  status?: RunStatus;
  /** Only runs whose stored diffs found regressions against their most specific baseline. */
  regressed?: boolean;
  /**
   * Cursor: only runs listed after this one (older in start order). A run id rather than a page number,
   * so that runs started while someone pages do not shift what the next page shows.
   */
  before?: number;
}

export interface RunListPage {
  /** Newest first: (started_at, id) descending, the order of LabStore.listRuns. */
  runs: (RunSummary & { regressions: number | null })[];
  /** The `before` for the next page; null when this page is the last. */
  next: number | null;
}
