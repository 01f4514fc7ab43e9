// What the results service keeps and shows: each run's differences against its baselines ("key prior
// releases"), computed once when the run finishes, and the read contract the dashboard and JSON API use.
// Asynchronous like LabStore, so a PostgreSQL store can implement it without changing a caller.
// Kernel versions the diff computation decides by (RunIdentity) are parsed; those the dashboard and the JSON
// API only show (matrix rows, history points, feed items, stored diffs) are the canonical text as stored.
import type { ArtifactRecord, RunSummary, StageRecord } from './store.js';
import type { HostRecord } from './hosts.js';
import type { Verdict } from './results.js';
import type { KernelVersion } from './versions.js';
import type { RunListFilter, RunListPage } from './run-list.js';

/**
 * The release stream a kernel belongs to: `mainline` (rc's, finals, snapshots of them), `stable-X.Y` (a
 * stable line and its snapshots), `next`. Recent history, flakiness and the matrix filter go by stream, so
 * a case failing on every 6.6.y must not look flaky because mainline runs in between pass.
 */
export function releaseStream(v: KernelVersion): string {
  if (v.kind === 'next') return 'next';
  const t = v.kind === 'snapshot' ? v.base : v;
  return t.kind === 'stable' ? `stable-${t.major}.${t.minor}` : 'mainline';
}

/** Why a prior run is a baseline of this one; a baseline can have several reasons (they are merged). */
export type BaselineRole =
  | 'previous-rc'
  | 'previous-final'
  | 'previous-stable'
  | 'line-final'
  | 'previous-snapshot'
  | 'snapshot-base'
  | 'previous-next'
  | 'pinned';

export const BASELINE_ROLES: readonly BaselineRole[] = [
  'previous-rc',
  'previous-final',
  'previous-stable',
  'line-final',
  'previous-snapshot',
  'snapshot-base',
  'previous-next',
  'pinned',
];

/**
 * How one case differs between a baseline and this run. `regression`: PASS -> FAIL/ERROR; `fix`: FAIL/ERROR
 * -> PASS; `new`/`removed`: the case exists on one side only; `still-failing`: FAIL/ERROR on both sides;
 * `flaky`: a regression or fix the case's recent history (or its reruns) does not confirm; `changed`: any
 * other verdict change (WARN, NA).
 */
export type DiffClass = 'regression' | 'fix' | 'new' | 'removed' | 'still-failing' | 'flaky' | 'changed';

export const DIFF_CLASSES: readonly DiffClass[] = ['regression', 'fix', 'new', 'removed', 'still-failing', 'flaky', 'changed'];

export interface DiffEntry {
  caseId: string;
  title: string;
  class: DiffClass;
  /** Verdict in the baseline; null for a new case. */
  before: Verdict | null;
  /** Verdict in this run; null for a removed case. */
  after: Verdict | null;
  /** For a case failing in this run: the run and kernel where the current failing streak began. */
  failingSince: { runId: number; kernelVersion: string } | null;
  /** fail:runs, from reruns when the lab reran the case, else from the recent history window. */
  failRuns: { fail: number; runs: number } | null;
}

export type DiffCounts = Record<DiffClass, number>;

/** One run's differences against one baseline run, as stored when the run finished. */
export interface StoredDiff {
  runId: number;
  baselineRunId: number;
  baselineKernel: string;
  /** Every reason this run is a baseline, in BASELINE_ROLES order. */
  roles: BaselineRole[];
  /** The version the rule asked for, when the nearest tested one differs (`6.1.4` wanted, `6.1.3` used). */
  wanted: string | null;
  counts: DiffCounts;
  entries: DiffEntry[];
}

/** What the diff computation needs to know about one run (only finished runs with a kernel qualify). */
export interface RunIdentity {
  runId: number;
  /** Parsed by the store as it read the run (it writes only parsed versions). */
  kernelVersion: KernelVersion;
  testset: string;
  nut: string;
  finishedAt: string;
}

