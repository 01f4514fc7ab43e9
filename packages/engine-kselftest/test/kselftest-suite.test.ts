// The kselftest driver with a NUT that runs commands on this machine: the per-test wrapper really runs
// (sh, timeout, sed), so exit codes, SKIP, TIMEOUT and missing tests come out as on a NUT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BootedNut, CaseResult, ExecResult } from '@testlab/core';
import { createKselftestEngine, KselftestConfigError, parseKselftestSection } from '../src/index.js';

function localNut(): BootedNut {
  return {
    name: 'local',
    kernelRelease: os.release(),
    links: [],
    consoleLog: '/dev/null',
    exec: (argv) =>
      new Promise<ExecResult>((resolve) => {
        execFile(argv[0]!, argv.slice(1), (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
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

test('names that are not selftest programs, and odd install folders, are refused up front', () => {
  assert.throws(() => parseKselftestSection({ tests: ['../../bin/reboot'], timeoutS: 10 }), /kselftest\.tests\.0: a program of tools\/testing\/selftests\/net/);
  assert.throws(() => parseKselftestSection({ tests: ['a.sh; reboot'], timeoutS: 10 }), /a program of tools\/testing\/selftests\/net/);
  assert.throws(() => createKselftestEngine({ tests: ['a.sh'], timeoutS: 10 }, undefined, '/opt/../etc'), KselftestConfigError);
  assert.throws(() => createKselftestEngine({ tests: ['a.sh'], timeoutS: 10 }, undefined, '/opt/../etc'), /not a plain absolute path/);
  assert.throws(() => parseKselftestSection({ tests: ['a.sh'], timeoutS: 0 }), /kselftest\.timeoutS: /);
  assert.throws(() => parseKselftestSection(undefined), /engine kselftest needs kselftest\.tests/);
  assert.deepEqual(parseKselftestSection({ tests: ['a.sh'] }), { tests: ['a.sh'], timeoutS: 300 });
});
