import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeAttempts } from '../src/index.js';

const cases = ['v6LC.1.1.1', 'v6LC.2.1.7-D'];

test('a step is pending until every attempt it owes has run', () => {
  assert.deepEqual(judgeAttempts(cases, [], 3), { outcome: 'pending', attemptsLeft: 3 });
  assert.deepEqual(judgeAttempts(cases, [{ 'v6LC.1.1.1': 'PASS', 'v6LC.2.1.7-D': 'FAIL' }], 3), { outcome: 'pending', attemptsLeft: 2 });
});

test('bad names the cases that failed every attempt; WARN passes as in the diffs', () => {
  const a = { 'v6LC.1.1.1': 'WARN', 'v6LC.2.1.7-D': 'FAIL' } as const;
  assert.deepEqual(judgeAttempts(cases, [a, a], 2), { outcome: 'bad', reason: 'v6LC.2.1.7-D FAIL 2/2' });
  const p = { 'v6LC.1.1.1': 'PASS', 'v6LC.2.1.7-D': 'WARN' } as const;
  assert.deepEqual(judgeAttempts(cases, [p, p, p], 3), { outcome: 'good', reason: 'all 2 cases pass 3/3' });
});

test('attempts that disagree end the step at once, before the attempts owed', () => {
  const j = judgeAttempts(cases, [{ 'v6LC.1.1.1': 'PASS', 'v6LC.2.1.7-D': 'PASS' }, { 'v6LC.1.1.1': 'PASS', 'v6LC.2.1.7-D': 'FAIL' }], 3);
  assert.equal(j.outcome, 'disagree');
  assert.match(j.outcome === 'disagree' ? j.reason : '', /^v6LC\.2\.1\.7-D: PASS, FAIL over 2 attempts/);
});

test('ERROR, NA or a missing verdict judge nothing: the step is skipped, naming the case and the attempt', () => {
  for (const [verdicts, word] of [[{ 'v6LC.1.1.1': 'PASS', 'v6LC.2.1.7-D': 'ERROR' }, 'ERROR'], [{ 'v6LC.1.1.1': 'NA', 'v6LC.2.1.7-D': 'FAIL' }, 'NA'], [{ 'v6LC.1.1.1': 'PASS' }, 'no verdict']] as const) {
    const j = judgeAttempts(cases, [{ 'v6LC.1.1.1': 'PASS', 'v6LC.2.1.7-D': 'PASS' }, verdicts], 3);
    assert.equal(j.outcome, 'skip');
    assert.match(j.outcome === 'skip' ? j.reason : '', new RegExp(`: ${word} at attempt 2 \\(the lab could not judge`));
  }
});