/** A case verdict with its title, as diffs compare them. */
export interface CaseVerdict {
  caseId: string;
  title: string;
  verdict: Verdict;
}

/** The per-run figures the matrix shows, stored with the diffs so the home page never counts results. */
export interface RunTotals {
  counts: Record<Verdict, number>;
  /**
   * Regressions against the most specific baseline (the previous release of the stream): what is new in
   * this kernel. Against a pinned LTS every open bug would count again, night after night.
   */
  regressions: number;
  /** Distinct cases regressed against any baseline; `regressions` when not given. */
  regressionsAny?: number;
  /** Fixes against the most specific baseline. */
  fixes: number;
  flaky: number;
}

export interface MatrixCell {
  runId: number;
  status: RunSummary['status'];
  counts: Record<Verdict, number>;
  /** Regressions against the most specific baseline; null until the run's diffs are recorded. */
  regressions: number | null;
  finishedAt: string | null;
}

export interface MatrixRow {
  kernelVersion: string;
  kernelKind: string;
  /** Newest run per test set (and NUT kind, `testset@nut`). */
  cells: Record<string, MatrixCell>;
}

export interface Matrix {
  /** Column keys, `testset@nut`, sorted. */
  columns: string[];
  /**
   * Without a stream: the kernels tested most recently first (a year of daily linux-next would otherwise
   * fill every row). With a stream: that stream's kernels, newest version first.
   */
  rows: MatrixRow[];
  /** The stream shown, or null for all. */
  stream: string | null;
  /** Every stream with tested kernels, for the filter. */
  streams: string[];
}

export interface MatrixOptions {
  /** How many kernels (rows); default 30. */
  kernels?: number;
  /** `mainline`, `next`, `stable-6.6`: only that stream's kernels, in version order. */
  stream?: string;
}

export interface LabStatus {
  /** Jobs waiting and jobs a worker holds, from the scheduler's queue. */
  queue: { queued: number; leased: number };
  /** NUT kinds seen in runs, with how many runs are using each now. */
  nuts: { nut: string; running: number; lastRunAt: string | null }[];
  /** Runs in progress with their current stage (and its detail, e.g. build progress). */
  running: { run: RunSummary; stage: StageRecord | null }[];
  totals: { runs: number; kernels: number };
  /** The hosts of the lab (announced labd processes) with their NUTs and last heartbeat; one for a lab on one machine. */
  hosts: HostRecord[];
}

export interface ResultLine {
  resultId: number;
  caseId: string;
  title: string;
  verdict: Verdict;
  reason: string;
  durationMs: number;
  pcapCount: number;
}

export interface ResultFilter {
  verdict?: Verdict;
  /** A Ready Logo section number: `2` keeps v6LC.2.*. */
  section?: number;
  /** Keep only cases some stored diff of the run lists (other than still-failing). */
  changedOnly?: boolean;
}

export interface CaseDetail extends ResultLine {
  runId: number;
  log: string;
  pcaps: { position: number; path: string }[];
}

/** An artifact with its id: the only handle the web serves files by. */
export interface StoredArtifact extends ArtifactRecord {
  id: number;
}

export interface HistoryPoint {
  runId: number;
  kernelVersion: string;
  verdict: Verdict;
  finishedAt: string | null;
}

export interface CaseHistory {
  caseId: string;
  testset: string;
  nut: string;
  title: string | null;
  /** Oldest to newest by kernel version order (runs of one kernel: oldest first). */
  points: HistoryPoint[];
  /** The first run in kernel order where the case failed (FAIL or ERROR), if any. */
  firstFailure: HistoryPoint | null;
}

export interface FeedItem {
  kind: 'run' | 'regression';
  runId: number;
  kernelVersion: string | null;
  testset: string;
  nut: string;
  status: RunSummary['status'];
  at: string;
  /** For a regression item: the cases, and the baseline kernel it regressed against. */
  regressions?: { caseId: string; title: string; baselineKernel: string }[];
}

