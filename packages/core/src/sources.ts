// Where a kernel tree comes from: a tarball on disk, a URL, a git repository.
import type { Progress } from './progress.js';

export interface SourceIdentity {
  /**
   * Content identity, stable across machines: `sha256:<hex>` of a tarball, `git:<commit id>` of a tree.
   * It keys every cache, so two sources with the same identity must give the same tree.
   */
  hash: string;
  /** What an operator recognises: a file name, a URL, `repo@ref`. Never used in a path or a command. */
  label: string;
}

/** A kernel source driver. Implementations validate every input before touching disk or a command. */
export interface KernelSource {
  /** A short text for logs and errors. */
  readonly description: string;
  /** Fetch what is needed (download, clone) into cacheDir and tell the content identity. */
  identify(cacheDir: string, progress: Progress): Promise<SourceIdentity>;
  /** Write the kernel tree into `dir` (created empty by the caller); the tree's top Makefile at `dir/Makefile`. */
  extractTo(dir: string, cacheDir: string, progress: Progress): Promise<void>;
}
