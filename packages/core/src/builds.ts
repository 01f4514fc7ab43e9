// What the builder is asked for and what it hands back.
import type { KernelSource } from './sources.js';
import type { Progress } from './progress.js';

/** A kconfig fragment: `CONFIG_X=y` / `# CONFIG_X is not set` lines, with where it came from. */
export interface ConfigFragment {
  /** Where it came from, for error messages: `lab`, `testset phase2-host`. */
  origin: string;
  text: string;
}

export interface BuildRequest {
  source: KernelSource;
  /** A make target that writes a base .config: `tinyconfig` for QEMU NUTs, `defconfig` for machines. */
  baseConfig: 'tinyconfig' | 'defconfig' | 'allnoconfig';
  fragments: ConfigFragment[];
  /** make -j; defaults to the number of cores. */
  jobs?: number;
  /** Also have the unpacked tree there when the kernel is cached (the selftests build from it; trees are pruned). */
  withTree?: boolean;
  /**
   * Build in this kept work tree instead of the tree cache: a bisection's, whose O= folder stays from step
   * to step, so only what changed since the last build there is compiled again.
   */
  workTree?: BuildWorkTree;
}

/** A source tree checked out in place and the make O= folder kept beside it (kernel-sources' BisectWorktree). */
export interface BuildWorkTree {
  srcDir: string;
  outDir: string;
  /**
   * Puts the request's source in `srcDir`. The builder calls it holding the lock of `outDir`, so two builds
   * never check out and compile in the same folders at once.
   */
  checkout(progress: Progress): Promise<void>;
}

export interface BuiltKernel {
  /** sha256 of (source identity, resolved .config): the key of the kernel cache. */
  cacheKey: string;
  sourceHash: string;
  sourceLabel: string;
  /** The unpacked source tree, when the request asked for it (`withTree`): the selftests build from it. */
  sourceTree?: string;
  /** `make kernelversion`, e.g. `6.1.192`. Unvalidated text from the tree: parse it before use. */
  kernelVersion: string;
  /** `make kernelrelease`, what `uname -r` must print on the NUT. */
  kernelRelease: string;
  /** Absolute paths of the kept artifacts. */
  artifacts: {
    bzImage: string;
    systemMap: string;
    config: string;
    buildLog: string;
    /** `lib/modules/<release>/` as a gzip'd tar, when the .config has CONFIG_MODULES=y. */
    modules?: string;
  };
  /** True when nothing was compiled: the same source and resolved config had been built before. */
  fromCache: boolean;
  /** Per stage: `cached` when skipped thanks to the cache. */
  stages: { unpack: 'done' | 'cached'; configure: 'done' | 'cached'; build: 'done' | 'cached' };
}

/** Hooks the builder calls as it moves from stage to stage, so the pipeline can record each. */
export interface BuildObserver {
  stageStarted(stage: 'unpack' | 'configure' | 'build'): Progress;
  stageFinished(stage: 'unpack' | 'configure' | 'build', how: 'done' | 'cached'): void;
}

export interface KernelBuilder {
  /** Throws StageError naming unpack, configure or build, with the log that explains it. */
  build(request: BuildRequest, observer: BuildObserver): Promise<BuiltKernel>;
}

/** How the lab builds kernels for one kind of NUT: a base config and the lab's fragment for that kind. */
export interface KernelProfile {
  /** Its name in the lab config (`qemu`, `x86-machine`); NUTs name the profile they boot. */
  name: string;
  baseConfig: BuildRequest['baseConfig'];
  labFragment: ConfigFragment;
}

/**
 * The one way a run's build request is made: the profile's base config, then the lab's fragment, then the
 * test set's. Everyone who builds for a run (the pipeline, an engine that needs the kernel first, labd's
 * build job) asks through this, so they all hit the same cache entry.
 */
export function buildRequestFor(source: KernelSource, profile: KernelProfile, testset: { kernelConfig: ConfigFragment }): BuildRequest {
  return { source, baseConfig: profile.baseConfig, fragments: [profile.labFragment, testset.kernelConfig] };
}
