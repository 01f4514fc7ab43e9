// @testlab/diff: baselines ("key prior releases") and the classification of differences between runs.
export { selectBaselines, type BaselineChoice } from './baselines.js';
export {
  classifyCase,
  countFlips,
  diffVerdicts,
  emptyCounts,
  failRuns,
  isFailing,
  DEFAULT_FLAKY_POLICY,
  type CaseEvidence,
  type FlakyPolicy,
} from './classify.js';
export {
  recordRunDiffs,
  RunNotDiffableError,
  type RecordDiffOptions,
  type RecordedDiffs,
} from './record-run-diffs.js';
export { streamOf } from './streams.js';
export { compareRuns, NoSuchRunError, type Comparison } from './compare-runs.js';
