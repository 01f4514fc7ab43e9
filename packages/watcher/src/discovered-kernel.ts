// What a poll finds (core's DiscoveredKernel), and where it goes. The watcher keeps no state of its own: a
// sink (the job queue, the lab store, or memory in tests) says whether a kernel was seen before.
import type { DiscoveredKernel, DiscoveredKernelSink } from '@testlab/core';

/** The identity two polls agree on: the version text, and for git kernels also the commit. */
export function kernelKey(k: DiscoveredKernel): string {
  return k.origin.type === 'git' && k.origin.commit ? `${k.version.text}@${k.origin.commit}` : k.version.text;
}

/**
 * A sink in memory, for tests and for `--dry-run`-like uses: a kernel is known when its version was offered
 * before, or (git) when its commit was: a branch head that moved onto a tag is the tag's kernel.
 */
export class MemorySink implements DiscoveredKernelSink {
  readonly accepted: DiscoveredKernel[] = [];
  private readonly versions = new Set<string>();
  private readonly commits = new Set<string>();

  constructor(knownVersions: Iterable<string> = []) {
    for (const v of knownVersions) this.versions.add(v);
  }

  async isKnown(k: DiscoveredKernel): Promise<boolean> {
    const commit = k.origin.type === 'git' ? k.origin.commit : undefined;
    return this.versions.has(k.version.text) || (commit !== undefined && this.commits.has(commit));
  }

  async offer(k: DiscoveredKernel): Promise<'new' | 'known'> {
    if (await this.isKnown(k)) return 'known';
    this.versions.add(k.version.text);
    if (k.origin.type === 'git' && k.origin.commit) this.commits.add(k.origin.commit);
    this.accepted.push(k);
    return 'new';
  }
}
