// Which regressions labd bisects by itself: a git kernel against the nearest baseline of the same tree, only
// the cases that went PASS -> FAIL, only for the sets it is told to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIFF_CLASSES, type DiffEntry, type StoredDiff } from '@testlab/core';
import { autoBisection, gitKernel, type AutoBisectInput, type RunKernelSource } from '../src/index.js';

const TREE = 'https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git';
const sha = (c: string) => c.repeat(40);
const git = (runId: number, commit: string, tree = TREE, ref = 'master'): RunKernelSource => ({ runId, sourceLabel: `git ${tree}@${ref}`, sourceHash: `git:${commit}` });
const entry = (caseId: string, cls: DiffEntry['class'], after: DiffEntry['after'] = 'FAIL'): DiffEntry => ({ caseId, title: '', class: cls, before: 'PASS', after, failingSince: null, failRuns: null });
const diff = (baselineRunId: number, entries: DiffEntry[]): StoredDiff => ({
  runId: 10, baselineRunId, baselineKernel: `k${baselineRunId}`, roles: ['previous-snapshot'], wanted: null,
  counts: Object.fromEntries(DIFF_CLASSES.map((c) => [c, entries.filter((e) => e.class === c).length])) as StoredDiff['counts'], entries,
});
const settings = { testsets: ['phase2-host'], confirmRuns: 3, maxSteps: 30 };
const input = (over: Partial<AutoBisectInput> = {}): AutoBisectInput => ({
  run: { ...git(10, sha('b')), testset: 'phase2-host' },
  profile: 'qemu',
  diffs: [diff(7, [entry('v6LC.1.1.1', 'regression'), entry('v6LC.2.1.7-D', 'regression'), entry('v6LC.3.1.1', 'fix')])],
  baselines: new Map([[7, git(7, sha('a'), TREE, 'v6.13-rc1')]]),
  settings,
  ...over,
});

test('a git kernel that regressed against a baseline of the same tree: the range between the two commits, the regressed cases', () => {
  assert.deepEqual(autoBisection(input()), {
    spec: {
      tree: TREE, good: { commit: sha('a'), runId: 7 }, bad: { commit: sha('b'), runId: 10 }, testset: 'phase2-host', profile: 'qemu',
      cases: ['v6LC.1.1.1', 'v6LC.2.1.7-D'], confirmRuns: 3, maxSteps: 30, requestedBy: 'auto',
    },
  });
});

test('the nearest baseline of the same tree is the one: a tarball baseline before it is passed over, a farther git one is not used', () => {
  const decision = autoBisection(input({
    diffs: [diff(5, [entry('v6LC.9.9.9', 'regression')]), diff(7, [entry('v6LC.1.1.1', 'regression')]), diff(3, [entry('v6LC.4.4.4', 'regression')])],
    baselines: new Map([
      [5, { runId: 5, sourceLabel: 'https://cdn.kernel.org/linux-6.12.tar.xz', sourceHash: `sha256:${'e'.repeat(64)}` }],
      [7, git(7, sha('a'))],
      [3, git(3, sha('c'))],
    ]),
  }));
  assert.ok('spec' in decision);
  assert.deepEqual([decision.spec.good, decision.spec.cases], [{ commit: sha('a'), runId: 7 }, ['v6LC.1.1.1']]);
});

test('only PASS -> FAIL regressions: ERROR would skip every step; flaky and other classes are not regressions', () => {
  const decision = autoBisection(input({ diffs: [diff(7, [entry('v6LC.1.1.1', 'regression', 'ERROR'), entry('v6LC.1.1.2', 'flaky'), entry('v6LC.1.1.3', 'still-failing')])] }));
  assert.deepEqual(decision, { none: 'run 10 has no PASS -> FAIL regression against baseline run 7 (k7)' });
});

test('nothing to bisect: a set not bisected, a kernel not from git, another tree, the same commit', () => {
  assert.deepEqual(autoBisection(input({ settings: { ...settings, testsets: [] } })), { none: 'test set phase2-host is not bisected (bisect.testsets)' });
  assert.deepEqual(autoBisection(input({ run: { runId: 10, sourceLabel: '/srv/linux-6.12.tar.xz', sourceHash: `sha256:${'e'.repeat(64)}`, testset: 'phase2-host' } })),
    { none: "run 10's kernel was not built from a git tree (/srv/linux-6.12.tar.xz)" });
  assert.deepEqual(autoBisection(input({ baselines: new Map([[7, git(7, sha('a'), 'https://git.kernel.org/pub/scm/linux/kernel/git/next/linux-next.git')]]) })),
    { none: `no baseline of run 10 was built from ${TREE}` });
  assert.deepEqual(autoBisection(input({ baselines: new Map([[7, git(7, sha('b'))]]) })), { none: `baseline run 7 tested the same commit ${sha('b')}` });
  assert.deepEqual(autoBisection(input({ diffs: [] })), { none: `no baseline of run 10 was built from ${TREE}` });
});

test("a git kernel's tree and commit are read from its source label and hash; a tree path with @ in it is kept whole", () => {
  assert.deepEqual(gitKernel(git(1, sha('a'), '/srv/git/me@work/linux.git', 'next-20250107')), { tree: '/srv/git/me@work/linux.git', commit: sha('a') });
  assert.equal(gitKernel({ runId: 1, sourceLabel: `git ${TREE}@master`, sourceHash: null }), undefined, 'not identified yet');
  assert.equal(gitKernel({ runId: 1, sourceLabel: `git ${TREE}@master`, sourceHash: 'git:abc' }), undefined, 'not a full commit id');
});
