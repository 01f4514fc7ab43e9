export { judgeAttempts, type StepJudgement } from './step-outcome.js';
export { searchState, provenBy, type SearchState } from './search-state.js';
export { runBisection, StepNotTestable, type BisectionDeps, type StepRequest, type StepTester } from './run-bisection.js';
export { stepTesterOnRuns, type StepRun, type StepRunner } from './step-runs.js';
export { autoBisection, gitKernel, type AutoBisectDecision, type AutoBisectInput, type RunKernelSource } from './auto-bisect.js';
export { pipelineStepRunner, type PipelineStepDeps, type StepPipeline, type StepWatch, type StepWorkTree } from './pipeline-steps.js';
export { BisectionRefused, type BisectEnd, type CompareRuns, type InputNames } from './bisection-ends.js';
export { BISECTION_LIMITS, BisectionConflict, startBisection, type BisectionDesk, type BisectionRequest } from './start-bisection.js';
export { BISECT_JOB_ATTEMPTS, queueBisection } from './queue-bisection.js';
