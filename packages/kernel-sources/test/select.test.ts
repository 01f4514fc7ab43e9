// kernelSourceFrom: which driver for which spec, and what it says when none fits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GitSource, TarballSource, UrlSource, kernelSourceFrom } from '../src/index.js';
import { tempDir } from './fixtures.js';

test('picks tarball, URL and git drivers', async (t) => {
  const dir = await tempDir(t);
  const tarball = path.join(dir, 'linux-6.12.tar.xz');
  await writeFile(tarball, '');
  await mkdir(path.join(dir, 'repo', '.git'), { recursive: true });

  assert.ok(kernelSourceFrom(tarball) instanceof TarballSource);
  assert.ok(kernelSourceFrom('https://cdn.kernel.org/pub/linux/kernel/v6.x/linux-6.12.tar.xz') instanceof UrlSource);
  assert.ok(kernelSourceFrom('https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git') instanceof GitSource);
  assert.ok(kernelSourceFrom('https://github.com/torvalds/linux', 'v6.12') instanceof GitSource);
  assert.ok(kernelSourceFrom('ssh://git@example.org/linux') instanceof GitSource);
  assert.ok(kernelSourceFrom(path.join(dir, 'repo')) instanceof GitSource);
  const withRef = kernelSourceFrom(path.join(dir, 'repo'), 'v6.99');
  assert.ok(withRef instanceof GitSource && withRef.ref === 'v6.99');
  assert.match(withRef.description, /@v6\.99$/);
});

test('clear errors when nothing fits', async (t) => {
  const dir = await tempDir(t);
  await writeFile(path.join(dir, 'notes.txt'), 'x');
  await writeFile(path.join(dir, 'linux.tar.gz'), 'x');
  await mkdir(path.join(dir, 'plain'));
  assert.throws(() => kernelSourceFrom(path.join(dir, 'missing.tar.xz')), /missing\.tar\.xz does not exist/);
  assert.throws(() => kernelSourceFrom(path.join(dir, 'notes.txt')), /notes\.txt is a file but not a tarball: expected a name ending \.tar/);
  assert.throws(() => kernelSourceFrom(path.join(dir, 'plain')), /plain is a directory but not a git repository/);
  assert.throws(() => kernelSourceFrom(path.join(dir, 'linux.tar.gz'), 'v6.1'), /--ref v6\.1 applies to git repositories/);
  assert.throws(() => kernelSourceFrom('ftp://example.org/linux.tar.xz'), /unsupported kernel source "ftp:/);
  assert.throws(() => kernelSourceFrom(''), /no kernel source given/);
  assert.throws(() => kernelSourceFrom(path.join(dir, 'plain'), '--upload-pack=touch /tmp/x'), /invalid git ref "--upload-pack=/);
  assert.throws(() => kernelSourceFrom('https://example.org/linux.git', 'a..b'), /invalid git ref "a\.\.b"/);
});
