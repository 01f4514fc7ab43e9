// What a poll finds, and where it goes. The watcher keeps no state of its own: a sink (the job queue, the
// lab store, or memory in tests) says whether a kernel was seen before.
import type { KernelVersion } from '@testlab/core';

/** Where the lab gets a discovered kernel's tree. */
export type KernelOrigin =
  | {
      type: 'tarball';
      /** http(s) URL of the tarball (validated). */
      url: string;
      /** kernel.org's `.tar.sign` over the uncompressed tar, for finals and stable; absent for rc's. */
      signatureUrl?: string;
    }
  | {
      type: 'git';
      /** Repository URL or absolute local path, as configured or derived from the feed. */
      repo: string;
      /** Tag or branch the kernel was found as. */
      ref: string;
      /** Full commit id, when the source knows it (git trees); linux-next from releases.json has only a tag. */
      commit?: string;
      /** Set when the tree has a keyring and the tag's signature was checked against it (tag-signature.ts). */
      tagSignature?: { tagObject: string; fingerprint: string; signer: string };
    };

export interface DiscoveredKernel {
  /** Parsed and validated with @testlab/core: the only form a version from outside reaches the lab in. */
  version: KernelVersion;
  /** releases.json's moniker (`mainline`, `stable`, `longterm`, `linux-next`) or `<tree>` / `<tree>/<branch>`. */
  stream: string;
  /** Whether the kernel.org entry says the line is end-of-life (git kernels: false). */
  eol: boolean;
  origin: KernelOrigin;
  /** ISO 8601 UTC: the release time (releases.json) or the commit time (git). */
  released: string | undefined;
  /** Which configured source found it, e.g. `releases-json https://www.kernel.org/releases.json`. */
  foundBy: string;
}

/** The identity two polls agree on: the version text, and for git kernels also the commit. */
export function kernelKey(k: DiscoveredKernel): string {
  return k.origin.type === 'git' && k.origin.commit ? `${k.version.text}@${k.origin.commit}` : k.version.text;
}

export interface DiscoveredKernelSink {
  isKnown(k: DiscoveredKernel): Promise<boolean>;
  /** Takes the kernel if it is new (the real sink enqueues it) and says which it was. */
  offer(k: DiscoveredKernel): Promise<'new' | 'known'>;
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
