// Test sets name their engine (`engine:` in testsets/*.yaml); this is the one list of engines the lab has.
// Each lives in its own package folder, `packages/engine-<id>` (a test checks that the folders and this list
// agree), behind the EngineDriver contract of @testlab/core. A new engine is a new folder and one line here.
import { EngineSetupError, type EngineCheck, type EngineDriver, type EnginePrepare, type PreparedEngine, type TestSet } from '@testlab/core';
import { builtinDriver } from '@testlab/engine-builtin';
import { kselftestDriver } from '@testlab/engine-kselftest';
import { tahiDriver } from '@testlab/engine-tahi';

export const ENGINES = Object.freeze({
  builtin: builtinDriver,
  kselftest: kselftestDriver,
  tahi: tahiDriver,
} as const satisfies Record<string, EngineDriver>);

export type EngineId = keyof typeof ENGINES;

export const isEngineId = (id: string): id is EngineId => Object.hasOwn(ENGINES, id);

/** The driver a test set names; an unknown name lists the known ones. */
export function engineDriver(id: string, testset: string): EngineDriver {
  if (!isEngineId(id)) throw new EngineSetupError(`test set ${testset} names engine "${id.slice(0, 40)}"; the lab knows: ${Object.keys(ENGINES).join(', ')}`);
  return ENGINES[id];
}

type Request<T> = Omit<T, 'testset' | 'section'>;

/** The set's engine checks what it can without a build (its section is the one the loader validated). */
export function checkEngine(testset: TestSet, request: Request<EngineCheck>): Promise<void> {
  return engineDriver(testset.engine, testset.name).check({ ...request, testset, section: testset.engineSection });
}

/** The set's engine made ready for one run. */
export function prepareEngine(testset: TestSet, request: Request<EnginePrepare>): Promise<PreparedEngine> {
  return engineDriver(testset.engine, testset.name).prepare({ ...request, testset, section: testset.engineSection });
}
