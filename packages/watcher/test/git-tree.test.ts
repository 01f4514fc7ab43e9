// A local git repository with kernel.org-style tags and a branch moving past them, watched like a real tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { GitSource, gitMirrorDir } from '@testlab/kernel-sources';
import { GitTreeSource, MemorySink, pollOnce } from '../src/index.js';
import { advanceMaster, makeKernelRepo, realKernelPart, recordingProgress, tempDir } from './fixtures.js';

test('tags v6.98, v6.99-rc1, next-20250107 and the master snapshot; odd tags and a branch on a tag skipped with reasons', async (t) => {
  const dir = await tempDir(t);
  const repo = await makeKernelRepo(path.join(dir, 'linux'), await realKernelPart());
  const source = new GitTreeSource({ name: 'torvalds', repo: repo.dir, branches: ['master', 'old', 'no-such-branch'] });
  const progress = recordingProgress();
  const { kernels, skipped } = await source.poll({ cacheDir: path.join(dir, 'cache'), progress });

  const snapshot = `v6.99-rc1-2-g${repo.commits.master.slice(0, 12)}`;
  assert.deepEqual(
    kernels.map((k) => [k.version.kind, k.version.text, k.stream, k.origin.type === 'git' ? k.origin.commit : '']),
    [
      ['final', '6.98', 'torvalds', repo.commits.v698],
      ['rc', '6.99-rc1', 'torvalds', repo.commits.v699rc1],
      ['next', 'next-20250107', 'torvalds', repo.commits.next],
      ['snapshot', snapshot, 'torvalds/master', repo.commits.master],
    ],
  );
  const head = kernels[3];
  assert.deepEqual(head?.origin, { type: 'git', repo: repo.dir, ref: 'master', commit: repo.commits.master });
  assert.match(head?.released ?? '', /^20[0-9]{2}-[0-9]{2}-[0-9]{2}T/);
  assert.deepEqual(
    skipped.map((s) => [s.entry, s.reason.replace(/ in \/.*$/, ' in <repo>')]).sort(),
    [
      ['branch no-such-branch', 'no such branch in <repo>'],
      ['branch old', 'same commit as 6.98'],
      ['tag "v6.12;rm-rf"', 'invalid kernel version "v6.12;rm-rf": not a release tag (v6.12, v6.13-rc1, v6.12.3)'],
      ['tag "v6.97"', 'points to a tree, not a commit'],
    ].sort(),
  );
  assert.ok(progress.steps.some((s) => s.startsWith('git clone --mirror ')), progress.steps.join('\n'));
});

test('two polls find the same kernels once; a new commit on master is the only new kernel of the third poll', async (t) => {
  const dir = await tempDir(t);
  const repo = await makeKernelRepo(path.join(dir, 'linux'), await realKernelPart());
  const source = new GitTreeSource({ name: 'torvalds', repo: repo.dir, branches: ['master'] });
  const sink = new MemorySink();
  const options = { cacheDir: path.join(dir, 'cache') };
  const statuses = async () => (await pollOnce([source], sink, options)).flatMap((r) => r.found.map((f) => `${f.status} ${f.kernel.version.text}`));

  const first = await statuses();
  assert.deepEqual(first, ['new 6.98', 'new 6.99-rc1', 'new next-20250107', `new v6.99-rc1-2-g${repo.commits.master.slice(0, 12)}`]);
  assert.deepEqual(await statuses(), first.map((s) => s.replace(/^new/, 'known')));

  const moved = await advanceMaster(repo.dir, 'ipv6: a fix from today');
  const third = await statuses();
  assert.deepEqual(third.filter((s) => s.startsWith('new')), [`new v6.99-rc1-3-g${moved.slice(0, 12)}`]);
  assert.equal(sink.accepted.length, 5);
});

test('a since floor hides old tags; a configuration with an option-like branch is refused before git runs', async (t) => {
  const dir = await tempDir(t);
  const repo = await makeKernelRepo(path.join(dir, 'linux'), await realKernelPart());
  const source = new GitTreeSource({ name: 'torvalds', repo: repo.dir, since: '6.99-rc1', tagPrefixes: ['v'] });
  const { kernels, skipped } = await source.poll({ cacheDir: path.join(dir, 'cache'), progress: recordingProgress() });
  assert.deepEqual(kernels.map((k) => k.version.text), ['6.99-rc1']);
  assert.ok(skipped.some((s) => s.entry === 'tag v6.98' && /older than 6\.99-rc1/.test(s.reason)));
  assert.throws(() => new GitTreeSource({ name: 'x', repo: repo.dir, branches: ['--upload-pack=touch /tmp/pwned'] }), /branch "--upload-pack=touch \/tmp\/pwned" is not a plain branch name/);
  assert.throws(() => new GitTreeSource({ name: 'x', repo: 'ext::sh -c touch% /tmp/pwned' }), /transport helpers/);
  assert.throws(() => new GitTreeSource({ name: 'x', repo: 'file:///srv/linux' }), /unsupported URL scheme "file:" in file:\/\/\/srv\/linux: expected one of https:, http:, ssh:, git:/);
});

test('a kernel the tree offers is built from the mirror the poll left: the git kernel source neither clones nor fetches', async (t) => {
  const dir = await tempDir(t);
  const repo = await makeKernelRepo(path.join(dir, 'linux'), await realKernelPart());
  const cacheDir = path.join(dir, 'cache');
  const { kernels } = await new GitTreeSource({ name: 'torvalds', repo: repo.dir, branches: ['master'] }).poll({ cacheDir, progress: recordingProgress() });
  const head = kernels.find((k) => k.version.kind === 'snapshot');
  assert.ok(head?.origin.type === 'git' && head.origin.commit !== undefined);
  // One folder for one repository however it is spelled.
  assert.equal(gitMirrorDir(cacheDir, path.relative(process.cwd(), repo.dir)), gitMirrorDir(cacheDir, head.origin.repo));
  assert.deepEqual(await readdir(path.join(cacheDir, 'git')), [path.basename(gitMirrorDir(cacheDir, repo.dir))]);
  const build = recordingProgress();
  const id = await new GitSource(head.origin.repo, head.origin.commit).identify(cacheDir, build);
  assert.equal(id.hash, `git:${repo.commits.master}`);
  assert.deepEqual(build.steps.filter((s) => /^git (clone|fetch)/.test(s)), []);
});
