export { createKernelBuilder, type KernelBuilderOptions } from './builder.js';
export {
  verifyConfig,
  parseFragments,
  parseResolvedConfig,
  describeMismatches,
  FragmentError,
  type ConfigRequest,
  type ConfigMismatch,
} from './verify-config.js';
export { cacheKey, inputKey, identityHex, sourceTreeDir } from './cache-layout.js';
export { pruneSourceTrees, type PruneOptions, type PruneReport } from './prune.js';
export { cachedKernel, installKernelEntry, kernelEntryFiles } from './kernel-transfer.js';
