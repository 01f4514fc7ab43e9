// From "a new kernel exists" to jobs in the queue. The watcher (packages/watcher) offers each kernel it
// finds to a sink; this sink plans the kernel and enqueues the plan. A kernel is known when its first
// planned job is already in the queue: planning is deterministic, so no separate bookkeeping is needed.
import type { DiscoveredKernel, DiscoveredKernelSink, JobQueue, KernelProfile } from '@testlab/core';
import { planKernel, type Plan, type PlannedKernel, type PlannedTestSet, type PoolEntry } from './planner.js';

export interface LabPlanContext {
  testsets: readonly PlannedTestSet[];
  profiles: readonly KernelProfile[];
  pool: readonly PoolEntry[];
}

export interface Enqueued {
  plan: Plan;
  /** Keys of jobs added now (the others were already queued). */
  added: string[];
}

export async function enqueueKernel(queue: JobQueue, kernel: PlannedKernel, ctx: LabPlanContext): Promise<Enqueued> {
  const plan = planKernel(kernel, ctx.testsets, ctx.profiles, ctx.pool);
  const added: string[] = [];
  // Builds come first in the plan, so every run finds the build it waits for.
  for (const spec of plan.jobs) if ((await queue.enqueue(spec)).created) added.push(spec.key);
  return { plan, added };
}

/** A found kernel as the planner takes it: a git kernel is built from its commit when the source knows it. */
export function plannedFromDiscovered(k: DiscoveredKernel): PlannedKernel {
  const source = k.origin.type === 'tarball' ? { spec: k.origin.url } : { spec: k.origin.repo, ref: k.origin.commit ?? k.origin.ref };
  return { version: k.version, source };
}

/** The watcher's sink in the lab: offering a kernel enqueues its builds and runs. */
export class QueueKernelSink implements DiscoveredKernelSink {
  constructor(
    private readonly queue: JobQueue,
    private readonly ctx: () => LabPlanContext,
    private readonly onEnqueued: (kernel: PlannedKernel, result: Enqueued) => void = () => {},
  ) {}

  async isKnown(k: DiscoveredKernel): Promise<boolean> {
    const first = planKernel(plannedFromDiscovered(k), this.ctx().testsets, this.ctx().profiles, this.ctx().pool).jobs[0];
    return first === undefined || (await this.queue.byKey(first.key)) !== undefined;
  }

  async offer(k: DiscoveredKernel): Promise<'new' | 'known'> {
    const kernel = plannedFromDiscovered(k);
    const result = await enqueueKernel(this.queue, kernel, this.ctx());
    this.onEnqueued(kernel, result);
    return result.added.length > 0 ? 'new' : 'known';
  }
}
