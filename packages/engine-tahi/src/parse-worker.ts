// The worker thread of isolated-parse.ts: parses the section folders it is given and posts the reports (and
// their cases) back as plain data, or the error that refused them.
import { parentPort, workerData } from 'node:worker_threads';
import { caseResultsOf } from './case-results.js';
import { TahiReportError } from './report-errors.js';
import { parseSectionReport } from './section-report.js';

const { dirs, cases } = workerData as { dirs: string[]; cases: boolean };
try {
  const sections = [];
  for (const dir of dirs) {
    const report = await parseSectionReport(dir);
    sections.push({ report, cases: cases ? caseResultsOf(report) : [] });
  }
  parentPort!.postMessage({ ok: true, sections });
} catch (error) {
  const e = error as Error;
  parentPort!.postMessage(error instanceof TahiReportError ? { ok: false, file: error.file, problem: error.problem } : { ok: false, message: e.message ?? String(error) });
}
