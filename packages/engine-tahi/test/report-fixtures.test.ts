// The parser against every report TAHI's own generator wrote (shared/fixtures/tahi-reports), row by row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { caseResultsOf, parseResultFolder, parseSectionReport } from '../src/index.js';

export const FIXTURES = process.env.TAHI_FIXTURES ?? '/work/shared/fixtures/tahi-reports';

interface ExpectedRow {
  no: number;
  id: string | null;
  title: string;
  heading: string | null;
  script: string;
  packet: string;
  exit_code: number;
  result: string;
  result_colour: string | null;
  log: string;
  category: string | null;
}
interface Scenario {
  section: string;
  report_title: string;
  tool_version: string;
  test_program_version: string;
  end_time_empty: boolean;
  why_links: boolean;
  dump_txt_column: boolean;
  rows: ExpectedRow[];
  summary: Record<string, number> | null;
}
const expected = JSON.parse(readFileSync(path.join(FIXTURES, 'EXPECTED.json'), 'utf8')) as { scenarios: Record<string, Scenario> };

for (const [name, want] of Object.entries(expected.scenarios)) {
  test(`${name}: every row and the summary as EXPECTED.json says`, async () => {
    const report = await parseSectionReport(path.join(FIXTURES, name));
    assert.equal(report.title, want.report_title);
    assert.equal(report.summary?.toolVersion, want.tool_version);
    assert.equal(report.summary?.testProgramVersion, want.test_program_version);
    assert.equal(report.unfinished, want.end_time_empty);
    assert.equal(report.dumpTxtColumn, want.dump_txt_column);
    assert.equal(report.rows.length, want.rows.length);
    for (const [i, w] of want.rows.entries()) {
      const r = report.rows[i]!;
      const at = `${name} row ${w.no}`;
      assert.equal(r.no, w.no, at);
      assert.equal(r.id, w.id, at);
      assert.equal(r.title, w.title, at);
      assert.equal(r.heading, w.heading, at);
      assert.equal(r.result, w.result, at);
      assert.equal(r.resultColour, w.result_colour, at);
      assert.equal(r.exitCode, w.exit_code, at);
      assert.equal(r.category, w.category, at);
      assert.equal(r.log, w.log, at);
      assert.equal(r.script, w.script.replace(/^\.\//, ''), at);
      assert.equal(r.packet, w.packet === '/dev/null' ? null : w.packet.replace(/^\.\//, ''), at);
      assert.equal(r.why !== null, want.why_links && (w.exit_code === 32 || w.exit_code === 3), at);
      assert.equal(r.captures.length > 0, true, at);
      assert.equal(r.captureTexts.length > 0, want.dump_txt_column, at);
    }
    const { TBD, ...printed } = report.summary!.counts;
    assert.deepEqual(TBD === undefined ? printed : { ...printed, TBD }, want.summary);
  });
}

test('setup rows are not cases; every case id is unique and part letters are kept', async () => {
  const report = await parseSectionReport(path.join(FIXTURES, 'icmp-p2-router-why'));
  const cases = caseResultsOf(report);
  // 46 rows: 1 Initialization + 5 "--- Fragment Test Preparation".
  assert.equal(cases.length, 40);
  assert.equal(new Set(cases.map((c) => c.result.caseId)).size, cases.length);
  const four = cases.find((c) => c.row.no === 4)!.result;
  assert.equal(four.caseId, 'v6LC.5.1.2-B');
  assert.equal(four.verdict, 'FAIL');
  assert.match(four.reason, /test 4: FAIL \(exit 32\)/);
  assert.match(four.log, /^Part B: Request sent to global address\nTest number: 4\nScript: .\/Echo_Global.seq\nStub exit: 32$/);
  assert.deepEqual(cases.filter((c) => c.row.setup), []);
});

test('verdicts across the fixtures: Not yet supported, Host Only and Router Only are NA, Initialization Fail is ERROR', async () => {
  const report = await parseSectionReport(path.join(FIXTURES, 'spec-p2-host-tiny'));
  const byNo = new Map(caseResultsOf(report).map((c) => [c.row.no, c.result]));
  assert.equal(byNo.get(3)?.verdict, 'FAIL');
  assert.equal(byNo.get(5)?.verdict, 'WARN');
  assert.equal(byNo.get(8)?.verdict, 'NA');
  assert.equal(byNo.get(10)?.verdict, 'NA');
  assert.equal(byNo.get(12)?.verdict, 'NA');
  assert.equal(byNo.get(15)?.verdict, 'ERROR');
  assert.equal(byNo.get(2)?.verdict, 'PASS');
  assert.equal(byNo.has(1), false, 'Initialization is setup');
});

test('a suite folder with section subfolders is read section by section', async () => {
  const sections = await parseResultFolder(FIXTURES);
  assert.deepEqual(
    sections.map((s) => [s.section, s.rows.length]),
    [
      ['icmp-p2-router-why', 46],
      ['nd-p2-host-tiny', 266],
      ['pmtu-p2-host-dump2txt', 17],
      ['spec-p2-host-tiny', 67],
    ],
  );
});
