// What a test set's engine needs from the lab before a run starts: its suite, and the NUT image and
// memory that suite's programs need. One file per engine beside this one; registry.ts picks by name.
import type { BuildRequest, KernelBuilder, Progress, Suite, TestSet } from '@testlab/core';
import type { loadTestSetDefinition } from '@testlab/testsets';
import type { LabPaths } from '../lab-paths.js';

export type TestSetDefinition = Awaited<ReturnType<typeof loadTestSetDefinition>>;

export interface EngineRequest {
  paths: LabPaths;
  testset: TestSet;
  /** The set's engine section (tahi targets, kselftest tests) as the loader validated it. */
  definition: TestSetDefinition;
  /** The build request the pipeline will make: an engine that needs the kernel first gets it from the cache. */
  build: BuildRequest;
  builder: KernelBuilder;
  /** `--tahi-tester <file.yaml>` */
  tahiTester?: string;
  /** Per step of the preparation (the pipeline's stages come after). */
  progress: (stage: string) => Progress;
}

export interface EngineDrivers {
  suite: Suite;
  nut: { baseInitramfs: string; memoryMiB?: number };
}

export interface Engine {
  /** Checks needing no build (flags, files) come first, so a run that cannot start fails in seconds. */
  prepare(request: EngineRequest): Promise<EngineDrivers>;
}

export class EngineSetupError extends Error {
  override name = 'EngineSetupError';
}
