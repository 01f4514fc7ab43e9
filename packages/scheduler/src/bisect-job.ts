// One bisect job on the NUT it holds: the bisection (packages/bisect, wired by labd) runs or resumes from its
// stored steps, each step a build and a run on this NUT, each run and rerun under a hang watchdog of its own.
// The job holds the NUT for the whole bisection, so no other job's kernel interleaves with its steps. An
// exception is the lab's failure (the store, the tree, a build host), not a verdict: the job is retried after
// its backoff and the next attempt, maybe another process after kill -9, resumes at the step the store says.
import type { BisectJob, BisectJobPayload, NutDriver, Progress } from '@testlab/core';
import type { CycleContext } from './cycle.js';
import { RunWatchdog } from './watchdog.js';

/** How a bisection ended (labd's: found, inconclusive, failed), for the job's result and the log. */
export interface BisectionEnd {
  status: string;
  reason?: string | null;
}

/**
 * Runs the job's bisection to its end on `nutDriver`. `watch` gives a fresh watchdog for each run and rerun of
 * a step (what the bisection's step runner takes); one that fires powers the NUT off, and the worker restores it.
 */
export type RunBisectJob = (input: { payload: BisectJobPayload; nutDriver: NutDriver; watch: () => RunWatchdog; progress: Progress }) => Promise<BisectionEnd>;

export interface BisectSettlement {
  status: 'done' | 'retry' | 'failed';
  end?: BisectionEnd;
  /** The lab's failure that stopped this attempt. */
  error?: string;
  /** A watchdog powered the NUT off during a step (a kernel that hung or panicked). */
  nutBroken?: string;
}

export async function executeBisectJob(ctx: CycleContext, job: BisectJob, runBisect: RunBisectJob, driver: NutDriver, progress: Progress): Promise<BisectSettlement> {
  const watches: RunWatchdog[] = [];
  const watch = () => {
    const w = new RunWatchdog(ctx.watchdog);
    watches.push(w);
    return w;
  };
  const broken = () => watches.find((w) => w.fired !== undefined)?.fired?.reason;
  let end: BisectionEnd;
  try {
    end = await runBisect({ payload: job.payload, nutDriver: driver, watch, progress });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const retryAfterMs = ctx.retryBackoffMs * 2 ** Math.max(job.attempts - 1, 0);
    const after = await ctx.queue.fail(job.id, ctx.owner, { error: `bisection ${job.payload.bisectionId}: ${message}`, owner: 'lab', retryAfterMs });
    const nutBroken = broken();
    return { status: after.status === 'queued' ? 'retry' : 'failed', error: message, ...(nutBroken ? { nutBroken } : {}) };
  } finally {
    for (const w of watches) await w.stop();
  }
  await ctx.queue.complete(job.id, ctx.owner, { bisectionId: job.payload.bisectionId, status: end.status });
  const nutBroken = broken();
  return { status: 'done', end, ...(nutBroken ? { nutBroken } : {}) };
}
