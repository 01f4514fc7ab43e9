// Which of the NUT's clocks the timer judgements read (src/vocabulary/nut-clock.ts): the tick clock Linux's
// timers count where /proc/stat has it, else the uptime.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNutClock } from '../src/vocabulary/nut-clock.js';

test('the tick clock of /proc/stat (per CPU, USER_HZ 100) wins over /proc/uptime', () => {
  const text = '250.00 240.00\ncpu  100 0 200 19000 0 0 0 0 0 0\ncpu0 50 0 100 9500 0 0 0 0 0 0\ncpu1 50 0 100 9500 0 0 0 0 0 0\nintr 1\n';
  // 19,300 ticks over 2 CPUs: 96.5 s of jiffies, where the TSC says 250 s.
  assert.equal(parseNutClock(text), 96_500);
});

test('without /proc/stat the uptime is read; neither is an error naming what came', () => {
  assert.equal(parseNutClock('123.45 100.00\n'), 123_450);
  assert.throws(() => parseNutClock('cat: /proc/uptime: No such file\n'), /cannot read the NUT's \/proc\/uptime: "cat: \/proc\/uptime/);
});
