// The kselftest driver with a NUT that runs commands on this machine: the per-test wrapper really runs
// (sh, timeout, sed), so exit codes, SKIP, TIMEOUT and missing tests come out as on a NUT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BootedNut, CaseResult, ExecResult } from '@testlab/core';
import { createKselftestEngine, KselftestConfigError, MAX_CASES_PER_TEST, MAX_TEST_OUTPUT_BYTES, parseKselftestSection, resultsOfTest } from '../src/index.js';

function localNut(): BootedNut {
  return {
    name: 'local',
    kernelRelease: os.release(),
    links: [],
    consoleLog: '/dev/null',
    // As the SSH runner: output past maxOutputBytes stops the command and is reported as cut.
    exec: (argv, options) =>
      new Promise<ExecResult>((resolve) => {
        const max = options?.maxOutputBytes ?? 64 * 1024 * 1024;
        execFile(argv[0]!, argv.slice(1), { maxBuffer: max }, (error, stdout, stderr) => {
          if ((error as { code?: string } | null)?.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return resolve({ code: 137, stdout, stderr, cutAtBytes: max });
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
        });
      }),
    shutdown: async () => {},
  };
}

function install(tests: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kselftest-install-'));
  mkdirSync(path.join(dir, 'net'));
  for (const [name, body] of Object.entries(tests)) {
    writeFileSync(path.join(dir, 'net', name), `#!/bin/sh\n${body}\n`);
    chmodSync(path.join(dir, 'net', name), 0o755);
  }
  return dir;
}

test('each test runs with its own timeout; cases, SKIP, TIMEOUT and missing programs become results', async () => {
  const dir = install({
    'fib_like.sh': [
      'echo "IPv6 route add / append tests"',
      'echo "    TEST: Add new route                                      [ OK ]"',
      'echo "    TEST: Append nexthop to existing route - gw              [FAIL]"',
      'echo ""',
      'echo "IPv6 route delete"',
      'echo "    TEST: Add new route                                      [ OK ]"',
      'echo "    TEST: Add new route                                      [ OK ]"',
      'exit 1',
    ].join('\n'),
    'needs_tool.sh': 'echo "SKIP: tcpdump not installed"; exit 4',
    'hangs.sh': 'sleep 30',
    'clean.sh': 'echo "TEST: ok case [ OK ]"',
  });
  const stored: CaseResult[] = [];
  const steps: string[] = [];
  const artifactsDir = mkdtempSync(path.join(os.tmpdir(), 'kselftest-run-'));
  const suite = createKselftestEngine({ tests: ['fib_like.sh', 'needs_tool.sh', 'hangs.sh', 'gone.sh', 'clean.sh'], timeoutS: 1 }, undefined, dir);
  const results = await suite.run({
    nut: localNut(),
    mode: 'host',
    cases: [],
    artifactsDir,
    progress: { step: (s) => steps.push(s), fraction: () => {} },
    onResult: async (r) => {
      stored.push(r);
    },
  });
  assert.deepEqual(stored, results);
  assert.deepEqual(
    results.map((r) => [r.caseId, r.verdict]),
    [
      ['net/fib_like.sh', 'FAIL'],
      ['net/fib_like.sh: IPv6 route add / append tests: Add new route', 'PASS'],
      ['net/fib_like.sh: IPv6 route add / append tests: Append nexthop to existing route - gw', 'FAIL'],
      ['net/fib_like.sh: IPv6 route delete: Add new route', 'PASS'],
      ['net/fib_like.sh: IPv6 route delete: Add new route (2)', 'PASS'],
      ['net/needs_tool.sh', 'NA'],
      ['net/hangs.sh', 'ERROR'],
      ['net/gone.sh', 'ERROR'],
      ['net/clean.sh', 'PASS'],
      ['net/clean.sh: ok case', 'PASS'],
    ],
  );
  assert.match(results[0]!.reason, /exit=1/);
  assert.match(results.find((r) => r.caseId === 'net/hangs.sh')!.reason, /still running after 1 seconds/);
  assert.match(results.find((r) => r.caseId === 'net/gone.sh')!.reason, /not installed on the NUT/);
  assert.match(readFileSync(path.join(artifactsDir, 'kselftest/fib_like.sh.log'), 'utf8'), /^TAP version 13\n1\.\.1\n# selftest: net: fib_like.sh\n# IPv6 route add/);
  assert.equal(steps[0], 'net/fib_like.sh (1/5, at most 1 s)');
});

test('a test that prints without end is stopped at the byte cap and recorded as ERROR with the reason', async () => {
  const dir = install({ 'flood.sh': 'yes "flooding the lab"', 'after.sh': 'echo "TEST: still runs [ OK ]"' });
  const artifactsDir = mkdtempSync(path.join(os.tmpdir(), 'kselftest-run-'));
  const suite = createKselftestEngine({ tests: ['flood.sh', 'after.sh'], timeoutS: 60 }, { baseInitramfs: '' }, dir);
  const started = Date.now();
  const results = await suite.run({ nut: localNut(), mode: 'host', cases: [], artifactsDir, progress: { step: () => {}, fraction: () => {} }, onResult: async () => {} });
  assert.ok(Date.now() - started < 30_000, 'stopped at the cap, not at the 60 s timeout');
  const flood = results.find((r) => r.caseId === 'net/flood.sh')!;
  assert.equal(flood.verdict, 'ERROR');
  assert.match(flood.reason, new RegExp(`printed more than ${MAX_TEST_OUTPUT_BYTES} bytes: stopped there`));
  assert.ok(statSync(path.join(artifactsDir, 'kselftest/flood.sh.log')).size < MAX_TEST_OUTPUT_BYTES + 4096, 'the log keeps only the first bytes');
  assert.equal(results.find((r) => r.caseId === 'net/after.sh')?.verdict, 'PASS', 'the next test runs');
});

test('a test printing more TEST lines than any selftest keeps only the first as cases, and says so', () => {
  const lines = Array.from({ length: MAX_CASES_PER_TEST + 1000 }, (_, i) => `# TEST: case ${i} [ OK ]`);
  const results = resultsOfTest('many.sh', ['TAP version 13', '1..1', ...lines, 'ok 1 selftests: net: many.sh'].join('\n'), 1);
  assert.equal(results.length, 1 + MAX_CASES_PER_TEST);
  assert.match(results[0]!.reason, new RegExp(`${MAX_CASES_PER_TEST + 1000} TEST lines: only the first ${MAX_CASES_PER_TEST} kept as cases`));
});

test('names that are not selftest programs, and odd install folders, are refused up front', () => {
  assert.throws(() => parseKselftestSection({ tests: ['../../bin/reboot'], timeoutS: 10 }), /kselftest\.tests\.0: a program of tools\/testing\/selftests\/net/);
  assert.throws(() => parseKselftestSection({ tests: ['a.sh; reboot'], timeoutS: 10 }), /a program of tools\/testing\/selftests\/net/);
  assert.throws(() => createKselftestEngine({ tests: ['a.sh'], timeoutS: 10 }, undefined, '/opt/../etc'), KselftestConfigError);
  assert.throws(() => createKselftestEngine({ tests: ['a.sh'], timeoutS: 10 }, undefined, '/opt/../etc'), /not a plain absolute path/);
  assert.throws(() => parseKselftestSection({ tests: ['a.sh'], timeoutS: 0 }), /kselftest\.timeoutS: /);
  assert.throws(() => parseKselftestSection(undefined), /engine kselftest needs kselftest\.tests/);
  assert.deepEqual(parseKselftestSection({ tests: ['a.sh'] }), { tests: ['a.sh'], timeoutS: 300 });
});
