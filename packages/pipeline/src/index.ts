export * from './run-kernel.js';
