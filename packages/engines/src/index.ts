// @testlab/engines: the registry of the lab's engines (each in its own package, packages/engine-<id>), the
// NUT image a run's engine boots (labd's pool NUTs), and the progress lines of an engine's preparation.
export * from './registry.js';
export * from './step-progress.js';
export * from './engine-nut.js';
