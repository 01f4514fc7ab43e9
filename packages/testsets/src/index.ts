export * from './load.js';
export * from './tahi-index.js';
export * from './coverage.js';
