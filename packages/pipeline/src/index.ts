export * from './run-kernel.js';
export { rerunnerFor, type RerunCases, type RerunRequest, type RerunSource, type RerunVerdicts } from './rerun-cases.js';
export { addArtifact } from './artifacts.js';
