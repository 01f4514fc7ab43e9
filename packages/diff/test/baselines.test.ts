// Baseline selection over real version orderings: a year of mainline, stable and snapshot versions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKernelVersion } from '@testlab/core';
import { selectBaselines, streamOf } from '../src/index.js';

const parsed = (texts: readonly string[]) => texts.map((t) => parseKernelVersion(t));

const tested = [
  '6.6', '6.6.1', '6.6.2', '6.6.4', '6.11', '6.12-rc1', '6.12-rc2', '6.12-rc3', '6.12', '6.12.1', '6.12.2',
  '6.13-rc1', '6.13-rc2', 'v6.13-rc2-5-gabcdef0', 'v6.13-rc2-17-g1234567', 'next-20250106', 'next-20250107',
];

/** `version: roles` lines, easy to read in a failure. */
function pick(target: string, pinned: string[] = [], among = tested): string[] {
  return selectBaselines(parseKernelVersion(target), parsed(among), parsed(pinned)).map(
    (b) => `${b.version.text}: ${b.roles.join('+')}${b.wanted ? ` (wanted ${b.wanted})` : ''}`,
  );
}

test('an rc is compared with the previous rc and the previous final', () => {
  assert.deepEqual(pick('6.13-rc3'), ['6.13-rc2: previous-rc', '6.12: previous-final']);
  assert.deepEqual(pick('6.12-rc3'), ['6.12-rc2: previous-rc', '6.11: previous-final']);
});

test('rc1 has no previous rc: only the previous final, never an rc of the line before', () => {
  assert.deepEqual(pick('6.14-rc1'), ['6.12: previous-final']);
  assert.deepEqual(pick('6.13-rc1'), ['6.12: previous-final']);
});

test('a missing previous rc falls back to the newest earlier rc of the line, saying what was wanted', () => {
  assert.deepEqual(pick('6.13-rc4'), ['6.13-rc2: previous-rc (wanted 6.13-rc3)', '6.12: previous-final']);
});

test('a final is compared with the previous final, not with its own rc or the stables in between', () => {
  assert.deepEqual(pick('6.13'), ['6.12: previous-final']);
  assert.deepEqual(pick('6.12'), ['6.11: previous-final']);
});

test('stable X.Y.Z is compared with X.Y.(Z-1) and X.Y', () => {
  assert.deepEqual(pick('6.12.3'), ['6.12.2: previous-stable', '6.12: line-final']);
  assert.deepEqual(pick('6.6.3'), ['6.6.2: previous-stable', '6.6: line-final']);
  // 6.6.4 is newer than the target and must not be used; 6.6.3 was never tested.
  assert.deepEqual(pick('6.6.5'), ['6.6.4: previous-stable', '6.6: line-final']);
  assert.deepEqual(pick('6.6.4'), ['6.6.2: previous-stable (wanted 6.6.3)', '6.6: line-final']);
});

test('X.Y.1 is compared with X.Y only; a stable of another line never counts', () => {
  assert.deepEqual(pick('6.12.1'), ['6.12: line-final']);
  assert.deepEqual(pick('6.11.1'), ['6.11: line-final']);
});

test('a snapshot is compared with the previous snapshot and the tag it descends from', () => {
  assert.deepEqual(pick('v6.13-rc2-30-gfedcba9'), [
    'v6.13-rc2-17-g1234567: previous-snapshot',
    '6.13-rc2: snapshot-base',
  ]);
  // The first snapshot after a tag: no earlier snapshot of it, only the tag.
  assert.deepEqual(pick('v6.13-rc2-5-gabcdef0'), ['6.13-rc2: snapshot-base']);
});

test('a snapshot whose base tag was never tested gets the previous snapshot only', () => {
  const r = selectBaselines(parseKernelVersion('v6.13-rc3-2-gaaaaaaa'), parsed(tested));
  assert.deepEqual(r.map((b) => b.version.text), ['v6.13-rc2-17-g1234567']);
});

test('linux-next is compared with the previous linux-next', () => {
  assert.deepEqual(pick('next-20250108'), ['next-20250107: previous-next']);
});

test('pinned releases are added to every run, merged with a rule that chose the same version', () => {
  assert.deepEqual(pick('6.13-rc2', ['6.6']), ['6.13-rc1: previous-rc', '6.12: previous-final', '6.6: pinned']);
  assert.deepEqual(pick('6.13-rc2', ['6.12']), ['6.13-rc1: previous-rc', '6.12: previous-final+pinned']);
  // A pinned version equal to the target is not its own baseline; an untested pinned one is skipped.
  assert.deepEqual(pick('6.6', ['6.6', '5.15']), []);
});

test('nothing tested before: no baselines', () => {
  assert.deepEqual(pick('6.13-rc2', [], []), []);
  assert.deepEqual(selectBaselines(parseKernelVersion('6.1'), []), []);
});

test('streams: mainline (rc, final, their snapshots), each stable line with its snapshots, linux-next', async () => {
  assert.deepEqual(
    parsed(['6.13-rc1', '6.12', 'v6.13-rc1-4-gabcdef0', '6.12.3', 'v6.12.3-2-gabcdef0', '6.6.70', 'next-20250107']).map(streamOf),
    ['mainline', 'mainline', 'mainline', 'stable-6.12', 'stable-6.12', 'stable-6.6', 'next'],
  );
});
