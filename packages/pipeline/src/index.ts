export * from './run-kernel.js';
export { rerunnerFor, type RerunSource } from './rerun-cases.js';
export { addArtifact } from './artifacts.js';
export type { PrepareEngine } from './engine-preparation.js';
