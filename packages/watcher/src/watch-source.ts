// The contract of a watch source driver (one file each: releases-json.ts, git-tree.ts) and what a poll returns.
import type { DiscoveredKernel, Progress } from '@testlab/core';

/** An entry the source saw but did not turn into a kernel, and why (hostile version, unknown moniker...). */
export interface SkippedEntry {
  /** What the entry was called in the source, quoted safely for printing (a version, a tag, `releases[3]`). */
  entry: string;
  reason: string;
}

export interface SourcePoll {
  kernels: DiscoveredKernel[];
  skipped: SkippedEntry[];
}

export interface PollContext {
  /** Where git mirrors live: kernel-sources' gitMirrorDir, the folder the git kernel source builds from. */
  cacheDir: string;
  progress: Progress;
}

export interface WatchSource {
  /** `releases-json <url>`, `git-tree <name> <repo>`: shown in reports and errors. */
  readonly description: string;
  /**
   * One look at the source. Bad entries are skipped with a reason; a source that cannot be read at all
   * (unreachable, not JSON, not a repository) throws, and the poller reports it and goes on with the others.
   */
  poll(context: PollContext): Promise<SourcePoll>;
}

/** For printing something from outside in a message: bounded and quoted, control characters escaped. */
export function quoted(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text);
}
