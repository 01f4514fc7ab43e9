// The watcher: finds new kernels (kernel.org's releases.json, git trees), fetches and verifies them.
export { kernelKey, MemorySink } from './discovered-kernel.js';
export { quoted, type PollContext, type SkippedEntry, type SourcePoll, type WatchSource } from './watch-source.js';
export { DEFAULT_NEXT_REPO, DEFAULT_RELEASES_URL, InvalidFeed, MONIKERS, parseReleasesJson, ReleasesJsonSource, type Moniker, type ReleasesJsonOptions } from './releases-json.js';
export { GitTreeSource, type GitTreeOptions } from './git-tree.js';
export { parseWatchConfig, watchDrivers, watchSourceFrom, type WatchRuntime } from './watch-sources.js';
export type { WatchConfig, WatchSourceConfig } from '@testlab/lab-config';
export { verifyDetachedSignature, verifyTarballSignature, type SignatureCheck } from './pgp-verify.js';
export { verifyTagSignature, type ListedTag, type TagSignatureCheck } from './tag-signature.js';
export { verifyTarballAgainstTag, type TagCheck } from './rc-tag-check.js';
export { fetchKernel, KernelRejected, type FetchedKernel, type FetchOptions } from './fetch-kernel.js';
export { pollOnce, type FoundKernel, type FoundStatus, type PollOptions, type SourceReport } from './poll.js';
