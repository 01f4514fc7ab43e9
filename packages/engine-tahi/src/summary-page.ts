// summary.html: versions, start and end, and the counts TAHI printed; `key : value` rows.
import { TahiReportError } from './report-errors.js';
import { childElements, elements, visibleText, type TahiPage } from './report-html.js';
import type { SummaryCategory } from './verdicts.js';

export interface SummaryCounts {
  TOTAL: number;
  PASS: number;
  FAIL: number;
  WARN: number;
  SKIP: number;
  'N/A': number;
  /** Printed only when non-zero. */
  TBD?: number;
}

export interface SectionSummary {
  title: string;
  toolVersion: string | null;
  testProgramVersion: string | null;
  /** As TAHI prints it: `2026/11/26 09:08:08` (local time of the tester). */
  start: string | null;
  /** Empty while autorun is still running. */
  end: string | null;
  counts: SummaryCounts;
}

const COUNT_KEYS: readonly (keyof SummaryCounts)[] = ['TOTAL', 'PASS', 'FAIL', 'WARN', 'SKIP', 'N/A', 'TBD'];
const REQUIRED: readonly (keyof SummaryCounts)[] = ['TOTAL', 'PASS', 'FAIL', 'WARN', 'SKIP', 'N/A'];

export function parseSummaryPage(page: TahiPage): SectionSummary {
  const values = new Map<string, string>();
  for (const tr of elements(page.dom, 'tr')) {
    const cells = childElements(tr, 'td').map((td) => visibleText(td));
    if (cells.length === 3 && cells[1] === ':') values.set(cells[0]!, cells[2]!);
  }
  const counts: Partial<Record<keyof SummaryCounts, number>> = {};
  for (const key of COUNT_KEYS) {
    const text = values.get(key);
    if (text === undefined) {
      if (REQUIRED.includes(key)) throw new TahiReportError(page.file, `no ${key} count (not a TAHI summary page?)`);
      continue;
    }
    if (!/^(0|[1-9][0-9]{0,5})$/.test(text)) throw new TahiReportError(page.file, `${key} count "${text.slice(0, 40)}" is not a number`);
    counts[key] = Number(text);
  }
  const h1 = elements(page.dom, 'h1')[0] ?? elements(page.dom, 'title')[0];
  const orNull = (k: string) => {
    const v = values.get(k);
    return v === undefined || v === '' ? null : v;
  };
  return {
    title: h1 ? visibleText(h1) : '',
    toolVersion: orNull('Tool Version'),
    testProgramVersion: orNull('Test Program Version'),
    start: orNull('Start'),
    end: orNull('End'),
    counts: counts as SummaryCounts,
  };
}

export type { SummaryCategory };
