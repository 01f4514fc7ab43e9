// Getting a discovered kernel onto local disk, checked: finals and stable by their PGP signature, rc's
// against their git tag. Any failure is a KernelRejected naming the kernel and the cause; it stops that
// kernel only (the poller goes on with the next).
import type { DiscoveredKernel, Progress } from '@testlab/core';
import { updateGitMirror } from '@testlab/kernel-sources';
import { downloadToCache, dropCached, type CachedDownload, type HttpOptions } from '@testlab/transport';
import { verifyTarballSignature } from './pgp-verify.js';
import { verifyTarballAgainstTag } from './rc-tag-check.js';

export interface FetchOptions {
  cacheDir: string;
  /** Keyring file for gpgv (`gpg --export` of the release signers' keys). Required for finals and stable. */
  keyring?: string;
  /** The tree whose `v<rc>` tags vouch for rc tarballs (torvalds/linux.git or a local mirror). Required for rc's. */
  rcTagRepo?: string;
  http?: HttpOptions;
  progress: Progress;
}

export type FetchedKernel =
  | { kernel: DiscoveredKernel; type: 'tarball'; file: string; sha256: string; bytes: number; verifiedBy: string }
  /** Git kernels are fetched by the git kernel source at build time, from the mirror the watcher updates. */
  | { kernel: DiscoveredKernel; type: 'git'; repo: string; ref: string; commit: string | undefined; verifiedBy: string };

export class KernelRejected extends Error {
  constructor(
    readonly kernel: DiscoveredKernel,
    readonly reason: string,
    cause?: unknown,
  ) {
    super(`kernel ${kernel.version.text} (${kernel.stream}) rejected: ${reason}`, { cause });
    this.name = 'KernelRejected';
  }
}

export async function fetchKernel(kernel: DiscoveredKernel, options: FetchOptions): Promise<FetchedKernel> {
  const origin = kernel.origin;
  if (origin.type === 'git') {
    // The tag's signature was checked when the tree was polled (git-tree.ts); the build takes the commit by id.
    const at = `git ${origin.commit ? `commit ${origin.commit}` : `ref ${origin.ref}`}`;
    const signed = origin.tagSignature;
    const verifiedBy = signed ? `pgp tag ${origin.ref} ${signed.fingerprint} (${signed.signer}), ${at}` : at;
    return { kernel, type: 'git', repo: origin.repo, ref: origin.ref, commit: origin.commit, verifiedBy };
  }
  const { progress } = options;
  const version = kernel.version;
  // Decide before downloading 150 MiB whether it could be verified at all.
  if (origin.signatureUrl !== undefined && options.keyring === undefined) throw new KernelRejected(kernel, 'it is signed but no keyring is configured to check the signature');
  if (origin.signatureUrl === undefined && version.kind !== 'rc') throw new KernelRejected(kernel, `a ${version.kind} release without a signature is not taken`);
  if (origin.signatureUrl === undefined && options.rcTagRepo === undefined) throw new KernelRejected(kernel, 'an rc tarball is checked against its git tag, and no tag repository is configured');

  const downloads: CachedDownload[] = [];
  try {
    let tarball: CachedDownload;
    try {
      tarball = await downloadToCache(origin.url, options.cacheDir, progress, options.http);
      downloads.push(tarball);
    } catch (error) {
      throw new KernelRejected(kernel, (error as Error).message, error);
    }
    let verifiedBy: string;
    if (origin.signatureUrl !== undefined) {
      let signature: CachedDownload;
      try {
        signature = await downloadToCache(origin.signatureUrl, options.cacheDir, progress, options.http);
        downloads.push(signature);
      } catch (error) {
        throw new KernelRejected(kernel, `signature: ${(error as Error).message}`, error);
      }
      progress.step(`gpgv ${version.text}`);
      try {
        const sig = await verifyTarballSignature(tarball.file, signature.file, options.keyring as string, progress);
        verifiedBy = `pgp ${sig.fingerprint} (${sig.signer})`;
      } catch (error) {
        throw new KernelRejected(kernel, (error as Error).message, error);
      }
    } else {
      const tag = `v${version.text}`;
      try {
        const mirror = await updateGitMirror(options.cacheDir, options.rcTagRepo as string, progress);
        const check = await verifyTarballAgainstTag(tarball.file, mirror, tag, progress);
        verifiedBy = `git tag ${check.tag} (tree ${check.tree})`;
      } catch (error) {
        throw new KernelRejected(kernel, (error as Error).message, error);
      }
    }
    return { kernel, type: 'tarball', file: tarball.file, sha256: tarball.sha256, bytes: tarball.bytes, verifiedBy };
  } catch (error) {
    // What failed verification must not be found in the cache by the next poll or by a build.
    for (const d of downloads) await dropCached(d);
    throw error;
  }
}
