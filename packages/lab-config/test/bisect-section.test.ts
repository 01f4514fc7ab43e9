// The `bisect:` section: defaults, bounds and names checked with their line, and which sets the lab bisects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, parseLabConfig } from '../src/config.js';
import { bisectTestSets } from '../src/bisect-section.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const example = () => readFile(path.join(repoRoot, 'infra/labd/labd.example.yaml'), 'utf8');

function problems(text: string): string[] {
  try {
    parseLabConfig(text, 'labd.yaml');
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems;
  }
  assert.fail('the config was accepted');
}

test('without a bisect section the lab bisects nothing; the defaults are 30 steps and 3 runs', async () => {
  const config = parseLabConfig(await example(), 'labd.yaml');
  assert.deepEqual(config.bisect, { enabled: false, maxSteps: 30, confirmRuns: 3 });
  assert.deepEqual(bisectTestSets(config.bisect, new Map([['phase2-host', 'builtin']])), []);
});

test('a bisect section is read with its values', async () => {
  const text = `${await example()}\nbisect:\n  enabled: true\n  maxSteps: 12\n  confirmRuns: 5\n  testsets: [phase2-host]\n`;
  assert.deepEqual(parseLabConfig(text, 'labd.yaml').bisect, { enabled: true, maxSteps: 12, confirmRuns: 5, testsets: ['phase2-host'] });
});

test('confirmRuns outside 1..10, a step count that is no whole number, an unknown key and an unknown set are refused at their line', async () => {
  const text = `${await example()}\nbisect:\n  enabled: true\n  confirmRuns: 11\n  maxSteps: 2.5\n  runs: 3\n`;
  const lines = text.split('\n');
  // The section added last, not the commented example of it above.
  const lineOf = (s: string) => lines.findLastIndex((l) => l.startsWith(s) || l.startsWith(`  ${s}`)) + 1;
  const found = problems(text);
  assert.equal(found.length, 3, found.join('\n'));
  assert.match(found.find((p) => p.includes('confirmRuns'))!, new RegExp(`^labd.yaml:${lineOf('confirmRuns: 11')}: bisect.confirmRuns: .*10`));
  assert.match(found.find((p) => p.includes('maxSteps'))!, new RegExp(`^labd.yaml:${lineOf('maxSteps: 2.5')}: bisect.maxSteps: `));
  // An unknown key is reported where the section's keys begin, as elsewhere in the file.
  assert.match(found.find((p) => p.includes('runs'))!, new RegExp(`^labd.yaml:${lineOf('bisect:') + 1}: bisect: .*\\(runs\\)`));
  assert.match(problems(`${await example()}\nbisect:\n  confirmRuns: 0\n`).join('\n'), /bisect.confirmRuns: .*1/);

  const unknown = `${await example()}\nbisect:\n  enabled: true\n  testsets: [phase2-host, phase2-routr]\n`;
  assert.deepEqual(problems(unknown), [`labd.yaml:${unknown.split('\n').findIndex((l) => l.includes('phase2-routr')) + 1}: bisect.testsets.1: phase2-routr is not a configured test set (testsets.run)`]);
});

test('the sets bisected: every builtin-engine set by default; a named TAHI or kselftest set is refused, naming it', () => {
  const engines = new Map([['phase2-host', 'builtin'], ['tahi-host', 'tahi'], ['phase2-router', 'builtin'], ['kselftest-net-ipv6', 'kselftest']]);
  assert.deepEqual(bisectTestSets({ enabled: true, maxSteps: 30, confirmRuns: 3 }, engines), ['phase2-host', 'phase2-router']);
  assert.deepEqual(bisectTestSets({ enabled: true, maxSteps: 30, confirmRuns: 3, testsets: ['phase2-router'] }, engines), ['phase2-router']);
  assert.throws(() => bisectTestSets({ enabled: true, maxSteps: 30, confirmRuns: 3, testsets: ['phase2-host', 'tahi-host'] }, engines), /bisect.testsets: tahi-host runs on engine tahi/);
  assert.deepEqual(bisectTestSets({ enabled: false, maxSteps: 30, confirmRuns: 3, testsets: ['tahi-host'] }, engines), [], 'disabled: nothing, and nothing to refuse');
});
