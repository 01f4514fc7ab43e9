// Which kernels the lab tests first. A release is what users will run; rc's are what developers fix now;
// stable updates follow a release closely; nightly snapshots and linux-next fill the idle hours.
import { JOB_PRIORITY, type JobPriorityClass, type KernelVersionKind } from '@testlab/core';

export function priorityClassOf(kind: KernelVersionKind): JobPriorityClass {
  switch (kind) {
    case 'final':
      return 'release';
    case 'rc':
      return 'rc';
    case 'stable':
      return 'stable';
    case 'next':
    case 'snapshot':
      return 'snapshot';
  }
}

export function priorityOf(kind: KernelVersionKind): number {
  return JOB_PRIORITY[priorityClassOf(kind)];
}
