// Report folders that hold something other than regular files: a symbolic link to a file of the lab host
// (the dashboard would serve it as a case log), a FIFO (a read that never ends). Refused by name when read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { caseResultsOf, parseSectionReport, TahiReportError } from '../src/index.js';
import { writeSection } from './support/report-pages.js';

const fresh = () => mkdtempSync(path.join(os.tmpdir(), 'tahi-hostile-folder-'));

async function sectionWithLog(): Promise<string> {
  const dir = fresh();
  writeSection(dir, 'S', [{ title: 'a' }, { title: 'b' }], { TOTAL: 2, PASS: 2 });
  writeFileSync(path.join(dir, '1.html'), '<HTML><BODY>log of test 1</BODY></HTML>\n');
  return dir;
}

test('a case log that became a symbolic link after the report was read is refused when the log is read', async () => {
  const dir = await sectionWithLog();
  const report = await parseSectionReport(dir);
  const outside = path.join(fresh(), 'passwd');
  writeFileSync(outside, 'root:x:0:0:root:/root:/bin/bash\n');
  rmSync(path.join(dir, '1.html'));
  symlinkSync(outside, path.join(dir, '1.html'));
  assert.throws(() => caseResultsOf(report), (e: Error) => e instanceof TahiReportError && /1\.html: a symbolic link: the lab takes only regular files/.test(e.message));
});

test('a report page that is a symbolic link is refused, even to a page that would parse', async () => {
  const dir = await sectionWithLog();
  const elsewhere = fresh();
  writeSection(elsewhere, 'S', [{ title: 'a' }, { title: 'b' }], { TOTAL: 2, PASS: 2 });
  rmSync(path.join(dir, 'summary.html'));
  symlinkSync(path.join(elsewhere, 'summary.html'), path.join(dir, 'summary.html'));
  await assert.rejects(parseSectionReport(dir), /summary\.html: a symbolic link/);
});

test('a case log that is a FIFO is refused at once, not waited on', async () => {
  const dir = await sectionWithLog();
  const report = await parseSectionReport(dir);
  rmSync(path.join(dir, '1.html'));
  execFileSync('mkfifo', [path.join(dir, '1.html')]);
  assert.throws(() => caseResultsOf(report), /1\.html: a FIFO: the lab takes only regular files/);
});

test('a missing case log is an empty log, as before', async () => {
  const dir = await sectionWithLog();
  const report = await parseSectionReport(dir);
  rmSync(path.join(dir, '1.html'));
  assert.equal(caseResultsOf(report)[0]?.result.log, '');
});
