// What a test set's engine needs from the lab before a run starts: its suite, and the NUT image and
// memory that suite's programs need. One file per engine beside this one; registry.ts picks by name.
// Used by `testlab run` (apps/cli) and by labd (apps/labd), each with its own way of naming the tester.
import type { BuildRequest, KernelBuilder, Progress, Suite, TestSet } from '@testlab/core';
import type { loadTestSetDefinition } from '@testlab/testsets';

export type TestSetDefinition = Awaited<ReturnType<typeof loadTestSetDefinition>>;

/** Where the lab keeps what engines read (the CLI's LabPaths and labd's config both give these). */
export interface EnginePaths {
  /** Downloads, trees, built kernels: kselftest caches its selftests and images under it. */
  cache: string;
  /** The lab's small NUT image (infra/nut-image/build-initramfs.sh), booted by builtin and tahi runs. */
  nutImage: string;
  /** The Debian root file system kselftest boots (infra/nut-rootfs/build.sh); default `<cache>/nut-rootfs/rootfs.cpio.gz`. */
  rootfsImage?: string;
}

/** What an engine can check before anything is built (the set's own section, files, the tester). */
export interface EngineCheck {
  paths: EnginePaths;
  testset: TestSet;
  /** The set's engine section (tahi targets, kselftest tests) as the loader validated it. */
  definition: TestSetDefinition;
  /** The TAHI tester file (format: infra/tahi/tester.example.yaml). */
  tahiTester?: string;
  /** How the operator gives that file, for the message when it is missing: `--tahi-tester <file.yaml>` by default. */
  tahiTesterOrigin?: string;
}

export interface EngineRequest extends EngineCheck {
  /** The build request the pipeline will make: an engine that needs the kernel first gets it from the cache. */
  build: BuildRequest;
  builder: KernelBuilder;
  /** Per step of the preparation (the pipeline's stages come after). */
  progress: (stage: string) => Progress;
}

export interface EngineDrivers {
  suite: Suite;
  nut: { baseInitramfs: string; memoryMiB?: number };
}

export interface Engine {
  /**
   * The engine boots a NUT image of its own (kselftest's root fs): only QEMU NUTs can run its sets; an
   * SSH machine boots what is installed on it.
   */
  readonly ownNutImage: boolean;
  /** Every check that needs no build: a lab refuses at start what could never run. */
  check(request: EngineCheck): Promise<void>;
  /** check(), then whatever needs the kernel; checks needing no build come first, so a run that cannot start fails in seconds. */
  prepare(request: EngineRequest): Promise<EngineDrivers>;
}

export class EngineSetupError extends Error {
  override name = 'EngineSetupError';
}

/** Cases the set lists that the engine's suite does not have (a typo would otherwise be a silent NA). */
export function checkCases(testset: TestSet, suite: Suite): void {
  const catalogue = suite.catalogue();
  const unknown = testset.cases.filter((c) => !catalogue.has(c));
  if (unknown.length > 0) throw new EngineSetupError(`test set ${testset.name} names cases the ${suite.id} engine does not have: ${unknown.join(', ')}`);
}
