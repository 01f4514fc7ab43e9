// `testlab import tahi` as an operator runs it: the built CLI, a lab home of its own, TAHI's real reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../src/lab-paths.js';

const FIXTURES = process.env.TAHI_FIXTURES ?? '/work/shared/fixtures/tahi-reports';
const cli = path.join(repoRoot, 'apps/cli/dist/src/main.js');
const run = promisify(execFile);

async function testlab(home: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { env: { ...process.env, TESTLAB_HOME: home } });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

test('import tahi stores a section as a run of the kernel and prints its cases and counts', async () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'testlab-import-'));
  const out = await testlab(home, 'import', 'tahi', path.join(FIXTURES, 'spec-p2-host-tiny'), '--kernel', '6.1.192');
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /^run 1: TAHI results of kernel 6\.1\.192/);
  assert.match(out.stdout, /\n15 +v6LC\.1\.2\.4-A +Initialization Fail +ERROR +Part A: Destination Options Header precedes/);
  assert.match(out.stdout, /\n10 +v6LC\.1\.1\.8 +Host Only +NA +Hop Limit Zero - End Node/);
  assert.match(out.stdout, /summary\.html: TOTAL 67, PASS 58, FAIL 3, WARN 2, SKIP 0, N\/A 4 \(matches the rows\)/);
  const shown = JSON.parse((await testlab(home, 'show', '1', '--json')).stdout) as {
    run: { kernelVersion: string; status: string; counts: Record<string, number> };
    results: { caseId: string; verdict: string; pcaps: string[] }[];
    artifacts: { kind: string; path: string }[];
  };
  assert.equal(shown.run.kernelVersion, '6.1.192');
  assert.equal(shown.run.status, 'done');
  // 67 rows less the Initialization row; PASS 57 because Initialization (a PASS) is not a case.
  assert.deepEqual(shown.run.counts, { PASS: 57, FAIL: 3, WARN: 2, NA: 3, ERROR: 1 });
  assert.equal(shown.results.length, 66);
  const report = shown.artifacts.find((a) => a.kind === 'tahi-report' && a.path.endsWith('report.html'));
  assert.ok(report && report.path.startsWith(path.join(home, 'runs', 'run-1')), 'the report is copied into the run');
  assert.equal(shown.artifacts.filter((a) => a.kind === 'case-log').length, 67);
});

test('import tahi --json gives every case with TAHI label and verdict', async () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'testlab-import-'));
  const out = await testlab(home, 'import', 'tahi', path.join(FIXTURES, 'icmp-p2-router-why'), '--kernel', '6.1', '--json');
  assert.equal(out.code, 0, out.stderr);
  const json = JSON.parse(out.stdout) as { sections: { cases: { no: number; caseId: string; tahiResult: string; verdict: string }[]; setupRows: unknown[] }[] };
  const cases = json.sections[0]!.cases;
  assert.deepEqual(cases.find((c) => c.no === 4), { no: 4, id: 'v6LC.5.1.2', caseId: 'v6LC.5.1.2-B', title: 'Part B: Request sent to global address', tahiResult: 'FAIL, Why', exitCode: 32, verdict: 'FAIL' });
  assert.equal(json.sections[0]!.setupRows.length, 6);
});

test('a damaged report is refused with the reason and nothing is stored', async () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'testlab-import-'));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tahi-damaged-'));
  const src = path.join(FIXTURES, 'pmtu-p2-host-dump2txt');
  for (const f of readdirSync(src)) copyFileSync(path.join(src, f), path.join(dir, f));
  writeFileSync(path.join(dir, 'summary.html'), readFileSync(path.join(src, 'summary.html'), 'latin1').replace('<TD>13</TD>', '<TD>14</TD>'), 'latin1');
  const out = await testlab(home, 'import', 'tahi', dir, '--kernel', '6.1.192');
  assert.equal(out.code, 1);
  assert.match(out.stderr, /summary\.html: checksum mismatch.*\(nothing was stored\)/);
  assert.match((await testlab(home, 'runs')).stdout, /no runs yet/);
});

