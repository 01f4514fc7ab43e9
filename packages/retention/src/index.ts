// @testlab/retention: what a lab keeps on disk (the policy, pure) and what one host can free under it.
export { decideRetention, type RetentionDecision, type RetentionPolicy } from './policy.js';
export { applyCleanup, planCleanup, type DiskPlan, type Reclaimable } from './disk.js';
export { bytesText, collectGarbage, type CollectReport } from './collect.js';
