// One job, start to stored end. A run job is: install the kernel and boot the NUT into the test set's mode,
// run the set, store everything (the injected runTestSet does these, recording each stage), then classify
// how it ended and settle the job. Exactly once across kill -9: the run id is written into the job as soon
// as the run exists, so an attempt after a crash that finds the run already ended settles the job from it
// instead of running the set again.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type {
  BuildJob,
  BuildJobPayload,
  JobRecord,
  JobQueue,
  LabStore,
  NutDriver,
  Progress,
  RerunCases,
  RunJob,
  RunJobPayload,
  RunOutcome,
  RunReporter,
  StageName,
} from '@testlab/core';
import { classifyFailure, type Classification } from './classify.js';
import { ConsoleTail } from './console-markers.js';
import { bindRerun } from './rerun.js';
import { RunWatchdog, type WatchdogOptions } from './watchdog.js';

/**
 * Runs one kernel through one test set on the given driver, storing every stage (labd wires the pipeline).
 * `built` is what the run's build job recorded (its cache key, the kernel files' checksums): a worker on
 * another host than the build fetches the kernel by it.
 */
export type RunTestSet = (input: { payload: RunJobPayload; nutDriver: NutDriver; reporter: RunReporter; built?: Record<string, unknown> }) => Promise<RunOutcome>;
/** Builds (or finds in the cache) the kernel of a build job; the result is what run jobs read. */
export type BuildKernel = (payload: BuildJobPayload, progress: Progress) => Promise<Record<string, unknown>>;

export interface JobSettlement {
  status: 'done' | 'failed' | 'retry';
  runId?: number;
  classification?: Classification;
  /** The previous attempt had already ended the run: nothing was run again. */
  resumed?: boolean;
  /**
   * Reruns cases of this run on the NUT the job holds (a run that ended well, in this attempt). Valid only
   * during onRunFinished: afterwards the NUT goes on to its next job or its known-good kernel.
   */
  rerun?: RerunCases;
  /** A rerun hung or panicked the kernel and the watchdog powered the NUT off: it needs restoring. */
  nutBroken?: string;
  /** The same experiment had already ended `done` (runId is that run, maybe made by `testlab run`): nothing ran. */
  alreadyTested?: { cacheKey: string };
}

export interface CycleContext {
  queue: JobQueue;
  store: LabStore;
  owner: string;
  watchdog: WatchdogOptions;
  /** Delay before a lab failure's retry: base * 2^(attempt-1). */
  retryBackoffMs: number;
  /**
   * Called with every run that ended (the diff service hooks in here). For a run that ended well it is
   * called before the job is completed: the job's lease (renewed meanwhile) still holds the NUT for reruns,
   * and a lab that dies before the diffs are stored settles the job again from its run, recording them then.
   */
  onRunFinished?: (job: RunJob, settlement: JobSettlement) => Promise<void> | void;
  /** Where a run is (stage started/ended, steps inside a stage), for the daemon's log. */
  onStage?: (job: JobRecord, event: { stage: StageName; what: string }) => void;
  /**
   * The setup digest (core's runSetupDigest) a run of this job would record. Given, a run job whose build,
   * test set, NUT kind and setup already have a run that ended `done` is settled from that run, nothing run.
   */
  setupDigestOf?: (payload: RunJobPayload) => string;
}

const backoff = (job: JobRecord, base: number) => base * 2 ** Math.max(job.attempts - 1, 0);

/** Console facts the classification needs: markers and how much the NUT printed. */
async function consoleFacts(runDir: string) {
  const file = path.join(runDir, 'console.log');
  const size = await stat(file).then((s) => s.size, () => undefined);
  if (size === undefined) return {};
  const tail = new ConsoleTail(file);
  try {
    const finding = await tail.poll();
    return { consoleBytes: size, ...(finding ? { console: finding } : {}) };
  } finally {
    await tail.close();
  }
}

async function settle(
  ctx: CycleContext, job: RunJob, runId: number, failure: Classification | undefined, resumed: boolean,
  bound?: ReturnType<typeof bindRerun>,
): Promise<JobSettlement> {
  let settlement: JobSettlement;
  if (failure === undefined) {
    settlement = { status: 'done', runId, resumed, ...(bound ? { rerun: bound.rerun } : {}) };
    try {
      await ctx.onRunFinished?.(job, settlement);
    } finally {
      bound?.close();
      delete settlement.rerun;
    }
    const broken = bound?.broke();
    if (broken !== undefined) settlement.nutBroken = broken;
    await ctx.queue.complete(job.id, ctx.owner, { runId, status: 'done' });
    return settlement;
  } else if (failure.owner === 'lab') {
    const after = await ctx.queue.fail(job.id, ctx.owner, { error: failure.summary, owner: 'lab', retryAfterMs: backoff(job, ctx.retryBackoffMs) });
    settlement = { status: after.status === 'queued' ? 'retry' : 'failed', runId, classification: failure, resumed };
  } else {
    // The kernel's failure is a result, not something to retry: the same kernel would fail the same way.
    await ctx.queue.fail(job.id, ctx.owner, { error: failure.summary, owner: 'kernel' });
    settlement = { status: 'failed', runId, classification: failure, resumed };
  }
  await ctx.onRunFinished?.(job, settlement);
  return settlement;
}