test('a kernel version that is not one is refused before anything is read', async () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'testlab-import-'));
  const out = await testlab(home, 'import', 'tahi', path.join(FIXTURES, 'spec-p2-host-tiny'), '--kernel', '6.1; rm -rf /');
  assert.equal(out.code, 2);
  assert.match(out.stderr, /invalid kernel version/);
});

/** A copy of a fixture section whose `name` is replaced by what `make` puts there (a link, a FIFO). */
function sectionWith(name: string, make: (file: string) => void): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tahi-hostile-folder-'));
  const src = path.join(FIXTURES, 'spec-p2-host-tiny');
  for (const f of readdirSync(src)) copyFileSync(path.join(src, f), path.join(dir, f));
  rmSync(path.join(dir, name));
  make(path.join(dir, name));
  return dir;
}

test('a case log that is a symbolic link to a file of the lab host is refused, and nothing of that file is stored', async () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'testlab-import-'));
  const marker = `root:x:0:0:${randomBytes(8).toString('hex')}:/root:/bin/bash`;
  const outside = path.join(mkdtempSync(path.join(os.tmpdir(), 'lab-host-file-')), 'passwd');
  writeFileSync(outside, `${marker}\n`);
  const dir = sectionWith('2.html', (file) => symlinkSync(outside, file));
  const out = await testlab(home, 'import', 'tahi', dir, '--kernel', '6.1.192');
  assert.equal(out.code, 1, out.stdout);
  assert.match(out.stderr, /2\.html: a symbolic link: the lab takes only regular files from a report folder \(nothing was stored\)/);
  assert.match((await testlab(home, 'runs')).stdout, /no runs yet/);
  const db = readFileSync(path.join(home, 'lab.db')).toString('latin1');
  assert.ok(!db.includes(marker.slice(12, 28)), 'the linked file is nowhere in the database');
  const runs = path.join(home, 'runs');
  assert.deepEqual(existsSync(runs) ? readdirSync(runs) : [], [], 'and no copy of it (nor a half-made one) under runs/');
});

test('a FIFO in the folder is refused by name rather than read (a read would never end)', async () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'testlab-import-'));
  const dir = sectionWith('3.html', (file) => execFileSync('mkfifo', [file]));
  const out = await testlab(home, 'import', 'tahi', dir, '--kernel', '6.1.192');
  assert.equal(out.code, 1, out.stdout);
  assert.match(out.stderr, /3\.html: a FIFO: the lab takes only regular files from a report folder/);
});

test('a case log built to be slow to parse (150,000 nested tags) is refused at once with the reason, nothing stored', async () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'testlab-import-'));
  const dir = sectionWith('2.html', (file) => writeFileSync(file, `<HTML><BODY>${'<B>'.repeat(150_000)}</BODY></HTML>\n`));
  const started = performance.now();
  const out = await testlab(home, 'import', 'tahi', dir, '--kernel', '6.1.192');
  assert.equal(out.code, 1, out.stdout);
  assert.match(out.stderr, /2\.html: tags nested deeper than 256.*\(nothing was stored\)/);
  assert.ok(performance.now() - started < 20_000, 'refused in seconds, not minutes');
  assert.match((await testlab(home, 'runs')).stdout, /no runs yet/);
});

test('an import killed while it stores its run leaves no run at all, not a half-filled one', async () => {
  const home = mkdtempSync(path.join(os.tmpdir(), 'testlab-import-'));
  await testlab(home, 'runs'); // the lab home and its database, as any command makes them
  const child = spawnSync(process.execPath, [path.join(repoRoot, 'apps/cli/dist/test/fixtures/import-then-die.js'), path.join(home, 'lab.db'), path.join(FIXTURES, 'spec-p2-host-tiny'), path.join(home, 'runs')], { encoding: 'utf8' });
  assert.equal(child.signal, 'SIGKILL', `${child.stdout}${child.stderr}`);
  const runs = await testlab(home, 'runs');
  assert.equal(runs.code, 0, runs.stderr);
  assert.match(runs.stdout, /no runs yet/, 'neither a running nor an unfinished run');
});
