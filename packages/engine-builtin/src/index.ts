// @testlab/engine-builtin: the lab's own conformance engine. `runner/` runs one case against a NUT (case
// context, tester links, simulated nodes, verdicts). Where a case lives: every part of Ready Logo test
// v6LC.X.Y.Z in `cases/v6LC.X.Y.Z.ts` and nowhere else, exported as `cases` (that file's only export), and
// likewise every case of IPsec_Self_Test_P2 test IPsec.X.Y.Z in `cases/IPsec.X.Y.Z.ts`;
// `vocabulary/` holds what several tests share, one concern per file; `catalogue.ts` imports each case file
// in numeric id order (test/case-files.test.ts checks all of it). `run-set.ts` spreads a set's cases over a
// pool of NUTs; `modes/` puts a NUT into its set's mode.
export * from './runner/case.js';
export * from './runner/context.js';
export * from './runner/run-cases.js';
export * from './runner/tester-link.js';
export * from './runner/simulated-node.js';
export { caseCatalogue, ipsecCases, sections } from './catalogue.js';
export { bootIntoMode, radvdConfig, routerAddress } from './modes/index.js';
export { DEFAULT_NUT_POOL } from './run-set.js';
export { builtinDriver, builtinEngine, type BuiltinOptions } from './driver.js';
export { IPSEC_FEATURES, parseBuiltinSection, type BuiltinSection, type IpsecFeature, type RadvdSettings } from './section.js';