export async function executeRunJob(ctx: CycleContext, job: RunJob, runTestSet: RunTestSet, driver: NutDriver): Promise<JobSettlement> {
  const payload = job.payload;
  // A previous attempt may have ended its run and died before settling the job: settle from the record.
  const earlier = typeof job.progress.runId === 'number' ? await ctx.store.getRun(job.progress.runId) : undefined;
  if (earlier !== undefined && (earlier.status === 'done' || earlier.status === 'failed')) {
    const runDir = typeof job.progress.runDir === 'string' ? job.progress.runDir : '';
    const failure = earlier.status === 'failed'
      ? classifyFailure({ stage: earlier.failedStage ?? 'test', error: earlier.error ?? '', ...(runDir ? await consoleFacts(runDir) : {}) })
      : undefined;
    return settle(ctx, job, earlier.id, failure, true);
  }

  if (earlier !== undefined && earlier.status === 'running') {
    // This attempt holds the job's lease, so the one that started that run lost it: its lab process (maybe on
    // another host) stopped answering. Its run stays as evidence, no longer `running`.
    await ctx.store.abandonRun(earlier.id, `its job was taken over by ${ctx.owner}: the lab process running it stopped answering`);
  }

  const same = await finishedLikeThis(ctx, job, driver.kind);
  if (same !== undefined) {
    // Not a new result: no diffs to record, no mail to send; the job points at the run that has them.
    await ctx.queue.complete(job.id, ctx.owner, { runId: same.runId, status: 'done', alreadyTested: true });
    return { status: 'done', runId: same.runId, alreadyTested: { cacheKey: same.cacheKey } };
  }

  const watchdog = new RunWatchdog(ctx.watchdog);
  let progressWrite: Promise<void> = Promise.resolve();
  let outcome: RunOutcome;
  try {
    const built = job.after !== null ? (await ctx.queue.byKey(job.after))?.result ?? undefined : undefined;
    outcome = await runTestSet({
      payload,
      ...(built ? { built } : {}),
      nutDriver: watchdog.wrap(driver),
      reporter: {
        runStarted: (runId, runDir) => {
          progressWrite = ctx.queue.noteProgress(job.id, ctx.owner, { runId, runDir });
          // Awaited after the run (its failure is the job's then); meanwhile it is not an unhandled rejection.
          progressWrite.catch(() => undefined);
        },
        stageStarted: (stage) => {
          ctx.onStage?.(job, { stage, what: 'started' });
          return { step: (text) => ctx.onStage?.(job, { stage, what: text }), fraction() {} };
        },
        stageFinished: (stage, how, detail) => ctx.onStage?.(job, { stage, what: detail ? `${how}: ${detail}` : how }),
        caseFinished: () => watchdog.caseFinished(),
      },
    });
  } finally {
    await watchdog.stop();
    await progressWrite;
  }
  let failure: Classification | undefined;
  if (outcome.status === 'failed') {
    failure = classifyFailure({
      stage: outcome.stage, error: outcome.error, ...(await consoleFacts(outcome.runDir)),
      ...(watchdog.fired ? { watchdog: watchdog.fired } : {}),
    });
  } else if (watchdog.fired !== undefined) {
    // The set "finished" only because the NUT was powered off under it: the cases after that saw nothing.
    failure = classifyFailure({ stage: 'test', error: watchdog.fired.reason, watchdog: watchdog.fired, ...(watchdog.console ? { console: watchdog.console } : {}) });
  }
  // Reruns boot the same kernel through the raw driver under a watchdog of their own (this run's is stopped).
  const bound = failure === undefined && outcome.status === 'done' && outcome.rerun
    ? bindRerun(outcome.rerun, driver, ctx.watchdog, (text) => ctx.onStage?.(job, { stage: 'test', what: text }))
    : undefined;
  return settle(ctx, job, outcome.runId, failure, false, bound);
}

/**
 * The run that already did what this job would: same build (the cache key its build job found: source hash
 * and resolved .config), test set, NUT kind and setup. A second run would be a second copy of the same results.
 */
async function finishedLikeThis(ctx: CycleContext, job: RunJob, nut: string): Promise<{ runId: number; cacheKey: string } | undefined> {
  if (ctx.setupDigestOf === undefined || job.after === null) return undefined;
  const cacheKey = (await ctx.queue.byKey(job.after))?.result?.cacheKey;
  if (typeof cacheKey !== 'string') return undefined;
  const { payload } = job;
  const run = await ctx.store.doneRunLike({ cacheKey, testset: payload.testset, nut, setupDigest: ctx.setupDigestOf(payload) });
  return run && { runId: run.id, cacheKey };
}

export async function executeBuildJob(ctx: CycleContext, job: BuildJob, build: BuildKernel, progress: Progress): Promise<JobSettlement> {
  try {
    const result = await build(job.payload, progress);
    await ctx.queue.complete(job.id, ctx.owner, result);
    return { status: 'done' };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const after = await ctx.queue.fail(job.id, ctx.owner, { error: `build: ${message}`, owner: 'lab', retryAfterMs: backoff(job, ctx.retryBackoffMs) });
    return { status: after.status === 'queued' ? 'retry' : 'failed', classification: { owner: 'lab', kind: 'build-host', summary: message } };
  }
}
