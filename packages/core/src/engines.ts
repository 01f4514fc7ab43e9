// A test set's engine: what runs its cases against a booted NUT and judges them. The lab has three, each a
// package `packages/engine-<id>` behind this contract and found through the registry in `packages/engines`:
// `builtin` (our own tester node speaking real frames), `tahi` (TAHI on a tester host), `kselftest` (the
// kernel's net selftests on the NUT). As a NUT driver boots a BootedNut, an engine driver prepares a
// PreparedEngine for one run; the pipeline only ever sees the prepared one.
import type { BuildRequest, KernelBuilder } from './builds.js';
import type { BootedNut, NutImage, NutMode } from './nuts.js';
import type { CaseResult } from './results.js';
import type { Progress } from './progress.js';
import type { TestSet } from './testsets.js';

/** Where the lab keeps what engines read (the CLI's paths and labd's config both give these). */
export interface EnginePaths {
  /** Downloads, trees, built kernels: kselftest caches its selftests and images under it. */
  cache: string;
  /** The Debian root file system kselftest boots (infra/nut-rootfs/build.sh); default `<cache>/nut-rootfs/rootfs.cpio.gz`. */
  rootfsImage?: string;
}

/** What a run hands its engine once the NUT runs the kernel under test. */
export interface EngineRunContext {
  /**
   * Booted with the set's links and sysctls, and nothing more: putting the NUT into the set's mode
   * (addresses, daemons, SAs) is the engine's, since each does it its own way (builtin: bootIntoMode;
   * TAHI: its remote calls; kselftest: the tests' own namespaces).
   */
  nut: BootedNut;
  /** The set's mode: cases for other modes are NA. */
  mode: NutMode;
  /** Case ids to run, in order: the set's, or the few a rerun asks for. */
  cases: readonly string[];
  /** A folder that belongs to this run: pcaps and case logs go here. */
  artifactsDir: string;
  progress: Progress;
  /**
   * Boots another NUT with the same kernel, links and sysctls (for cases that need a fresh NUT, and to run
   * independent cases side by side). The caller shuts it down. Absent: the engine has one NUT only.
   */
  bootNut?: () => Promise<BootedNut>;
  /** Called as each case ends, so results are stored as they come (a crash loses at most one case). */
  onResult(result: CaseResult): Promise<void>;
}

/** An engine made ready for one run of one test set: what the pipeline runs. */
export interface PreparedEngine {
  /** Registry id: `builtin`, `tahi`, `kselftest`. */
  readonly id: string;
  /** An image of the engine's own that the run's NUTs boot (kselftest); absent: the NUT's usual system. */
  readonly nut?: NutImage;
  run(context: EngineRunContext): Promise<CaseResult[]>;
}

/** What an engine can check before anything is built. */
export interface EngineCheck<Section = unknown> {
  paths: EnginePaths;
  testset: TestSet;
  /** The set's section named after the engine, as this engine's parseSection returned it. */
  section: Section;
  /** The TAHI tester file (format: infra/tahi/tester.example.yaml). */
  tahiTester?: string;
  /** How the operator gives that file, for the message when it is missing: `--tahi-tester <file.yaml>` by default. */
  tahiTesterOrigin?: string;
}

export interface EnginePrepare<Section = unknown> extends EngineCheck<Section> {
  /** The build request the pipeline will make: an engine that needs the kernel first gets it from the cache. */
  build: BuildRequest;
  builder: KernelBuilder;
  /** Per step of the preparation (the pipeline's stages come after). */
  progress: (step: string) => Progress;
}

export interface EngineDriver<Section = unknown> {
  /** Registry id, also the name of its package folder (`packages/engine-<id>`) and of its test-set section. */
  readonly id: string;
  /**
   * The engine boots a NUT image of its own (kselftest's root fs: PreparedEngine.nut): only QEMU NUTs can
   * run its sets; an SSH machine boots what is installed on it.
   */
  readonly ownNutImage: boolean;
  /**
   * Validates the set's section named after the engine (`tahi:`, `kselftest:`, `builtin:`; undefined when
   * the set has none) against the rest of the set (its mode, its links). Throws EngineSetupError naming
   * each problem.
   */
  parseSection(raw: unknown, testset: Omit<TestSet, 'engineSection'>): Section;
  /** Every case id a set with this section can name, with its title: the test set loader checks names against it. */
  catalogue(section: Section): ReadonlyMap<string, string>;
  /** Every check that needs no build (files, the tester): a lab refuses at start what could never run. */
  check(request: EngineCheck<Section>): Promise<void>;
  /** check(), then whatever needs the kernel; checks needing no build come first, so a run that cannot start fails in seconds. */
  prepare(request: EnginePrepare<Section>): Promise<PreparedEngine>;
}

/** A set that its engine cannot run as given (a section, a file, a tester); the message says what to fix. */
export class EngineSetupError extends Error {
  override name = 'EngineSetupError';
}
