// @testlab/scheduler: the nightly cycle. Plans jobs per kernel (pure), runs them from the durable queue on
// a pool of NUTs, classifies failures (the kernel's or the lab's) and recovers NUTs a kernel broke.
export * from './priority.js';
export * from './planner.js';
export * from './classify.js';
export * from './console-markers.js';
export * from './watchdog.js';
export * from './owner.js';
export * from './pool.js';
export * from './cycle.js';
export * from './worker.js';
export * from './enqueue.js';
export * from './rerun.js';
export * from './lab-plan.js';
export * from './bisect-job.js';
