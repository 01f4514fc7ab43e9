// IPsec_Self_Test_P2 ids: the INDEX reader (coverage) and the report parser (TAHI runs) name every test of
// the four IPsec INDEX files the same way, part rows and UDP repetitions included, as the builtin engine's
// cases do (IPsec.5.1.5-a, IPsec.5.1.1-udp).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { caseResultsOf, parseIndexFiles, parseSectionReport, readIndexFiles } from '../src/index.js';
import { writeSection, type PageRow } from './support/report-pages.js';

const indexDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../testsets/tahi-index');

test('INDEX_P2_HOST: plain ids, part ids under their heading, optional features, no setup rows', async () => {
  const ids = await readIndexFiles(indexDir, ['ipsec.p2/INDEX_P2_HOST']);
  assert.equal(ids.length, 26);
  assert.deepEqual(ids[0], { id: 'IPsec.5.1.1', title: 'Select SPD, ESP=3DES-CBC HMAC-SHA1', group: 'IPsec.5.1', file: 'ipsec.p2/INDEX_P2_HOST' });
  const b = ids.find((c) => c.id === 'IPsec.5.1.5-b');
  assert.equal(b?.title, 'Receipt of No Next Header, ESP=3DES-CBC HMAC-SHA1: (b) No Next Header w/ TFC Padding');
  assert.equal(b?.requires, 'DUMMY_PACKET_SUPPORT');
  assert.ok(!ids.some((c) => c.id === 'IPsec.5.1.5'), 'a test with parts has no id of its own');
  assert.ok(!ids.some((c) => /Global Address/.test(c.title)));
});

test('the UDP files repeat the ids with -udp and " (UDP)"; 5.3.6 is ICMP only', async () => {
  const ids = await readIndexFiles(indexDir, ['ipsec.p2/INDEX_P2_HOST', 'ipsec.p2/INDEX_P2_HOST_UDP', 'ipsec.p2/INDEX_P2_SGW', 'ipsec.p2/INDEX_P2_SGW_UDP']);
  assert.equal(new Set(ids.map((c) => c.id)).size, ids.length);
  assert.equal(ids.length, 97);
  assert.equal(ids.find((c) => c.id === 'IPsec.5.1.5-a-udp')?.title, 'Receipt of No Next Header, ESP=3DES-CBC HMAC-SHA1: (a) No Next Header w/o TFC Padding (UDP)');
  assert.ok(ids.some((c) => c.id === 'IPsec.6.2.8-udp'));
  assert.ok(ids.some((c) => c.id === 'IPsec.5.3.6') && !ids.some((c) => c.id === 'IPsec.5.3.6-udp'));
});

// A report page as TAHI's autorun writes it for these INDEX lines: one heading row per &print, one test row
// per line, the description as the Title cell.
function reportOf(file: string): PageRow[] {
  const text = readFileSync(path.join(indexDir, file), 'latin1');
  const rows: PageRow[] = [];
  let heading: string | null = null;
  for (const t of parseIndexFiles([{ name: file, text }])) {
    if (t.heading !== heading && t.heading !== null) rows.push({ heading: t.heading });
    heading = t.heading;
    rows.push({ title: t.description, script: t.script, links: t.links });
  }
  return rows;
}

for (const file of ['ipsec.p2/INDEX_P2_HOST', 'ipsec.p2/INDEX_P2_HOST_UDP', 'ipsec.p2/INDEX_P2_SGW', 'ipsec.p2/INDEX_P2_SGW_UDP']) {
  test(`${file}: the report parser gives each row the INDEX reader's id`, async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'ipsec-report-')), 'ipsec.p2');
    mkdirSync(dir);
    const rows = reportOf(file);
    const n = rows.filter((r) => r.heading === undefined).length;
    writeSection(dir, 'IPsec', rows, { TOTAL: n, PASS: n });
    const report = await parseSectionReport(dir);
    const fromReport = caseResultsOf(report).map((c) => c.result.caseId);
    const fromIndex = (await readIndexFiles(indexDir, [file])).map((c) => c.id);
    assert.deepEqual(fromReport, fromIndex);
  });
}
