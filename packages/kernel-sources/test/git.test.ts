// The git driver on a repository made in the test: refs, identity, extraction, describe, hostile refs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { silentProgress } from '@testlab/core';
import { GitSource, describeCommit, gitMirrorDir, kernelSourceFrom, normalizeRepo } from '../src/index.js';
import { git, recordingProgress, tempDir, writeMiniKernelTree } from './fixtures.js';

async function makeRepo(dir: string): Promise<{ repo: string; tagged: string }> {
  const repo = path.join(dir, 'linux');
  await writeMiniKernelTree(repo);
  await git(repo, 'init', '-q', '-b', 'master');
  await git(repo, 'add', '-A');
  await git(repo, 'commit', '-q', '-m', 'Linux 6.99');
  await git(repo, 'tag', '-a', '-m', 'Linux 6.99', 'v6.99');
  return { repo, tagged: await git(repo, 'rev-parse', 'HEAD') };
}

test('identifies by tag, by commit and by branch; label shows repo, ref and short commit', async (t) => {
  const dir = await tempDir(t);
  const { repo, tagged } = await makeRepo(dir);
  const cache = path.join(dir, 'cache');

  const byTag = await new GitSource(repo, 'v6.99').identify(cache, silentProgress);
  assert.deepEqual(byTag, { hash: `git:${tagged}`, label: `${repo}@v6.99 (${tagged.slice(0, 12)})` });
  assert.equal((await new GitSource(repo, tagged).identify(cache, silentProgress)).hash, `git:${tagged}`);
  assert.equal((await new GitSource(repo, 'master').identify(cache, silentProgress)).hash, `git:${tagged}`);
  // The mirror lives in the cache under the hash of the repository, not its name.
  const mirrors = await readdir(path.join(cache, 'git'));
  assert.equal(mirrors.length, 1);
  assert.match(mirrors[0] ?? '', /^[0-9a-f]{64}$/);
});

test('a new commit on the branch is fetched into the existing mirror', async (t) => {
  const dir = await tempDir(t);
  const { repo, tagged } = await makeRepo(dir);
  const cache = path.join(dir, 'cache');
  assert.equal((await new GitSource(repo, 'master').identify(cache, silentProgress)).hash, `git:${tagged}`);
  await writeFile(path.join(repo, 'init/main.c'), 'int main(void) { return 1; }\n');
  await git(repo, 'commit', '-q', '-am', 'change');
  const head = await git(repo, 'rev-parse', 'HEAD');
  const progress = recordingProgress();
  assert.equal((await new GitSource(repo, 'master').identify(cache, progress)).hash, `git:${head}`);
  assert.ok(progress.steps.some((s) => s.startsWith('git fetch')));
  // A pinned commit that is already in the mirror needs no fetch.
  const pinned = recordingProgress();
  await new GitSource(repo, head).identify(cache, pinned);
  assert.ok(!pinned.steps.some((s) => s.startsWith('git fetch')), pinned.steps.join(', '));

  assert.equal(await describeCommit(path.join(cache, 'git', (await readdir(path.join(cache, 'git')))[0] ?? ''), head), `v6.99-1-g${head.slice(0, 12)}`);
  const source = new GitSource(repo, 'v6.99');
  assert.equal(await source.describe(cache, silentProgress), 'v6.99');
});

test('extracts the commit into dir (git archive | tar -x)', async (t) => {
  const dir = await tempDir(t);
  const { repo } = await makeRepo(dir);
  // A later uncommitted change must not show up: the tree is the commit's, not the work tree's.
  await writeFile(path.join(repo, 'init/main.c'), 'dirty\n');
  const source = kernelSourceFrom(repo, 'v6.99');
  const out = path.join(dir, 'out');
  await mkdir(out);
  await source.extractTo(out, path.join(dir, 'cache'), silentProgress);
  assert.match(await readFile(path.join(out, 'Makefile'), 'utf8'), /VERSION = 6/);
  assert.equal(await readFile(path.join(out, 'init/main.c'), 'utf8'), 'int main(void) { return 0; }\n');
  assert.ok(await access(path.join(out, 'scripts/kconfig/merge_config.sh')).then(() => true));
});

test('a commit that is not a kernel tree is refused at extraction', async (t) => {
  const dir = await tempDir(t);
  const repo = path.join(dir, 'notlinux');
  await mkdir(repo);
  await writeFile(path.join(repo, 'README'), 'hello\n');
  await git(repo, 'init', '-q');
  await git(repo, 'add', '-A');
  await git(repo, 'commit', '-q', '-m', 'x');
  const out = path.join(dir, 'out');
  await mkdir(out);
  await assert.rejects(new GitSource(repo).extractTo(out, path.join(dir, 'cache'), silentProgress), /notlinux at [0-9a-f]{40} is not a Linux kernel tree: no Makefile, no Kconfig/);
});

test('hostile or unknown refs', async (t) => {
  const dir = await tempDir(t);
  const { repo } = await makeRepo(dir);
  for (const ref of ['--upload-pack=touch /tmp/pwned', 'a..b', '-c', 'HEAD^{tree}']) {
    assert.throws(() => new GitSource(repo, ref), /invalid git ref/, ref);
  }
  await assert.rejects(new GitSource(repo, 'v7.0').identify(path.join(dir, 'cache'), silentProgress), /has no commit for ref "v7\.0"/);
});

test('a repository that does not exist fails the clone with a clear message', async (t) => {
  const dir = await tempDir(t);
  await assert.rejects(new GitSource(path.join(dir, 'nope'), 'v1').identify(path.join(dir, 'cache'), silentProgress), /git clone of .*nope failed: /);
  assert.deepEqual(await readdir(path.join(dir, 'cache', 'git')), [], 'no half mirror left');
});

test('the mirror folder is named once for a repository however it is written; hostile repositories are refused', () => {
  const cache = '/var/cache/testlab';
  assert.equal(gitMirrorDir(cache, 'HTTPS://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git'), gitMirrorDir(cache, 'https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git'));
  assert.equal(gitMirrorDir(cache, 'linux'), gitMirrorDir(cache, path.resolve('linux')));
  assert.match(gitMirrorDir(cache, 'https://git.kernel.org/x.git'), /^\/var\/cache\/testlab\/git\/[0-9a-f]{64}$/);
  assert.equal(normalizeRepo('https://git.kernel.org/x.git'), 'https://git.kernel.org/x.git');
  assert.throws(() => normalizeRepo('ext::sh -c id'), /transport helpers/);
  assert.throws(() => normalizeRepo('ssh://-oProxyCommand=id/x'), /invalid host/);
  assert.throws(() => normalizeRepo(' '), /empty git repository/);
});
