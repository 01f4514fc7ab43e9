// @testlab/lab-config: the lab's one YAML config (labd, the dashboard, `testlab watch`), the plan context
// built from it, and the API token file.
export { labConfigSchema, parseLabConfig, loadLabConfig, labStoreLocation, ConfigError, type LabConfig, type NutConfig } from './config.js';
export * from './watch-section.js';
export { bisectSection, bisectTestSets, type BisectConfig } from './bisect-section.js';
export { readTokenFile, TokenFileError } from './token.js';
export { mailConfigOf, labMailSecret } from './mail-secret.js';
export { kernelVersionFromSource } from './source-version.js';
export { envStoreLocation } from './store-env.js';
