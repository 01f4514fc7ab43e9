// One section's report folder (spec.p2, nd.p2, ...): the result table, the summary, and the check that
// the summary's counts are the rows' counts, so a report edited or cut short is refused, not imported.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { TahiReportError } from './report-errors.js';
import { elements, readTahiPage, type TahiPage } from './report-html.js';
import { parseResultTable, type ReportRow } from './result-table.js';
import { parseSummaryPage, type SectionSummary, type SummaryCounts } from './summary-page.js';

export interface SectionReport {
  /** The folder's name, e.g. `spec.p2`. */
  section: string;
  dir: string;
  /** The -title of the autorun call, e.g. `Section 1: RFC 8200 - IPv6 Specification`. */
  title: string;
  rows: ReportRow[];
  /** null when autorun ran without -tiny and the page holds no counts. */
  summary: SectionSummary | null;
  dumpTxtColumn: boolean;
  /** True when summary.html has no End time: autorun was still running (or died) when it was copied. */
  unfinished: boolean;
}

/** True when this folder holds a TAHI section report. */
export function isSectionFolder(dir: string): boolean {
  return existsSync(path.join(dir, 'report.html')) || existsSync(path.join(dir, 'index.html'));
}

export async function parseSectionReport(dir: string): Promise<SectionReport> {
  const reportFile = path.join(dir, 'report.html');
  const summaryFile = path.join(dir, 'summary.html');
  const indexFile = path.join(dir, 'index.html');
  let tablePage: TahiPage;
  let summaryPage: TahiPage | null = null;
  if (existsSync(reportFile)) {
    // -tiny: index.html is a frameset of summary.html and report.html.
    tablePage = await readTahiPage(reportFile);
    if (!existsSync(summaryFile)) throw new TahiReportError(dir, 'report.html without summary.html (copied only in part?)');
    summaryPage = await readTahiPage(summaryFile);
  } else if (existsSync(indexFile)) {
    // Without -tiny everything is in index.html.
    tablePage = await readTahiPage(indexFile);
    if (elements(tablePage.dom, 'frameset').length > 0) throw new TahiReportError(indexFile, 'a frameset, but report.html is missing');
    summaryPage = tablePage;
  } else {
    throw new TahiReportError(dir, 'no report.html or index.html: not a TAHI section report folder');
  }
  const table = parseResultTable(tablePage);
  const summary = hasCounts(summaryPage) ? parseSummaryPage(summaryPage) : null;
  if (summary) crossCheck(summaryPage.file, table.rows, summary.counts);
  const title = summary?.title || (elements(tablePage.dom, 'title')[0] ? textOfTitle(tablePage) : path.basename(dir));
  return {
    section: path.basename(path.resolve(dir)),
    dir: path.resolve(dir),
    title,
    rows: table.rows,
    summary,
    dumpTxtColumn: table.dumpTxtColumn,
    unfinished: summary !== null && summary.end === null,
  };
}

function hasCounts(page: TahiPage | null): page is TahiPage {
  return page !== null && /<B>TOTAL<\/B>/i.test(page.text);
}

function textOfTitle(page: TahiPage): string {
  const t = elements(page.dom, 'title')[0];
  return t ? t.children.map((c) => ('data' in c ? String(c.data) : '')).join('').trim() : '';
}

/** Counts of the rows per summary bucket; SKIP rows are 10 (N/A) or 73 (SKIP): only their sum is known. */
export function countRows(rows: readonly ReportRow[]) {
  const c = { TOTAL: rows.length, PASS: 0, FAIL: 0, WARN: 0, SKIP: 0, 'N/A': 0, TBD: 0, ambiguousSkip: 0 };
  for (const r of rows) {
    if (r.category === 'SKIP|N/A') c.ambiguousSkip++;
    else c[r.category]++;
  }
  return c;
}

function crossCheck(file: string, rows: readonly ReportRow[], s: SummaryCounts): void {
  const c = countRows(rows);
  const problems: string[] = [];
  for (const key of ['TOTAL', 'PASS', 'FAIL', 'WARN', 'TBD'] as const) {
    const printed = s[key] ?? 0;
    if (printed !== c[key]) problems.push(`${key} ${printed} but ${c[key]} rows`);
  }
  const skipOrNa = s.SKIP + s['N/A'];
  if (skipOrNa !== c.SKIP + c['N/A'] + c.ambiguousSkip || s.SKIP > c.ambiguousSkip) {
    problems.push(`SKIP ${s.SKIP} + N/A ${s['N/A']} but ${c['N/A']} N/A rows and ${c.ambiguousSkip} SKIP rows`);
  }
  if (problems.length > 0) throw new TahiReportError(file, `summary counts disagree with the result table: ${problems.join('; ')}`);
}
