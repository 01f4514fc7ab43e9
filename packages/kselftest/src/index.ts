export * from './ktap.js';
export * from './kselftest-suite.js';
export * from './net-selftests-build.js';
export * from './selftests-image.js';
export * from './selftests-nut.js';
