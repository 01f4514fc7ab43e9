import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplayWindow } from '../src/index.js';

function accept(w: ReplayWindow, seq: number): string {
  const v = w.check(seq);
  if (v === 'new' || v === 'in-window') w.record(seq);
  return v;
}

test('a duplicate is caught, also after the window slid past it', () => {
  const w = new ReplayWindow(32);
  assert.equal(accept(w, 1), 'new');
  assert.equal(accept(w, 1), 'duplicate');
  assert.equal(accept(w, 2), 'new');
  assert.equal(accept(w, 10), 'new');
  assert.equal(w.check(2), 'duplicate');
  assert.equal(accept(w, 5), 'in-window');
  assert.equal(w.check(5), 'duplicate');
  assert.equal(w.check(3), 'in-window', 'skipped numbers stay acceptable');
});

test('the window edge: size-1 behind the highest is in, size behind is too old', () => {
  const w = new ReplayWindow(32);
  accept(w, 100);
  assert.equal(w.check(69), 'in-window');
  assert.equal(w.check(68), 'too-old');
  assert.equal(w.check(0), 'zero');
  assert.equal(w.check(101), 'new');
});

test('sliding by more than the window forgets everything older', () => {
  const w = new ReplayWindow(64);
  for (let s = 1; s <= 64; s++) accept(w, s);
  assert.equal(w.check(1), 'duplicate');
  accept(w, 65);
  assert.equal(w.check(1), 'too-old', 'slid by one: 1 fell out');
  assert.equal(w.check(2), 'duplicate');
  accept(w, 1000);
  assert.equal(w.highest, 1000);
  assert.equal(w.check(999), 'in-window', 'the bitmap was cleared, not shifted with stale bits');
  assert.equal(w.check(65), 'too-old');
});

test('check alone never moves the window (updates happen only after authentication)', () => {
  const w = new ReplayWindow(32);
  assert.equal(w.check(500), 'new');
  assert.equal(w.highest, 0);
  w.record(3);
  w.record(3);
  assert.equal(w.check(3), 'duplicate');
  assert.throws(() => new ReplayWindow(0), /positive integer/);
});
