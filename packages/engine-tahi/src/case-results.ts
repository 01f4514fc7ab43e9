// Report rows as the lab's case results: setup rows dropped, ids made unique, evidence paths attached.
import path from 'node:path';
import type { CaseResult } from '@testlab/core';
import { isRegularFile, readRegularFile } from './plain-files.js';
import { TahiReportError } from './report-errors.js';
import { MAX_PAGE_BYTES, parseBoundedHtml, visibleLines } from './report-html.js';
import type { ReportRow } from './result-table.js';
import type { SectionReport } from './section-report.js';

export interface TahiCase {
  section: string;
  row: ReportRow;
  result: CaseResult;
}

// A test log (N.html) is a few KiB; keep the stored log bounded whatever the tester wrote.
const MAX_LOG_CHARS = 64 * 1024;

/**
 * One CaseResult per test row. The id is the row's v6LC id plus its part (`Part B: ...` -> `v6LC.5.1.2-B`);
 * a row without an id is `tahi.<section>.<no>`; a repeated id gets `#<no>` so every row stays its own case.
 */
export function caseResultsOf(report: SectionReport): TahiCase[] {
  const seen = new Set<string>();
  const out: TahiCase[] = [];
  for (const row of report.rows) {
    if (row.setup) continue;
    const part = /^Part ([A-Z])\b/.exec(row.title)?.[1];
    let caseId = row.id === null ? `tahi.${report.section}.${row.no}` : part ? `${row.id}-${part}` : row.id;
    if (seen.has(caseId)) caseId = `${caseId}#${row.no}`;
    seen.add(caseId);
    const evidence = (name: string | null) => (name === null ? undefined : path.join(report.dir, name));
    const logFile = evidence(row.log);
    out.push({
      section: report.section,
      row,
      result: {
        caseId,
        title: row.title,
        verdict: row.verdict,
        reason: `TAHI ${report.section} test ${row.no}: ${row.label}${row.exitCode === undefined ? '' : ` (exit ${row.exitCode})`}: ${row.meaning}`,
        durationMs: 0,
        log: logFile ? readLog(logFile) : '',
        pcaps: row.captures.map((c) => path.join(report.dir, c)).filter(isRegularFile),
      },
    });
  }
  return out;
}

/** The log's text; '' when the report links a log that is not there. Anything but a regular file is refused. */
function readLog(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readRegularFile(file, MAX_PAGE_BYTES);
  } catch (e) {
    if (e instanceof TahiReportError) throw e;
    return '';
  }
  const text = visibleLines(parseBoundedHtml(file, bytes.toString('latin1')));
  return text.length > MAX_LOG_CHARS ? `${text.slice(0, MAX_LOG_CHARS)} [log cut at ${MAX_LOG_CHARS} characters; the whole log is ${path.basename(file)}]` : text;
}
