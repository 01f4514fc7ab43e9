// Row shapes as node-postgres returns them (with connection.ts's conversions: numbers, ISO timestamps, JSON as
// text) and their mapping to core's records. The CHECK constraints guarantee the string unions, which is why
// the casts are safe. Kernel versions are parsed here, once per row read: the store writes only parsed ones.
import {
  parseKernelVersion,
  type ArtifactRecord,
  type BuildRecord,
  type KernelRecord,
  type KernelVersion,
  type RunRecord,
  type RunStatus,
  type RunSummary,
  type StageName,
  type StageRecord,
  type StageStatus,
  type Verdict,
} from '@testlab/core';

export interface KernelRow {
  id: number;
  version: string;
  kind: string;
  source_label: string;
  source_hash: string;
  created_at: string;
}

export interface BuildRow {
  id: number;
  kernel_id: number;
  cache_key: string;
  kernel_release: string;
  from_cache: boolean;
  created_at: string;
}

export interface RunRow {
  id: number;
  kernel_id: number | null;
  build_id: number | null;
  testset: string;
  nut: string;
  status: string;
  failed_stage: string | null;
  error: string | null;
  source_label: string;
  started_at: string;
  finished_at: string | null;
  owner_pid: number | null;
}

export interface RunSummaryRow extends RunRow {
  kernel_version: string | null;
  n_pass: number;
  n_fail: number;
  n_warn: number;
  n_na: number;
  n_error: number;
}

export interface StageRow {
  run_id: number;
  stage: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  duration_ms: number | null;
  log_path: string | null;
  detail: string | null;
}

export interface ArtifactRow {
  id: number;
  run_id: number;
  kind: string;
  path: string;
  size_bytes: number;
}

/** A kernel version read from the database; one the lab could not have written is named as such. */
export function storedVersion(text: string): KernelVersion {
  try {
    return parseKernelVersion(text);
  } catch (error) {
    throw new Error(`the database holds a kernel version the lab never writes (edited by hand?): ${(error as Error).message}`, { cause: error });
  }
}

export function toKernel(r: KernelRow): KernelRecord {
  return { id: r.id, version: storedVersion(r.version), sourceLabel: r.source_label, sourceHash: r.source_hash, createdAt: r.created_at };
}

export function toBuild(r: BuildRow): BuildRecord {
  return { id: r.id, kernelId: r.kernel_id, cacheKey: r.cache_key, kernelRelease: r.kernel_release, fromCache: r.from_cache, createdAt: r.created_at };
}

export function toRun(r: RunRow): RunRecord {
  return {
    id: r.id,
    kernelId: r.kernel_id,
    buildId: r.build_id,
    testset: r.testset,
    nut: r.nut,
    status: r.status as RunStatus,
    failedStage: r.failed_stage as StageName | null,
    error: r.error,
    sourceLabel: r.source_label,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    ownerPid: r.owner_pid,
  };
}

export function toCounts(r: RunSummaryRow): Record<Verdict, number> {
  return { PASS: r.n_pass, FAIL: r.n_fail, WARN: r.n_warn, NA: r.n_na, ERROR: r.n_error };
}

export function toSummary(r: RunSummaryRow): RunSummary {
  return { ...toRun(r), kernelVersion: r.kernel_version, counts: toCounts(r) };
}

export function toStage(r: StageRow): StageRecord {
  return {
    runId: r.run_id,
    stage: r.stage as StageName,
    status: r.status as StageStatus,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.duration_ms,
    logPath: r.log_path,
    detail: r.detail,
  };
}

export function toArtifact(r: ArtifactRow): ArtifactRecord {
  return { runId: r.run_id, kind: r.kind, path: r.path, sizeBytes: r.size_bytes };
}

// Per-verdict counts of one run in one index range (results_by_run), for the run `r` of the outer query;
// `unless`: a condition on the outer row under which nothing is counted (the totals are stored).
export const countsLateral = (unless = 'false') => `LEFT JOIN LATERAL (SELECT
    count(*) FILTER (WHERE x.verdict = 'PASS') AS c_pass, count(*) FILTER (WHERE x.verdict = 'FAIL') AS c_fail,
    count(*) FILTER (WHERE x.verdict = 'WARN') AS c_warn, count(*) FILTER (WHERE x.verdict = 'NA') AS c_na,
    count(*) FILTER (WHERE x.verdict = 'ERROR') AS c_error
  FROM results x WHERE x.run_id = r.id AND NOT (${unless})) c ON true`;
