// Pages built to be slow to parse: htmlparser2 keeps its open-tag stack with unshift, so deeply nested tags
// cost quadratic time (300,000 nested <B> in a 900 KB log took 141 s). Work is bounded before and while
// parsing (size, tags, nesting depth) and untrusted pages are parsed in a worker a time limit can end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { caseResultsOf, parseSectionReport, parseSectionsIsolated, TahiReportError } from '../src/index.js';
import { reportHtml, withChecksum, writeSection } from './support/report-pages.js';

const fresh = () => mkdtempSync(path.join(os.tmpdir(), 'tahi-hostile-page-'));

/** A -tiny section whose report.html has `inside` in the first row's title (checksum made to match). */
function sectionWithTitle(inside: string): string {
  const dir = fresh();
  writeSection(dir, 'S', [{ title: 'a' }], { TOTAL: 1, PASS: 1 });
  writeFileSync(path.join(dir, 'report.html'), withChecksum(reportHtml('S', [{ title: `a${inside}` }])));
  return dir;
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: PromiseSettledResult<T> }> {
  const started = performance.now();
  const [result] = await Promise.allSettled([work()]);
  return { ms: performance.now() - started, result: result! };
}

test('150,000 nested tags in report.html are refused at once for their depth, not parsed for minutes', async () => {
  const dir = sectionWithTitle('<B>'.repeat(150_000));
  const { ms, result } = await timed(() => parseSectionReport(dir));
  assert.equal(result.status, 'rejected');
  assert.ok(result.status === 'rejected' && result.reason instanceof TahiReportError);
  assert.match(String((result as PromiseRejectedResult).reason.message), /report\.html: tags nested deeper than 256/);
  assert.ok(ms < 3000, `refused in ${ms.toFixed(0)} ms`);
});

test('a case log of 150,000 nested tags is refused for its depth when the log is read', async () => {
  const dir = fresh();
  writeSection(dir, 'S', [{ title: 'a' }], { TOTAL: 1, PASS: 1 });
  writeFileSync(path.join(dir, '1.html'), `<HTML><BODY>${'<B>'.repeat(150_000)}x</BODY></HTML>\n`);
  const report = await parseSectionReport(dir);
  const started = performance.now();
  assert.throws(() => caseResultsOf(report), /1\.html: tags nested deeper than 256/);
  assert.ok(performance.now() - started < 3000);
});

test('a page of more tags than any TAHI page holds is refused before it is parsed', async () => {
  const dir = sectionWithTitle('<BR>'.repeat(400_000));
  await assert.rejects(parseSectionReport(dir), /report\.html: 400\d{3} tags, more than the 200000 the lab parses in one page/);
});

test('a page far larger than any TAHI page is refused by its size', async () => {
  const dir = sectionWithTitle('x'.repeat(5 * 1024 * 1024));
  await assert.rejects(parseSectionReport(dir), /report\.html: \d+ bytes, more than the 4194304 the lab reads from one report file/);
});

test('parsing in a worker: the lab stays responsive meanwhile, and a time limit ends a parse that runs long', async () => {
  // Within every bound, but big: 190,000 tags in one title, about a second of parsing.
  const dir = sectionWithTitle('<I>x</I>'.repeat(95_000));
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 5);
  const { ms, result } = await timed(() => parseSectionsIsolated([dir], { timeLimitMs: 250 }));
  clearInterval(ticker);
  assert.equal(result.status, 'rejected');
  assert.match(String((result as PromiseRejectedResult).reason.message), /parsing took longer than 0\.25 s: refused/);
  assert.ok(ms < 2000, `ended after ${ms.toFixed(0)} ms`);
  // Every 5 ms over 250 ms: 50 if nothing else ran; a blocked loop would give 0 or 1.
  assert.ok(ticks >= 10, `the event loop ran meanwhile (${ticks} ticks in ${ms.toFixed(0)} ms)`);
});

test('parsing in a worker gives the report and its cases, errors name the file', async () => {
  const dir = fresh();
  writeSection(dir, 'S', [{ title: 'Part A: a', heading: undefined }, { title: 'b', resultHtml: '<FONT COLOR="#FF0000">FAIL</FONT>' }], { TOTAL: 2, PASS: 1, FAIL: 1 });
  writeFileSync(path.join(dir, '2.html'), '<HTML><BODY><PRE>sent echo request\nno reply</PRE></BODY></HTML>\n');
  const [section] = await parseSectionsIsolated([dir]);
  assert.equal(section?.report.rows.length, 2);
  assert.equal(section?.cases[1]?.result.verdict, 'FAIL');
  assert.equal(section?.cases[1]?.result.log, 'sent echo request\nno reply');
  const deep = sectionWithTitle('<B>'.repeat(1000));
  await assert.rejects(parseSectionsIsolated([deep]), (e: Error) => e instanceof TahiReportError && e.file === path.join(deep, 'report.html') && /tags nested deeper than 256/.test(e.message));
});
