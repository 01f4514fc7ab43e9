// A kernel the lab heard of (kernel.org's releases.json, a git tree): what the watcher finds and the
// scheduler plans. Its version was parsed where it entered (the feed, the tag, `git describe`).
import type { KernelVersion } from './versions.js';

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
      /** Set when the tree has a keyring and the tag's signature was checked against it (watcher's tag-signature.ts). */
      tagSignature?: { tagObject: string; fingerprint: string; signer: string };
    };

export interface DiscoveredKernel {
  /** Parsed and validated where it was found: the only form a version from outside reaches the lab in. */
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

/** Where a poll's finds go: the lab's job queue (the scheduler's QueueKernelSink), or memory in tests. */
export interface DiscoveredKernelSink {
  isKnown(k: DiscoveredKernel): Promise<boolean>;
  /** Takes the kernel if it is new (the real sink enqueues it) and says which it was. */
  offer(k: DiscoveredKernel): Promise<'new' | 'known'>;
}
