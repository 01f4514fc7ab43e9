// The result table of a section (report.html, or index.html without -tiny): header row, `&print` heading
// rows and one row per INDEX test line, checked cell by cell.
import type { Element } from 'domhandler';
import { ipsecCaseOf, isUdpVariantHeading } from './index-file.js';
import { TahiReportError } from './report-errors.js';
import { attribute, childElements, elements, visibleText, type TahiPage } from './report-html.js';
import { meaningOfLabel, KNOWN_LABELS, type LabelMeaning } from './verdicts.js';

export interface ReportRow extends LabelMeaning {
  /** autorun's test number: 1..N across the INDEX files of one autorun call. */
  no: number;
  /**
   * `v6LC.1.1.1` from the nearest preceding heading; IPsec rows by the INDEX reader's rule (ipsecCaseOf):
   * `IPsec.5.1.1` from the title, `IPsec.5.1.5-a` for a part row under its test's heading, `-udp` appended
   * in a report of a UDP file (its first heading is "Initialize for using UDP"); else null.
   */
  id: string | null;
  /** The Title cell as a browser shows it. */
  title: string;
  /** The nearest preceding `&print` heading, as shown; null before the first one. */
  heading: string | null;
  /** The Result cell as shown, e.g. `FAIL, Why`. */
  result: string;
  /** The colour of the label's <FONT>, e.g. `#FF0000`; null when plain. */
  resultColour: string | null;
  /** Relative links as TAHI wrote them (validated: plain file names, no `..`, no scheme). */
  log: string | null;
  script: string | null;
  packet: string | null;
  /** `N.comment.html` when the report links a "Why" page (autorun without -F). */
  why: string | null;
  /** Capture files of the row, one per link (`N_html_Link0.pcap`). */
  captures: string[];
  /** Text dumps of the captures (`-dump2txt`). */
  captureTexts: string[];
  /** Initialization, `--- Fragment Test Preparation`, "Set Global Address and Check": setup, not a test. */
  setup: boolean;
}

export interface ResultTable {
  rows: ReportRow[];
  /** Whether the table has the Dump(txt) column (autorun -dump2txt). */
  dumpTxtColumn: boolean;
}

const HEADER = ['No.', 'Title', 'Result', 'Log', 'Script', 'Packet', 'Dump (bin)'];
const SETUP_TITLE = /^(Initiali[sz]ation\b|---|Set Global Address and Check\b)/;
const V6LC_HEADING = /\bv6LC\.([0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,2})\b/;
// addr.p2 writes some headings without the prefix: `3.2.5: ...`.
const BARE_HEADING = /^([0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,2}):/;

export function parseResultTable(page: TahiPage): ResultTable {
  const file = page.file;
  const table = elements(page.dom, 'table').find((t) => {
    const first = elements(t, 'tr')[0];
    return first !== undefined && headerOf(first)[0] === 'No.';
  });
  if (!table) throw new TahiReportError(file, 'no result table (a table whose header row starts with "No.")');
  const trs = elements(table, 'tr');
  const header = headerOf(trs[0]!);
  const expected = header.length === 8 ? [...HEADER, 'Dump (txt)'] : HEADER;
  if (header.join('|') !== expected.join('|')) {
    throw new TahiReportError(file, `result table header is "${header.join(' | ')}", expected "${expected.join(' | ')}"`);
  }
  const width = header.length;
  const rows: ReportRow[] = [];
  let heading: string | null = null;
  let udp: boolean | undefined;
  for (const [index, tr] of trs.slice(1).entries()) {
    const cells = childElements(tr, 'td');
    const where = `result table row ${index + 2}`;
    if (cells.length !== width) throw new TahiReportError(file, `${where} has ${cells.length} cells, expected ${width}`);
    const firstText = visibleText(cells[0]!);
    if (firstText === '') {
      // An `&print` heading: the text is in the Title cell, every other cell is empty.
      heading = visibleText(cells[1]!);
      udp ??= isUdpVariantHeading(heading);
      continue;
    }
    if (!/^[1-9][0-9]{0,5}$/.test(firstText)) throw new TahiReportError(file, `${where}: "${clip(firstText)}" is not a test number`);
    const no = Number(firstText);
    if (no !== rows.length + 1) throw new TahiReportError(file, `${where}: test ${no} follows test ${rows.length} (rows missing or out of order)`);
    const title = visibleText(cells[1]!);
    const resultCell = cells[2]!;
    const result = visibleText(resultCell);
    const meaning = meaningOfLabel(result);
    if (!meaning) {
      throw new TahiReportError(file, `test ${no}: result "${clip(result)}" is not a label TAHI writes (${KNOWN_LABELS.join(', ')})`);
    }
    const font = elements(resultCell, 'font')[0];
    const colour = font ? (attribute(font, 'color') ?? null) : null;
    if (colour !== null && !/^#[0-9A-Fa-f]{6}$/.test(colour)) throw new TahiReportError(file, `test ${no}: result colour "${clip(colour)}" is not #RRGGBB`);
    const whyLink = elements(resultCell, 'a').map((a) => attribute(a, 'href'))[0];
    rows.push({
      ...meaning,
      no,
      id: idOf(heading, title, udp ?? false),
      title,
      heading,
      result,
      resultColour: colour,
      log: singleLink(file, no, 'Log', cells[3]!),
      script: singleLink(file, no, 'Script', cells[4]!),
      packet: singleLink(file, no, 'Packet', cells[5]!),
      why: whyLink === undefined ? null : safeRelative(file, no, 'Why', whyLink),
      captures: links(file, no, 'Dump (bin)', cells[6]!),
      captureTexts: width === 8 ? links(file, no, 'Dump (txt)', cells[7]!) : [],
      setup: SETUP_TITLE.test(title),
    });
  }
  return { rows, dumpTxtColumn: width === 8 };
}

function headerOf(tr: Element): string[] {
  return childElements(tr, 'th').map((th) => visibleText(th).replace(/\s+/g, ' '));
}

function idOf(heading: string | null, title: string, udp: boolean): string | null {
  if (heading !== null) {
    const m = V6LC_HEADING.exec(heading) ?? BARE_HEADING.exec(heading);
    if (m) return `v6LC.${m[1]}`;
  }
  return ipsecCaseOf(title, heading, udp)?.id ?? null;
}

function links(file: string, no: number, column: string, cell: Element): string[] {
  return elements(cell, 'a').map((a) => safeRelative(file, no, column, attribute(a, 'href') ?? ''));
}

/** The one link of a cell; `-` (TAHI's "none", e.g. a packet of /dev/null) or an empty cell give null. */
function singleLink(file: string, no: number, column: string, cell: Element): string | null {
  const found = links(file, no, column, cell);
  if (found.length > 1) throw new TahiReportError(file, `test ${no}: the ${column} cell holds ${found.length} links`);
  return found[0] ?? null;
}

// Links name files beside the report (or the section's scripts as `./X.seq`): anything that could leave
// the folder or name another scheme is refused rather than followed when artifacts are collected.
function safeRelative(file: string, no: number, column: string, href: string): string {
  const clean = href.replace(/^\.\//, '');
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.,+=-]{0,200}$/.test(clean) || clean.includes('..')) {
    throw new TahiReportError(file, `test ${no}: ${column} link "${clip(href)}" is not a plain file name in the report folder`);
  }
  return clean;
}

function clip(s: string): string {
  const flat = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  return flat.length > 60 ? `${flat.slice(0, 60)}...` : flat;
}
