// Picks the kernel source driver for what an operator typed: `testlab run <spec> [--ref <ref>]`.
import { statSync } from 'node:fs';
import path from 'node:path';
import type { KernelSource, KernelVersion } from '@testlab/core';
import { GitSource } from './git.js';
import { TarballSource } from './tarball.js';
import { UrlSource } from './url.js';
import { TARBALL_SUFFIXES, isTarballName, validateGitRef } from './validate.js';
import { kernelVersionInTarball } from './makefile-version.js';

export { TarballSource } from './tarball.js';
export { UrlSource } from './url.js';
export { GitSource, describeCommit } from './git.js';
export { COMMIT, firstLine, gitEnv, gitIn, gitMirrorDir, normalizeRepo, repoLabel, updateGitMirror } from './git-mirror.js';
export { assertKernelTree } from './kernel-tree.js';
export { GitBisectRepository, TreeUnreachableError, UnknownRefError, bisectRepository, validateBisectRange, type BisectNext, type BisectRange } from './bisect-repository.js';
export { BisectWorktree, bisectWorktree, type RevertResult } from './bisect-worktree.js';
export { validateGitRef, isTarballName, TARBALL_SUFFIXES } from './validate.js';
export { kernelVersionInTarball, makefileVariables } from './makefile-version.js';

/**
 * The version the source's own tree declares, when that can be read without fetching anything: a local
 * tarball's top Makefile. Undefined for URLs and git repositories (reading theirs means a download or a
 * clone: the build does that, and records what `make kernelversion` says). Throws when a local tarball
 * cannot be read or declares no kernel version.
 */
export async function kernelVersionInSource(spec: string, ref?: string): Promise<KernelVersion | undefined> {
  const source = kernelSourceFrom(spec, ref);
  return source instanceof TarballSource ? kernelVersionInTarball(source.file) : undefined;
}

/**
 * - a local file ending .tar/.tar.gz/.tgz/.tar.xz -> tarball
 * - http(s)://... -> download of a tarball; a URL ending .git, or any URL given with a ref -> git
 * - ssh:// or git:// -> git
 * - a local directory with .git (or anything given with a ref) -> git at the ref (default HEAD)
 */
export function kernelSourceFrom(spec: string, ref?: string): KernelSource {
  if (typeof spec !== 'string' || spec.trim() === '') throw new Error('no kernel source given: expected a tarball, a URL or a git repository');
  if (ref !== undefined) validateGitRef(ref);

  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(spec)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    if (scheme === 'http' || scheme === 'https') {
      const pathname = safePathname(spec);
      if (ref !== undefined || pathname.endsWith('.git')) return new GitSource(spec, ref);
      return new UrlSource(spec);
    }
    if (scheme === 'ssh' || scheme === 'git') return new GitSource(spec, ref);
    throw new Error(`unsupported kernel source ${JSON.stringify(spec.slice(0, 200))}: only http(s) tarball URLs and http(s)/ssh/git repository URLs`);
  }

  const local = path.resolve(spec);
  const st = statSync(local, { throwIfNoEntry: false });
  if (!st) throw new Error(`kernel source ${local} does not exist (expected a tarball, a URL or a git repository)`);
  if (st.isFile()) {
    if (!isTarballName(local)) throw new Error(`kernel source ${local} is a file but not a tarball: expected a name ending ${TARBALL_SUFFIXES.join(', ')}`);
    if (ref !== undefined) throw new Error(`--ref ${ref} applies to git repositories, but ${local} is a tarball`);
    return new TarballSource(local);
  }
  if (st.isDirectory()) {
    // `.git` is a folder in a clone and a file in a worktree; with a ref we also take a bare repository.
    const isRepo = statSync(path.join(local, '.git'), { throwIfNoEntry: false }) !== undefined;
    if (isRepo || ref !== undefined) return new GitSource(local, ref);
    throw new Error(`kernel source ${local} is a directory but not a git repository: give a tarball or a repository (plain trees are not supported: they have no content identity)`);
  }
  throw new Error(`kernel source ${local} is neither a file nor a directory`);
}

function safePathname(spec: string): string {
  try {
    return new URL(spec).pathname;
  } catch {
    throw new Error(`invalid URL ${JSON.stringify(spec.slice(0, 200))}`);
  }
}
