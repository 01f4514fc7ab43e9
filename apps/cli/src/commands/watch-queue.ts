// `testlab watch --once --config labd.yaml`: new kernels go into the lab's job queue (its store) through the
// scheduler's QueueKernelSink, planned with the context built from the config exactly as labd builds it
// (the scheduler's loadLabPlan): the running labd picks the jobs up at its next idle poll.
import type { JobQueue } from '@testlab/core';
import { labStoreLocation, loadLabConfig, type LabConfig } from '@testlab/lab-config';
import { loadLabPlan } from '@testlab/scheduler';
import { QueueKernelSink, type Enqueued, type PlannedKernel } from '@testlab/scheduler';
import { openLabStores } from '@testlab/stores';

export interface QueueSink {
  config: LabConfig;
  sink: QueueKernelSink;
  /** Each kernel offered and what planning it added. */
  enqueued: { kernel: PlannedKernel; result: Enqueued }[];
  close(): Promise<void>;
}

export async function openQueueSink(configFile: string): Promise<QueueSink> {
  const config = await loadLabConfig(configFile);
  const plan = await loadLabPlan(config);
  const stores = await openLabStores(labStoreLocation(config), { applicationName: 'testlab watch' });
  const queue: JobQueue = stores.queue;
  const enqueued: QueueSink['enqueued'] = [];
  const sink = new QueueKernelSink(queue, () => plan.context, (kernel, result) => enqueued.push({ kernel, result }));
  return { config, sink, enqueued, close: () => stores.close() };
}
