// @testlab/engines: the registry of the lab's engines (each in its own package, packages/engine-<id>), and
// the progress lines of an engine's preparation.
export * from './registry.js';
