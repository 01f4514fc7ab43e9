// @testlab/engine-builtin: the lab's own conformance engine. `runner/` runs one case against a NUT (case
// context, tester links, simulated nodes, verdicts); `cases/` holds the cases, one file per Ready Logo test
// (`cases/v6LC.2.1.7.ts` holds every part of v6LC.2.1.7) beside the shared vocabulary they are written
// in; `run-set.ts` spreads a set's cases over a pool of NUTs; `modes/` puts a NUT into its set's mode.
export * from './runner/case.js';
export * from './runner/context.js';
export * from './runner/run-cases.js';
export * from './runner/tester-link.js';
export * from './runner/simulated-node.js';
export { caseCatalogue, sections } from './catalogue.js';
export { bootIntoMode, radvdConfig, routerAddress } from './modes/index.js';
export { DEFAULT_NUT_POOL } from './run-set.js';
export { builtinDriver, builtinEngine, type BuiltinOptions } from './driver.js';
export { IPSEC_FEATURES, parseBuiltinSection, type BuiltinSection, type IpsecFeature, type RadvdSettings } from './section.js';
