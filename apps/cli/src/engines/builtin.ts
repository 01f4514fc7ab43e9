// The lab's own conformance engine: the small NUT image, nothing to prepare.
import { createBuiltinSuite } from '@testlab/suites';
import type { LabPaths } from '../lab-paths.js';
import type { Engine, EngineDrivers } from './engine.js';

export const builtinDrivers = (paths: LabPaths): EngineDrivers => ({ suite: createBuiltinSuite(), nut: { baseInitramfs: paths.nutImage } });

export const builtinEngine: Engine = {
  prepare: async ({ paths }) => builtinDrivers(paths),
};
