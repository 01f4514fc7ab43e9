// The lab's own conformance engine: the small NUT image, nothing to prepare; the set's cases must be in
// its catalogue.
import { createBuiltinSuite } from '@testlab/suites';
import { checkCases, type Engine, type EngineDrivers, type EnginePaths } from './engine.js';

export const builtinDrivers = (paths: EnginePaths): EngineDrivers => ({ suite: createBuiltinSuite(), nut: { baseInitramfs: paths.nutImage } });

export const builtinEngine: Engine = {
  ownNutImage: false,
  check: async ({ paths, testset }) => checkCases(testset, builtinDrivers(paths).suite),
  prepare: async ({ paths, testset }) => {
    const drivers = builtinDrivers(paths);
    checkCases(testset, drivers.suite);
    return drivers;
  },
};
