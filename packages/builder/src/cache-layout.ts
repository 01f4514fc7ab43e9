// Where everything lives under the cache folder, and the keys that name it. Only hex digests become path
// components: a source identity is checked before its hex part is used, labels never are.
//
//   <cacheDir>/trees/<source hex>/src                 the unpacked tree (shared by every config)
//   <cacheDir>/trees/<source hex>/last-used           touched at each use of the tree (prune.ts)
//   <cacheDir>/trees/<source hex>/out-<input key 16>  one out-of-tree build folder per input (make O=...)
//   <cacheDir>/trees/<source hex>/out-<input key 16>.lock  held while a make runs there (build-lock.ts)
//   <cacheDir>/configs/<input key>.config             resolved .config of (source, base config, fragments, compiler)
//   <cacheDir>/configs/<input key>.objects            object count of its last full build (progress)
//   <cacheDir>/configs/last.objects                   the same for whatever was built last
//   <cacheDir>/kernels/<cache key>/                   bzImage, System.map, .config, build.log, meta.json
//   <cacheDir>/bisect/<mirror name>/{src,out}         a bisection's work tree and O= folder (kernel-sources'
//                                                     bisect-worktree.ts), built in place (request.workTree)
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { BuildRequest } from '@testlab/core';

const IDENTITY = /^(sha256|git):([0-9a-f]{40}|[0-9a-f]{64})$/;

/** The hex part of a source identity (`sha256:<hex>`, `git:<commit>`); throws for anything else. */
export function identityHex(hash: string): string {
  const m = IDENTITY.exec(hash);
  if (!m) throw new Error(`source identity ${JSON.stringify(String(hash).slice(0, 100))} is not sha256:<hex> or git:<commit>`);
  return m[2] as string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** What decides the resolved .config: the tree, the base target, the fragments in order, and the compiler (Kconfig probes it). */
export function inputKey(sourceHash: string, request: Pick<BuildRequest, 'baseConfig' | 'fragments'>, compiler: string): string {
  return sha256(JSON.stringify(['testlab-build-input/1', sourceHash, request.baseConfig, request.fragments.map((f) => f.text), compiler]));
}

/** The kernel cache key: the tree and the resolved .config are all that decide what gets compiled. */
export function cacheKey(sourceHash: string, resolvedConfig: string): string {
  return sha256(`${sourceHash}\n${resolvedConfig}`);
}

/** The file in a tree's folder whose mtime is the tree's last use. */
export const TREE_STAMP = 'last-used';

export class CacheLayout {
  constructor(readonly root: string) {}

  treeDir(sourceHash: string): string {
    return path.join(this.root, 'trees', identityHex(sourceHash));
  }
  /** Touched whenever the tree is used: pruning removes the trees used longest ago. */
  treeStamp(sourceHash: string): string {
    return path.join(this.treeDir(sourceHash), TREE_STAMP);
  }
  srcDir(sourceHash: string): string {
    return path.join(this.treeDir(sourceHash), 'src');
  }
  outDir(sourceHash: string, input: string): string {
    return path.join(this.treeDir(sourceHash), `out-${input.slice(0, 16)}`);
  }
  get treesRoot(): string {
    return path.join(this.root, 'trees');
  }
  /**
   * CCACHE_BASEDIR: below it, ccache rewrites paths relative to the build folder, so two trees share hits.
   * The whole cache, not only trees/: a bisection's work tree (`bisect/<h>/src` built in `bisect/<h>/out`)
   * sits as deep as `trees/<hex>/src` and its `out-*`, so its compiles hash as the unpacked trees' do.
   */
  get ccacheBaseDir(): string {
    return this.root;
  }
  configFile(input: string): string {
    return path.join(this.root, 'configs', `${input}.config`);
  }
  objectCountFile(input: string | 'last'): string {
    return path.join(this.root, 'configs', `${input}.objects`);
  }
  kernelDir(key: string): string {
    return path.join(this.root, 'kernels', key);
  }
}

/** The unpacked tree of a source in a builder cache: what other tools (the selftests) build from. */
export const sourceTreeDir = (cacheDir: string, sourceHash: string): string => new CacheLayout(cacheDir).srcDir(sourceHash);
