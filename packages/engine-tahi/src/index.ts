// @testlab/engine-tahi: TAHI v6eval/Self_Test as an engine of the lab, and the lab's one home for TAHI's
// formats: INDEX files and coverage against them, tester files, report parsing, verdict mapping, imports of
// finished result folders. The run itself (tahi-suite.ts, with the SSH client to the tester host) is
// loaded by the driver when a run prepares: importing this package does not load ssh2.
export * from './verdicts.js';
export * from './report-errors.js';
export { readTahiPage, visibleText, type TahiPage } from './report-html.js';
export * from './result-table.js';
export * from './summary-page.js';
export * from './section-report.js';
export * from './result-folder.js';
export * from './case-results.js';
export * from './import-run.js';
export * from './index-file.js';
export * from './coverage.js';
export * from './autorun-output.js';
export * from './def-files.js';
export * from './targets.js';
export * from './section.js';
export * from './tester-file.js';
export * from './driver.js';
export type { TahiSuiteConfig } from './tahi-suite.js';
export type { TesterHostTarget } from './tester-host.js';
export * from './remote/remote-calls.js';
export * from './remote/system-folder.js';
export * from './remote/remote-server.js';
export * from './isolated-parse.js';
