import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isTarballName, validateGitRef, validateRemoteUrl } from '../src/validate.js';

test('plain tags, branches and commits are refs', () => {
  for (const ref of ['v6.1', 'v6.13-rc1', 'master', 'linux-6.1.y', 'stable/linux-6.12.y', 'HEAD', 'a'.repeat(40), 'next-20250107', 'v1+2']) {
    assert.equal(validateGitRef(ref), ref);
  }
});

test('option-like, range and revision-syntax refs are refused, naming the ref', () => {
  for (const ref of ['--upload-pack=x', '-x', 'a..b', '..', 'HEAD~1', 'v6.1^{tree}', 'HEAD@{1}', 'a b', '', 'a\nb', 'x:y', '/abs', 'a//b', 'a/', 'ref.lock', 'a'.repeat(202), '$(id)', '`id`']) {
    assert.throws(() => validateGitRef(ref), (e: Error) => e.message.startsWith(`invalid git ref ${JSON.stringify(ref)}`), ref);
  }
});

test('tarball names', () => {
  for (const name of ['linux-6.12.tar.xz', 'a.tar', 'a.tar.gz', 'a.tgz']) assert.ok(isTarballName(name), name);
  for (const name of ['a.zip', 'a.tar.bz2', 'a.xz', 'tar']) assert.ok(!isTarballName(name), name);
});

test('remote URLs: only the allowed schemes, no option-like hosts', () => {
  assert.equal(validateRemoteUrl('https://git.kernel.org/pub/scm/linux/kernel/git/torvalds/linux.git').hostname, 'git.kernel.org');
  assert.equal(validateRemoteUrl('http://[::1]:8080/x.git').hostname, '[::1]');
  assert.throws(() => validateRemoteUrl('file:///etc'), /unsupported URL scheme "file:"/);
  assert.throws(() => validateRemoteUrl('ext::sh -c id'), /invalid URL|unsupported/);
  assert.throws(() => validateRemoteUrl('ssh://-oProxyCommand=id/x'), /invalid host/);
  assert.throws(() => validateRemoteUrl('not a url'), /invalid URL "not a url"/);
  assert.throws(() => validateRemoteUrl('ssh://h/x', new Set(['https:'])), /unsupported URL scheme "ssh:"/);
});

test('a user name that could be an ssh option, or that hides characters behind %, is refused', () => {
  assert.equal(validateRemoteUrl('ssh://git@git.kernel.org/pub/scm/linux.git').username, 'git');
  assert.equal(validateRemoteUrl('https://lab.builder-1@example.org/linux.git').username, 'lab.builder-1');
  for (const url of ['ssh://-oProxyCommand=touch@example.org/x.git', 'ssh://-l@example.org/x', 'ssh://%2DoProxyCommand=id@example.org/x', 'ssh://a%20b@example.org/x', 'ssh://a%0a@example.org/x']) {
    assert.throws(() => validateRemoteUrl(url), /invalid user name/, url);
  }
});

test('climbsAboveTop counts from where the link sits', async () => {
  const { climbsAboveTop } = await import('../src/kernel-tree.js');
  assert.equal(climbsAboveTop('arch/arm64/boot/dts/arm/x.dtsi', '../../../../arm/boot/dts/x.dtsi'), false);
  assert.equal(climbsAboveTop('scripts/dtc/include-prefixes/dt-bindings', '../../../include/dt-bindings'), false);
  assert.equal(climbsAboveTop('a', '../linux/Makefile'), true);
  assert.equal(climbsAboveTop('a/b', './../../x'), true);
  assert.equal(climbsAboveTop('a/b', 'c/../../x'), false);
});
