// @testlab/tahi: TAHI v6eval/Self_Test as a suite of the lab: report parser, verdict mapping, driver.
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
export * from './autorun-output.js';
export * from './def-files.js';
export * from './targets.js';
export * from './tester-host.js';
export * from './tahi-suite.js';
export * from './remote/remote-calls.js';
export * from './remote/system-folder.js';
export * from './remote/remote-server.js';
