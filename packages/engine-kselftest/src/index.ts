// @testlab/engine-kselftest: the kernel's net selftests as an engine of the lab: its section and driver,
// the selftests built from the tree under test, the NUT image that carries them, and the KTAP reader.
export * from './ktap.js';
export * from './section.js';
export * from './driver.js';
export * from './kselftest-suite.js';
export * from './net-selftests-build.js';
export * from './selftests-image.js';
export * from './selftests-nut.js';
