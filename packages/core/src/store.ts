// What the lab keeps. SQLite is the embedded default; the interface is async so that a PostgreSQL store
// (a lab spread over several hosts) can implement it without changing a caller.
import type { CaseResult, Verdict } from './results.js';
import type { RunStatus, StageName, StageStatus } from './stages.js';
import type { KernelVersion } from './versions.js';

export interface KernelRecord {
  id: number;
  /** Parsed before it is written (the store keeps its canonical text and kind), e.g. `6.1.192`, `v6.13-rc1-3-gabcdef012345`. */
  version: KernelVersion;
  sourceLabel: string;
  sourceHash: string;
  createdAt: string;
}

export interface BuildRecord {
  id: number;
  kernelId: number;
  cacheKey: string;
  kernelRelease: string;
  fromCache: boolean;
  createdAt: string;
}

export interface RunRecord {
  id: number;
  kernelId: number | null;
  buildId: number | null;
  testset: string;
  nut: string;
  status: RunStatus;
  /** The stage that failed, when status is `failed`. */
  failedStage: StageName | null;
  error: string | null;
  /** What the operator asked for (source description), kept even when the kernel never got identified. */
  sourceLabel: string;
  startedAt: string;
  finishedAt: string | null;
  /** Process id of the lab process that owns the run while it is `running`. */
  ownerPid: number | null;
}

export interface StageRecord {
  runId: number;
  stage: StageName;
  status: StageStatus;
  startedAt: string;
  finishedAt: string | null;
  durationMs: number | null;
  logPath: string | null;
  detail: string | null;
}

export interface ResultRecord extends CaseResult {
  runId: number;
}

export interface ArtifactRecord {
  runId: number;
  /** `bzImage`, `modules`, `config`, `system-map`, `build-log`, `console-log`, `pcap`, `case-log`. */
  kind: string;
  path: string;
  sizeBytes: number;
}

export interface RunSummary extends RunRecord {
  /** The kernel's canonical version text, as shown (pages, JSON API, CLI); null until the run identified it. */
  kernelVersion: string | null;
  counts: Record<Verdict, number>;
}

/** What makes two runs the same experiment (see doneRunLike). */
export interface SameRun {
  cacheKey: string;
  testset: string;
  nut: string;
  setupDigest: string;
}

/** A run that finished outside the lab (an imported TAHI result folder), stored whole by recordImportedRun. */
export interface ImportedRun {
  kernel: Omit<KernelRecord, 'id' | 'createdAt'>;
  build: Omit<BuildRecord, 'id' | 'kernelId' | 'createdAt'>;
  run: { testset: string; nut: string; sourceLabel: string; ownerPid: number };
  /** The stage the results belong to, finished `done` with this detail. */
  stage: StageName;
  detail: string;
  /**
   * The results and artifacts once the run has its id (artifact paths name the run's folder). Called inside
   * the transaction: it must only compute; whatever it throws stores nothing.
   */
  contents(runId: number): { results: CaseResult[]; artifacts: Omit<ArtifactRecord, 'runId'>[] };
}

export interface LabStore {
  /** Insert or find the kernel with this version and source hash. */
  upsertKernel(k: Omit<KernelRecord, 'id' | 'createdAt'>): Promise<KernelRecord>;
  recordBuild(b: Omit<BuildRecord, 'id' | 'createdAt'>): Promise<BuildRecord>;

  /** `setupDigest`: runSetupDigest of what the run tests (run-setup.ts); without it the run is never taken as already done. */
  startRun(r: { testset: string; nut: string; sourceLabel: string; ownerPid: number; setupDigest?: string }): Promise<RunRecord>;
  attachKernel(runId: number, kernelId: number, buildId: number): Promise<void>;
  startStage(runId: number, stage: StageName, logPath?: string): Promise<void>;
  finishStage(runId: number, stage: StageName, status: Exclude<StageStatus, 'running'>, detail?: string): Promise<void>;
  /** One case result with its artifacts, written in one transaction. */
  addResult(runId: number, result: CaseResult): Promise<void>;
  addArtifact(a: ArtifactRecord): Promise<void>;
  /** Ends the run and every stage still running, in one transaction. */
  finishRun(runId: number, outcome: { status: 'done' } | { status: 'failed'; stage: StageName; error: string }): Promise<void>;
  /** Stores a finished outside run in one transaction: a process killed midway leaves no trace of it. */
  recordImportedRun(run: ImportedRun): Promise<RunSummary>;
  /**
   * Marks `running` runs whose owner process is gone as `unfinished` (with their open stages). Returns their
   * ids. Only runs started on this store's host (or before runs named their host) are judged: a pid means
   * nothing on another machine.
   */
  markOrphanedRuns(isAlive: (pid: number) => boolean): Promise<number[]>;
  /**
   * Marks one `running` run `unfinished` with `reason` (its job was taken over after the lab process running
   * it stopped answering, maybe on another host). False when the run was not running.
   */
  abandonRun(runId: number, reason: string): Promise<boolean>;

  /**
   * The newest run that ended `done` with this build (cache key: source hash + resolved .config), test set,
   * NUT kind and setup digest: the same experiment, finished. A lab does not run it again.
   */
  doneRunLike(same: SameRun): Promise<RunSummary | undefined>;

  getRun(runId: number): Promise<RunSummary | undefined>;
  listRuns(options?: { limit?: number }): Promise<RunSummary[]>;
  stagesOf(runId: number): Promise<StageRecord[]>;
  resultsOf(runId: number): Promise<ResultRecord[]>;
  artifactsOf(runId: number): Promise<ArtifactRecord[]>;
  close(): Promise<void>;
}
