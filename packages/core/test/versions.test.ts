import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareKernelVersions, InvalidKernelVersion, kernelVersionFromMake, kernelVersionFromMakefileVariables, parseGitTag, parseKernelVersion, releaseLine } from '../src/versions.js';

test('parses each canonical form into its kind', () => {
  assert.deepEqual(parseKernelVersion('6.12'), { kind: 'final', major: 6, minor: 12, text: '6.12' });
  assert.deepEqual(parseKernelVersion('6.13-rc1'), { kind: 'rc', major: 6, minor: 13, rc: 1, text: '6.13-rc1' });
  assert.deepEqual(parseKernelVersion('6.12.3'), { kind: 'stable', major: 6, minor: 12, patch: 3, text: '6.12.3' });
  assert.deepEqual(parseKernelVersion('next-20250107'), { kind: 'next', date: '20250107', text: 'next-20250107' });
  const snap = parseKernelVersion('v6.13-rc1-123-gabcdef012345');
  assert.equal(snap.kind, 'snapshot');
  assert.ok(snap.kind === 'snapshot' && snap.base.kind === 'rc' && snap.commits === 123 && snap.commit === 'abcdef012345');
  assert.equal(parseKernelVersion('v6.12.3-4-g0123456').kind, 'snapshot');
  assert.equal(parseKernelVersion('6.1.192').kind, 'stable');
});

const hostile = [
  '', ' 6.12', '6.12 ', '6', '6.', '6.12.0', 'v6.12', '06.12', '6.012', '6.12-rc0', '6.12-rc', '6.12-rc100',
  '6.12.3-rc1', 'next-2025010', 'next-20250230', 'next-19991231', 'v6.13-rc1-0-gabcdef0', 'v6.13-rc1-12-gABCDEF0',
  'v6.13-rc1-12-gabc', 'v6.13-rc1-12-g', 'vfoo-1-gabcdef0', '6.12;rm -rf /', '../../etc/passwd', '6.12\n', '6.12/..',
  '$(reboot)', '6.12`id`', '6.1.1.1', '1e3.1', '6.12-next', 'x'.repeat(200), '6.12\u0000',
];

for (const input of hostile) {
  test(`rejects ${JSON.stringify(input.slice(0, 30))} with a message naming the input`, () => {
    assert.throws(() => parseKernelVersion(input), (e: unknown) => {
      assert.ok(e instanceof InvalidKernelVersion);
      assert.match(e.message, /^invalid kernel version ".*": .+/s);
      return true;
    });
  });
}

test('explains common mistakes', () => {
  assert.throws(() => parseKernelVersion('v6.12'), /leading "v" belongs to git tags/);
  assert.throws(() => parseKernelVersion('6.12.0'), /never X\.Y\.0/);
  assert.throws(() => parseKernelVersion('next-20250230'), /is not a date/);
  assert.throws(() => parseKernelVersion('v9.9.9.9-1-gabcdef0'), /snapshot base "9.9.9.9"/);
});

test('orders a mainline line: rc < snapshot of rc < next rc < final < merge window < stable', () => {
  const ordered = [
    '6.12', '6.12-1-g1111111', '6.12.1', '6.12.3', 'v6.12.3-2-gabcdef0', '6.12.10',
    '6.13-rc1', 'v6.13-rc1-5-gabcdef0', 'v6.13-rc1-123-gabcdef012345', '6.13-rc2', '6.13-rc10', '6.13',
    '7.0-rc1', '7.0', 'next-20240101', 'next-20250107',
  ].map((s) => (s.includes('-g') && !s.startsWith('v') ? `v${s}` : s));
  const parsed = ordered.map(parseKernelVersion);
  for (let i = 0; i < parsed.length; i++) {
    for (let j = 0; j < parsed.length; j++) {
      const c = compareKernelVersions(parsed[i]!, parsed[j]!);
      assert.equal(Math.sign(c), Math.sign(i - j), `${ordered[i]} vs ${ordered[j]}`);
    }
  }
  const shuffled = [...parsed].reverse().sort(compareKernelVersions).map((v) => v.text);
  assert.deepEqual(shuffled, ordered);
});

test('git tags map to versions; release lines group them', () => {
  assert.equal(parseGitTag('v6.13-rc1').text, '6.13-rc1');
  assert.equal(parseGitTag('next-20250107').kind, 'next');
  assert.throws(() => parseGitTag('6.12'), /starts with "v"/);
  assert.throws(() => parseGitTag('v6.12-foo'), /not a release tag/);
  assert.equal(releaseLine(parseKernelVersion('v6.13-rc1-5-gabcdef0')), '6.13');
  assert.equal(releaseLine(parseKernelVersion('next-20250107')), undefined);
});

test("make kernelversion's X.Y.0 and X.Y.0-rcN are the lab's X.Y and X.Y-rcN; the Makefile's variables give the same", () => {
  assert.equal(kernelVersionFromMake('6.12.0').text, '6.12');
  assert.equal(kernelVersionFromMake('6.13.0-rc1').text, '6.13-rc1');
  assert.equal(kernelVersionFromMake('6.1.158').text, '6.1.158');
  assert.throws(() => kernelVersionFromMake('6.1.158-debian'), InvalidKernelVersion);
  assert.equal(kernelVersionFromMakefileVariables({ VERSION: '6', PATCHLEVEL: '13', SUBLEVEL: '0', EXTRAVERSION: '-rc2' }).text, '6.13-rc2');
  assert.equal(kernelVersionFromMakefileVariables({ VERSION: '6', PATCHLEVEL: '1', SUBLEVEL: '', EXTRAVERSION: '' }).text, '6.1');
});
