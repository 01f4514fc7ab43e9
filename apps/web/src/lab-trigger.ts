// POST /api/runs on a lab: the request becomes a planned kernel, enqueued through the scheduler with the
// plan context built from the lab's config (the scheduler's loadLabPlan, as labd builds it), so the jobs
// have the keys labd would give them: a version read from the tarball's Makefile plans the same jobs as
// that version given. labd, another process, finds them at its next idle poll.
import type { JobQueue, KernelVersion } from '@testlab/core';
import { kernelSourceFrom, kernelVersionInSource } from '@testlab/kernel-sources';
import { kernelVersionFromSource, type LabConfig } from '@testlab/lab-config';
import { enqueueKernel, onlyTestSets, type LabPlanContext, type PlannedKernel } from '@testlab/scheduler';
import { TriggerRefusedError, type TriggerRequest, type TriggerRun } from './routes/trigger.js';

/**
 * The version to plan as: given, else that of the same source in the config's kernels, else from its name
 * (a release tag, `linux-6.1.192.tar.xz`), else what a local tarball's top Makefile declares (as `make
 * kernelversion` would say). A URL or repository that names no version needs "version".
 */
export async function plannedVersion(request: TriggerRequest, kernels: LabConfig['kernels']): Promise<KernelVersion> {
  if (request.version !== undefined) return request.version;
  const configured = kernels.find((k) => k.source === request.source && k.ref === request.ref);
  const named = configured?.version ?? kernelVersionFromSource(request.source, request.ref);
  if (named !== undefined) return named;
  let inTree;
  try {
    inTree = await kernelVersionInSource(request.source, request.ref);
  } catch (error) {
    throw new TriggerRefusedError(`cannot read the kernel version from ${JSON.stringify(request.source.slice(0, 200))}: ${(error as Error).message}; give "version", e.g. "6.1.192"`);
  }
  if (inTree === undefined) throw new TriggerRefusedError(`cannot tell the kernel version from ${JSON.stringify(request.source.slice(0, 200))}${request.ref ? ` at ${request.ref}` : ''}: give "version", e.g. "6.1.192"`);
  return inTree;
}

export function labTrigger(queue: JobQueue, context: LabPlanContext, kernels: LabConfig['kernels']): TriggerRun {
  return async (request) => {
    let only: LabPlanContext;
    try {
      only = onlyTestSets(context, [request.testset]);
    } catch (error) {
      throw new TriggerRefusedError((error as Error).message);
    }
    // The check labd makes when the build job starts (the same driver choice): a source it would refuse is
    // refused now, with its reason, instead of a job that fails hours later. Nothing is fetched here.
    try {
      kernelSourceFrom(request.source, request.ref);
    } catch (error) {
      throw new TriggerRefusedError((error as Error).message);
    }
    const kernel: PlannedKernel = { version: await plannedVersion(request, kernels), source: { spec: request.source, ...(request.ref ? { ref: request.ref } : {}) } };
    // The version was parsed with the request (or came parsed from the config or the Makefile): a failure here is the lab's, a 500.
    const enqueued = await enqueueKernel(queue, kernel, only);
    const run = enqueued.plan.jobs.find((j) => j.kind === 'run');
    if (run === undefined) throw new TriggerRefusedError(`test set ${request.testset} cannot run on this lab: ${enqueued.plan.unplaceable.map((u) => u.reason).join('; ')}`);
    const job = await queue.byKey(run.key);
    if (job === undefined) throw new Error(`job ${run.key} was enqueued but is not in the queue`);
    const runId = job.progress.runId;
    return { jobId: job.id, created: enqueued.added.includes(run.key), ...(typeof runId === 'number' ? { runId } : {}) };
  };
}
