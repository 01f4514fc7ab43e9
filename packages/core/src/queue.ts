// The lab's durable job queue: builds and runs waiting for a worker, with leases so that a lab process
// killed at any moment loses nothing (its leases are taken back) and duplicates nothing (a job's result is
// written once, by the holder of its current lease). Async like LabStore, so PostgreSQL can implement it.
import type { JobPayloads } from './job-payloads.js';

/**
 * What a job does. `build`: one kernel source x one config; `run`: one kernel x one test set on one NUT;
 * `bisect`: one bisection (packages/bisect), each of its steps a build and a run on the NUT holding the job.
 */
export type JobKind = keyof JobPayloads;

/** queued: waiting (maybe until notBefore); leased: a worker holds it; done/failed: final. */
export type JobStatus = 'queued' | 'leased' | 'done' | 'failed';

/** Whose fault a failure is: the kernel's (boot failure, panic, hang) or the lab's (download, build host, NUT unreachable). */
export type FailureOwner = 'kernel' | 'lab';

/**
 * Lower runs first. Releases before rc's before stable updates before bisections before nightly snapshots.
 * A bisection refines a regression already reported (and costs a kernel build per step), while a new stable
 * update is news for the users who run it next: stable goes first. A bisection still goes before tonight's
 * snapshot, so the culprit is known before the next snapshot reports the same regression again.
 */
export const JOB_PRIORITY = { release: 0, rc: 1, stable: 2, bisect: 3, snapshot: 4 } as const;
export type JobPriorityClass = keyof typeof JOB_PRIORITY;

/** What a NUT must offer to take a run job. */
export interface NutRequirement {
  /** The kernel profile the NUT boots (base config + lab fragment), e.g. `qemu`, `x86-machine`. */
  profile: string;
  /** The test set's mode, e.g. `host`, `router`. */
  mode: string;
}

interface JobSpecFields {
  /**
   * Idempotency key: enqueueing a key that exists returns the existing job, so a planner that runs twice
   * (after a crash, or two polls seeing the same release) adds nothing. E.g. `run:6.12:phase2-host:qemu`.
   */
  key: string;
  priority: number;
  /** Jobs of one kernel share a group; a NUT that just ran one prefers the next of the same group. */
  group: string;
  /** Key of a job that must be done before this one may be leased (a run waits for its build). */
  after?: string;
  /** Run and bisect jobs: only a NUT meeting this is given the job. */
  requires?: NutRequirement;
  /** Attempts (leases) allowed before a retryable failure becomes final. Default 2: the lab's failures retry once. */
  maxAttempts?: number;
}

/** Each kind with its own payload (job-payloads.ts): `job.kind === 'run'` makes `job.payload` a RunJobPayload. */
type WithPayload<T> = { [K in JobKind]: T & { kind: K; payload: JobPayloads[K] } }[JobKind];

export type JobSpec = WithPayload<JobSpecFields>;

interface JobRecordFields {
  id: number;
  key: string;
  priority: number;
  group: string;
  after: string | null;
  requires: NutRequirement | null;
  status: JobStatus;
  /** Leases taken so far (a lease taken back from a dead worker counts too). */
  attempts: number;
  maxAttempts: number;
  /** Not leased before this time (retry backoff). */
  notBefore: string;
  leaseOwner: string | null;
  leaseExpiresAt: string | null;
  /** The NUT a leased run job holds; a NUT holds at most one job. */
  nut: string | null;
  /** Facts the worker recorded while holding the job (the run id it started), read by the next attempt. */
  progress: Record<string, unknown>;
  result: Record<string, unknown> | null;
  error: string | null;
  failureOwner: FailureOwner | null;
  createdAt: string;
  updatedAt: string;
}

/** A job as the queue hands it back, its payload validated (InvalidJobPayload otherwise). */
export type JobRecord = WithPayload<JobRecordFields>;
export type BuildJob = Extract<JobRecord, { kind: 'build' }>;
export type RunJob = Extract<JobRecord, { kind: 'run' }>;
export type BisectJob = Extract<JobRecord, { kind: 'bisect' }>;

export interface LeaseRequest {
  /** Who holds the lease: unique per worker process, e.g. `labd:<host>:<pid>:<start time>`. */
  owner: string;
  kinds: readonly JobKind[];
  leaseMs: number;
  /** For run and bisect jobs: the free NUT asking for work. Without it no such job is leased. */
  nut?: { name: string; profile: string; modes: readonly string[] };
  /** Prefer a job of this group (the kernel the NUT already runs). */
  preferGroup?: string;
}

export interface JobFailure {
  error: string;
  owner: FailureOwner;
  /** Queue it again after this delay, if attempts remain; otherwise (or when absent) the failure is final. */
  retryAfterMs?: number;
}

/** The caller's lease is gone (expired and taken back, or the job finished): its work must not be recorded. */
export class LeaseLostError extends Error {
  constructor(
    readonly jobId: number,
    readonly owner: string,
  ) {
    super(`job ${jobId} is no longer leased by ${owner}`);
    this.name = 'LeaseLostError';
  }
}

export interface JobQueue {
  enqueue(spec: JobSpec): Promise<{ job: JobRecord; created: boolean }>;
  /**
   * Takes the most urgent job this worker (and NUT) may run, or undefined. Increments its attempts. A job
   * whose payload does not validate (an older lab's row, one edited by hand) is failed for good as the
   * lab's failure, with the reason, and InvalidJobPayload is thrown: the caller logs it and leases again.
   */
  lease(request: LeaseRequest): Promise<JobRecord | undefined>;
  /** Extends a lease; throws LeaseLostError when it is no longer the caller's. */
  renew(jobId: number, owner: string, leaseMs: number): Promise<void>;
  /** Merges facts into the job's progress (under the caller's lease). */
  noteProgress(jobId: number, owner: string, facts: Record<string, unknown>): Promise<void>;
  complete(jobId: number, owner: string, result: Record<string, unknown>): Promise<JobRecord>;
  /** Queues the job again or fails it for good; a final failure also fails the jobs waiting on it. */
  fail(jobId: number, owner: string, failure: JobFailure): Promise<JobRecord>;
  /** Gives a job back untouched (graceful shutdown): queued again, this attempt not counted. */
  release(jobId: number, owner: string): Promise<void>;
  /**
   * Takes back leases that expired or whose owner is dead (by `isOwnerAlive`); the jobs are queued again
   * at once. Returns their ids.
   */
  reclaim(isOwnerAlive: (owner: string) => boolean): Promise<number[]>;
  /** Reading a job back validates its payload: InvalidJobPayload names the job and the field. */
  get(jobId: number): Promise<JobRecord | undefined>;
  byKey(key: string): Promise<JobRecord | undefined>;
  list(options?: { status?: JobStatus; limit?: number }): Promise<JobRecord[]>;
  close(): Promise<void>;
}