/** The inputs of one run's diff computation, read in one go. */
export interface DiffInputs {
  run: RunIdentity;
  /** False for a run that ended early (failed, unfinished): cases it never reached are not "removed". */
  complete: boolean;
  results: CaseVerdict[];
  /** Finished runs of the same test set and NUT kind with a kernel, one per kernel version (the newest). */
  candidates: RunIdentity[];
}

/** The read/write contract of the results service. */
export interface ResultsQuery {
  // Inputs and outputs of the diff computation (recordRunDiffs in @testlab/diff).
  diffInputs(runId: number): Promise<DiffInputs | undefined>;
  verdictsOf(runId: number): Promise<CaseVerdict[]>;
  /** Finished runs of the same test set and NUT kind that started before this one, newest first. */
  priorRuns(runId: number, limit: number): Promise<RunIdentity[]>;
  /** Verdicts of these cases in these runs: run id -> case id -> verdict (absent when not run). */
  verdictsIn(runIds: readonly number[], caseIds: readonly string[]): Promise<Map<number, Map<string, Verdict>>>;
  /** Where the failing streak of each case began in this run (recorded with the diffs). */
  failingSinceOf(runId: number, caseIds: readonly string[]): Promise<Map<string, { runId: number; kernelVersion: string }>>;
  /** Replaces the run's stored diffs, failing-since marks and totals in one transaction. */
  saveDiffs(
    runId: number,
    diffs: StoredDiff[],
    failingSince: ReadonlyMap<string, { runId: number; kernelVersion: string }>,
    totals: RunTotals,
  ): Promise<void>;
  diffsOf(runId: number): Promise<StoredDiff[]>;

  // What the dashboard shows.
  matrix(options?: MatrixOptions): Promise<Matrix>;
  /** A run with its counts and, once its diffs are recorded, its regression count. */
  run(runId: number): Promise<(RunSummary & { regressions: number | null }) | undefined>;
  /** Runs newest first, filtered, one page at a time (`next` is the cursor for the following page). */
  runs(filter: RunListFilter): Promise<RunListPage>;
  /** The recorded path of one case's capture, by position: the only way a pcap is found. */
  pcap(runId: number, caseId: string, position: number): Promise<string | undefined>;
  /** Test sets and NUT kinds that ran this case. */
  streamsOfCase(caseId: string): Promise<{ testset: string; nut: string }[]>;
  labStatus(): Promise<LabStatus>;
  /**
   * A short text that changes whenever what the matrix shows can change: a run started, ended (or was marked
   * unfinished), or got its diffs recorded. The dashboard keeps the matrix it rendered until it changes.
   */
  changeStamp(): Promise<string>;
  /** Every run, with what the retention policy decides by (its stream, build, regressions, baselines). */
  retentionFacts(): Promise<RunRetentionFacts[]>;
  results(runId: number, filter?: ResultFilter): Promise<ResultLine[]>;
  caseDetail(runId: number, caseId: string): Promise<CaseDetail | undefined>;
  artifact(id: number): Promise<StoredArtifact | undefined>;
  artifactsWithIds(runId: number): Promise<StoredArtifact[]>;
  caseHistory(testset: string, nut: string, caseId: string, options?: { limit?: number }): Promise<CaseHistory>;
  feed(options?: { limit?: number }): Promise<FeedItem[]>;
}

/** What the retention policy needs to know of one run (packages/retention decides from these). */
export interface RunRetentionFacts {
  runId: number;
  testset: string;
  nut: string;
  /** The kernel's canonical version text; null until the run identified its kernel. */
  kernelVersion: string | null;
  status: RunSummary['status'];
  startedAt: string;
  /** The build's kernel cache key, and the kernel's source identity (`sha256:<tarball>`, `git:<commit>`). */
  cacheKey: string | null;
  sourceHash: string | null;
  /** Regressions against the most specific baseline; null until diffs are recorded. */
  regressions: number | null;
  /** The runs its stored diffs compare it with. */
  baselineRunIds: number[];
}
