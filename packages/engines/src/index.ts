export * from './engine.js';
export * from './registry.js';
export * from './builtin.js';
export * from './kselftest.js';
export * from './tahi.js';
export * from './tahi-tester-config.js';
export * from './step-progress.js';
export * from './engine-nut.js';
