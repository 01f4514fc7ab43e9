export * from './engine/case.js';
export * from './engine/context.js';
export * from './engine/run-cases.js';
export * from './engine/tester-link.js';
export * from './engine/simulated-node.js';
export { caseCatalogue, sections } from './catalogue.js';
