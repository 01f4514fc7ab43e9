// Reports that are damaged, edited or written to attack whoever reads them: clear errors or escaped data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { caseResultsOf, parseSectionReport, TahiReportError } from '../src/index.js';
import { reportHtml, summaryHtml, withChecksum, writeSection } from './support/report-pages.js';
import { FIXTURES } from './report-fixtures.test.js';

const fresh = () => mkdtempSync(path.join(os.tmpdir(), 'tahi-hostile-'));
const copyOf = (name: string) => {
  const dir = fresh();
  for (const f of readdirSync(path.join(FIXTURES, name))) copyFileSync(path.join(FIXTURES, name, f), path.join(dir, f));
  return dir;
};
const FAIL = '<FONT COLOR="#FF0000">FAIL</FONT>';

test('a report.html cut short is refused as truncated', async () => {
  const dir = copyOf('spec-p2-host-tiny');
  const full = readFileSync(path.join(dir, 'report.html'));
  writeFileSync(path.join(dir, 'report.html'), full.subarray(0, Math.floor(full.length / 2)));
  await assert.rejects(parseSectionReport(dir), (e: Error) => e instanceof TahiReportError && /report\.html: truncated/.test(e.message));
});

test('an edited report (a FAIL turned into PASS) fails its checksum', async () => {
  const dir = copyOf('spec-p2-host-tiny');
  const file = path.join(dir, 'report.html');
  writeFileSync(file, readFileSync(file, 'latin1').replace(FAIL, 'PASS'), 'latin1');
  await assert.rejects(parseSectionReport(dir), /checksum mismatch/);
});

test('summary counts that disagree with the rows are refused, naming the count', async () => {
  const dir = fresh();
  writeSection(dir, 'S', [{ title: 'a' }, { title: 'b', resultHtml: FAIL }], { TOTAL: 2, PASS: 2, FAIL: 0 });
  await assert.rejects(parseSectionReport(dir), /PASS 2 but 1 rows; FAIL 0 but 1 rows/);
});

test('bytes that are not UTF-8, without a declared charset, are an error naming the byte', async () => {
  const dir = fresh();
  writeSection(dir, 'S', [{ title: 'caf\u00e9' }], { TOTAL: 1, PASS: 1 }); // latin1 0xE9
  await assert.rejects(parseSectionReport(dir), /not UTF-8 and no charset declared \(invalid byte 0xe9 at offset \d+\)/);
});

test('a UTF-16 page is refused as binary', async () => {
  const dir = fresh();
  writeSection(dir, 'S', [{ title: 'a' }], { TOTAL: 1, PASS: 1 });
  writeFileSync(path.join(dir, 'report.html'), Buffer.from(`\ufeff${reportHtml('S', [{ title: 'a' }])}`, 'utf16le'));
  await assert.rejects(parseSectionReport(dir), /binary data \(NUL byte/);
});

test('a page that declares Shift_JIS is decoded with it', async () => {
  const dir = fresh();
  writeSection(dir, 'S', [{ title: 'a' }], { TOTAL: 1, PASS: 1 });
  const html = reportHtml('S', [{ title: '\u8a66\u9a13 Part A' }]).replace('<HEAD>', '<HEAD>\n<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=Shift_JIS">');
  const body = iconv.encode(html, 'Shift_JIS');
  const { createHash } = await import('node:crypto');
  writeFileSync(path.join(dir, 'report.html'), Buffer.concat([body, Buffer.from(`<!-- ${createHash('md5').update(body).digest('hex')} -->\n`)]));
  const report = await parseSectionReport(dir);
  assert.equal(report.rows[0]?.title, '\u8a66\u9a13 Part A');
});

test('script tags and terminal escapes in titles end up as plain text, never markup', async () => {
  const dir = fresh();
  const title = 'Part A&#58; <script>alert("x")</script><B>bold</B> &lt;img src=x onerror=alert(1)&gt; \u001b[31mred';
  writeSection(dir, 'S', [{ heading: 'Test v6LC.1.1.1: <script>document.cookie</script>Version' }, { title }], { TOTAL: 1, PASS: 1 });
  const report = await parseSectionReport(dir);
  const row = report.rows[0]!;
  assert.equal(row.title, 'Part A: bold <img src=x onerror=alert(1)> [31mred');
  assert.equal(row.heading, 'Test v6LC.1.1.1: Version');
  assert.equal(row.id, 'v6LC.1.1.1');
  assert.doesNotMatch(row.title, /script|\u001b/);
  assert.equal(caseResultsOf(report)[0]?.result.caseId, 'v6LC.1.1.1-A');
});

test('a label TAHI never writes is an error naming the test', async () => {
  const dir = fresh();
  writeSection(dir, 'S', [{ title: 'a', resultHtml: 'GREAT' }], { TOTAL: 1, PASS: 1 });
  await assert.rejects(parseSectionReport(dir), /test 1: result "GREAT" is not a label TAHI writes/);
});

test('a log link that leaves the folder is refused', async () => {
  const dir = fresh();
  writeSection(dir, 'S', [{ title: 'a' }], { TOTAL: 1, PASS: 1 });
  const file = path.join(dir, 'report.html');
  const html = readFileSync(file, 'latin1').replace(/<!--.*-->\n$/, '').replace('HREF="1.html"', 'HREF="../../etc/passwd"');
  writeFileSync(file, withChecksum(html));
  await assert.rejects(parseSectionReport(dir), /Log link "\.\.\/\.\.\/etc\/passwd" is not a plain file name/);
});

test('every other label: internal error stops the INDEX (TBD after it), FAIL (n), SIGNAL (n), SKIP, Except Host', async () => {
  const dir = fresh();
  const rows = [
    { title: 'Initialization' },
    { heading: '3.2.5: bare heading' },
    { title: 'killed', resultHtml: '<FONT COLOR="#FF0000">FAIL (143)</FONT>' },
    { title: 'signal', resultHtml: '<FONT COLOR="#FF0000">SIGNAL (9)</FONT>' },
    { title: 'skip', resultHtml: '<FONT COLOR="#AAAAAA">SKIP</FONT>' },
    { title: 'exh', resultHtml: '<FONT COLOR="#00FF00">Except Host<FONT>' },
    { title: 'nts', resultHtml: 'no test sequence' },
    { title: 'ie', resultHtml: '<FONT COLOR="#FF0000">internal error</FONT>' },
    { title: 'later', resultHtml: 'TBD' },
  ];
  writeSection(dir, 'S', rows, { TOTAL: 8, PASS: 1, SKIP: 1, 'N/A': 5, TBD: 1 }, '');
  const report = await parseSectionReport(dir);
  assert.equal(report.unfinished, true);
  assert.deepEqual(
    report.rows.map((r) => [r.label, r.exitCode, r.verdict]),
    [
      ['PASS', 0, 'PASS'],
      ['FAIL (143)', 143, 'ERROR'],
      ['SIGNAL (9)', undefined, 'ERROR'],
      ['SKIP', undefined, 'NA'],
      ['Except Host', 7, 'NA'],
      ['no test sequence', 255, 'ERROR'],
      ['internal error', 64, 'ERROR'],
      ['TBD', 72, 'ERROR'],
    ],
  );
  assert.equal(report.rows[1]?.id, 'v6LC.3.2.5');
  assert.match(caseResultsOf(report)[0]!.result.reason, /exit code 143 \(signal 15\)/);
});

test('a folder with no report says what it expected', async () => {
  await assert.rejects(parseSectionReport(fresh()), /no report\.html or index\.html/);
});

void summaryHtml;
