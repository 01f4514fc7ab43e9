// The bisect job of a bisection, queued one way whoever asked for the bisection (labd after a regression,
// POST /api/bisections): key `bisect:<id>`, so a bisection has one job however often it is asked for; after
// stable updates and before snapshots; held by a NUT of the bisection's profile in the set's mode, on a host
// that builds (the scheduler's NUT loops lease it only there: every step builds a kernel).
import { JOB_PRIORITY, type BisectionRecord, type JobQueue, type NutMode } from '@testlab/core';

/** A little more than runs get: a bisection is hours of work, and the next attempt resumes where it was. */
export const BISECT_JOB_ATTEMPTS = 3;

/** Queues the job of a bisection still to run; an ended one (found, inconclusive, failed) gets none: undefined. */
export async function queueBisection(queue: JobQueue, bisection: BisectionRecord, mode: NutMode): Promise<{ jobId: number; created: boolean } | undefined> {
  if (bisection.status !== 'queued' && bisection.status !== 'running') return undefined;
  const key = `bisect:${bisection.id}`;
  const { job, created } = await queue.enqueue({
    kind: 'bisect', key, priority: JOB_PRIORITY.bisect, payload: { bisectionId: bisection.id }, group: key,
    requires: { profile: bisection.profile, mode }, maxAttempts: BISECT_JOB_ATTEMPTS,
  });
  return { jobId: job.id, created };
}
