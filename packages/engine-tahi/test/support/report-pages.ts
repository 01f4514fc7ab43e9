// Writes section report pages in the format of TAHI's indexgen (REL_3_3_5), md5 trailer included: for the
// hostile-report tests and for the autorun stand-in on the test tester host.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export interface PageRow {
  /** A heading row (`&print`) when set; the other fields are ignored. */
  heading?: string;
  title?: string;
  /** Result cell inner HTML, e.g. `<FONT COLOR="#FF0000">FAIL</FONT>`. */
  resultHtml?: string;
  script?: string;
  /** null: the INDEX line names /dev/null, shown as `-`. */
  packet?: string | null;
  links?: number;
}

export function withChecksum(html: string): Buffer {
  const body = Buffer.from(html, 'latin1');
  return Buffer.concat([body, Buffer.from(`<!-- ${createHash('md5').update(body).digest('hex')} -->\n`)]);
}

export function reportHtml(title: string, rows: readonly PageRow[]): string {
  let out = `<HTML>\n<HEAD>\n<TITLE>${title}</TITLE>\n<META NAME="GENERATOR" CONTENT="TAHI IPv6 Conformance Test Suite">\n</HEAD>\n<BODY BGCOLOR="#FFFFFF">\n<CENTER><TABLE BORDER=1>\n<TR BGCOLOR="#CCCCCC">\n<TH>No.</TH><TH>Title</TH>\n<TH>Result</TH><TH>Log</TH><TH>Script</TH><TH>Packet</TH><TH>Dump<BR>(bin)</TH>\n</TR>\n`;
  let no = 0;
  for (const r of rows) {
    if (r.heading !== undefined) {
      out += `<TR><TD><BR></TD><TD>${r.heading}</TD>${'<TD><BR></TD>'.repeat(5)}</TR>\n`;
      continue;
    }
    no++;
    const script = r.script ?? `./T${no}.seq`;
    const base = script.replace(/^\.\//, '').replace(/\.seq$/, '');
    const dumps = Array.from({ length: r.links ?? 1 }, (_, k) => `<A HREF="${no}_html_Link${k}.pcap">Link${k}</A> `).join('');
    out += `<TR BGCOLOR="${no % 2 ? '#EEEEEE' : '#DDDDDD'}">\n<TD>${no}</TD><TD><A HREF="./${base}.html">${r.title ?? base}</A></TD><TD ALIGN="CENTER">${r.resultHtml ?? 'PASS'}</TD><TD ALIGN="CENTER"><A HREF="${no}.html">X</A></TD><TD ALIGN="CENTER"><A HREF="${script}">X</A></TD><TD ALIGN="CENTER">${r.packet === null ? '-' : `<A HREF="./${base}.def">X</A>`}</TD><TD ALIGN="CENTER">${dumps}</TD></TR>\n`;
  }
  return `${out}</TABLE>\n</CENTER>\n</BODY>\n</HTML>\n`;
}

export function summaryHtml(title: string, counts: Record<string, number>, times: { start: string; end: string }): string {
  const line = (k: string, v: number, colour?: string) =>
    `<TR><TD><B>${colour ? `<FONT COLOR="${colour}">${k}</FONT>` : k}</B></TD><TD>:</TD><TD>${v}</TD></TR>\n`;
  return (
    `<HTML>\n<HEAD>\n<TITLE>${title}</TITLE>\n</HEAD>\n<BODY BGCOLOR="#FFFFFF">\n<CENTER>\n<H1>${title}</H1>\n</CENTER>\n<HR>\n<TABLE>\n` +
    `<TR><TD>Tool Version</TD><TD>:</TD><TD>REL_3_3_5</TD></TR>\n<TR><TD>Test Program Version</TD><TD>:</TD><TD>V6LC_5_0_7</TD></TR>\n</TABLE>\n<HR>\n<TABLE>\n` +
    `<TR><TD>Start</TD><TD>:</TD><TD>${times.start}</TD></TR>\n<TR><TD>End</TD><TD>:</TD><TD>${times.end}</TD></TR>\n</TABLE>\n<HR>\nTest Results\n<BLOCKQUOTE>\n<TABLE>\n` +
    line('TOTAL', counts.TOTAL ?? 0) +
    line('PASS', counts.PASS ?? 0) +
    line('FAIL', counts.FAIL ?? 0, '#FF0000') +
    line('WARN', counts.WARN ?? 0, '#00FF00') +
    line('SKIP', counts.SKIP ?? 0, '#AAAAAA') +
    line('N/A', counts['N/A'] ?? 0) +
    (counts.TBD ? line('TBD', counts.TBD) : '') +
    `</TABLE>\n</BLOCKQUOTE>\n<HR>\n</BODY>\n</HTML>\n`
  );
}

export function indexFrameset(title: string): string {
  return `<HTML>\n<HEAD>\n<TITLE>${title}</TITLE>\n</HEAD>\n<FRAMESET COLS="30%,70%">\n<FRAME SRC="summary.html">\n<FRAME SRC="report.html">\n</FRAMESET>\n</HTML>\n`;
}

/** A whole -tiny section folder. */
export function writeSection(dir: string, title: string, rows: readonly PageRow[], counts: Record<string, number>, end = '2026/11/26 10:00:00'): void {
  writeFileSync(path.join(dir, 'report.html'), withChecksum(reportHtml(title, rows)));
  writeFileSync(path.join(dir, 'summary.html'), withChecksum(summaryHtml(title, counts, { start: '2026/11/26 09:00:00', end })));
  writeFileSync(path.join(dir, 'index.html'), withChecksum(indexFrameset(title)));
}
