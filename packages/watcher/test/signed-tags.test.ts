// Signed release tags from a git tree with a keyring: real keys (gpg in throwaway homes), real signed tags
// made by git itself, real gpgv. Only the tag signed by the keyring's key is taken; every other tag is
// skipped with its name and the reason, and the rest of the poll goes on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import { fetchKernel, GitTreeSource, MemorySink, parseWatchConfig, pollOnce } from '../src/index.js';
import { makeSigner, recordingProgress, tempDir, type Signer } from './fixtures.js';

const BASE_ENV = {
  GIT_AUTHOR_NAME: 'Test Maintainer', GIT_AUTHOR_EMAIL: 'maint@testlab.invalid',
  GIT_COMMITTER_NAME: 'Test Maintainer', GIT_COMMITTER_EMAIL: 'maint@testlab.invalid',
  GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
};

interface SignedRepo {
  dir: string;
  commits: Record<string, string>;
}

/**
 * One commit per tag, so no tag is skipped for sharing a commit with another:
 *   v6.90          signed by the trusted key                              taken
 *   next-20250107  signed by the trusted key                              taken
 *   v6.91          signed by the stranger's key                           refused
 *   v6.92          annotated, unsigned                                    refused (branch `stale` sits on it)
 *   v6.93          lightweight                                            refused
 *   v6.94          trusted signature, message edited afterwards (mktag)   refused
 *   v6.95          the trusted v6.90 tag object under another ref name    refused
 *   v6.96          an inline-signed message relabelled as a signature     refused
 *   v6.97          signed by the trusted key, but over another tag        skipped (names no commit)
 * and master one commit past v6.97: a snapshot, trusted by the remote it comes from.
 */
async function makeSignedRepo(dir: string, trusted: Signer, stranger: Signer): Promise<SignedRepo> {
  const run = (args: string[], options: { home?: string; input?: string } = {}) =>
    execa('git', args, { cwd: dir, env: { ...BASE_ENV, ...(options.home ? { GNUPGHOME: options.home } : {}) }, ...(options.input !== undefined ? { input: options.input } : {}) }).then((r) => r.stdout.trim());
  const signedTag = (signer: Signer, name: string, target: string) =>
    run(['-c', 'gpg.program=gpg', '-c', `user.signingkey=${signer.fingerprint}`, 'tag', '-s', '-m', `Linux ${name}`, name, target], { home: signer.home });
  await execa('mkdir', ['-p', dir]);
  await run(['init', '-q', '-b', 'master']);
  const commits: Record<string, string> = {};
  for (const name of ['v6.90', 'next-20250107', 'v6.91', 'v6.92', 'v6.93', 'v6.94', 'v6.95', 'v6.96', 'v6.97', 'master']) {
    await writeFile(path.join(dir, 'Makefile'), `# ${name}\n`);
    await run(['add', 'Makefile']);
    await run(['commit', '-q', '-m', name]);
    commits[name] = await run(['rev-parse', 'HEAD']);
  }
  await signedTag(trusted, 'v6.90', commits['v6.90']!);
  await signedTag(trusted, 'next-20250107', commits['next-20250107']!);
  await signedTag(stranger, 'v6.91', commits['v6.91']!);
  await run(['tag', '-a', '-m', 'Linux 6.92', 'v6.92', commits['v6.92']!]);
  await run(['branch', 'stale', commits['v6.92']!]);
  await run(['tag', 'v6.93', commits['v6.93']!]);

  // Tampered: a good signature, then the message changed; git mktag writes the object as given.
  await signedTag(trusted, 'v6.94', commits['v6.94']!);
  const original = await run(['cat-file', 'tag', 'v6.94']);
  const edited = original.replace('Linux v6.94', 'Linux v6.94 (now with a backdoor)');
  assert.notEqual(edited, original);
  const tampered = await run(['mktag'], { input: `${edited}\n` });
  await run(['update-ref', 'refs/tags/v6.94', tampered]);

  // Replayed: v6.90's genuinely signed tag object, published as v6.95 (it names v6.90's commit).
  await run(['update-ref', 'refs/tags/v6.95', await run(['rev-parse', 'refs/tags/v6.90'])]);

  // An inline-signed message carries its own signed text: relabelled as a signature block, gpgv must not
  // verify that text and call the tag good.
  const inline = await execa('gpg', ['--homedir', trusted.home, '--batch', '--armor', '--sign', '--local-user', trusted.fingerprint, '--output', '-'], { input: 'anything the key ever signed\n' });
  const header = `object ${commits['v6.96']}\ntype commit\ntag v6.96\ntagger Test Maintainer <maint@testlab.invalid> 1736200000 +0000\n\nLinux v6.96\n`;
  const relabelled = inline.stdout.replace(/PGP MESSAGE/g, 'PGP SIGNATURE');
  await run(['update-ref', 'refs/tags/v6.96', await run(['mktag'], { input: `${header}${relabelled}\n` })]);

  // A trusted signature over a tag that names an unsigned tag: the signed object does not name the commit.
  await run(['tag', '-a', '-m', 'inner', 'inner-6.97', commits['v6.97']!]);
  const inner = await run(['rev-parse', 'refs/tags/inner-6.97']);
  await signedTag(trusted, 'v6.97', inner);
  return { dir, commits };
}

test('with a keyring only tags signed by its key are taken; each refused tag is reported with its reason', async (t) => {
  const dir = await tempDir(t);
  const trusted = await makeSigner(t, dir, 'Trusted Release Signer <release@testlab.invalid>');
  const stranger = await makeSigner(t, dir, 'Someone Else <else@testlab.invalid>');
  const repo = await makeSignedRepo(path.join(dir, 'linux'), trusted, stranger);
  const source = new GitTreeSource({ name: 'torvalds', repo: repo.dir, branches: ['master', 'stale'], keyring: trusted.keyring });
  const sink = new MemorySink();
  const cacheDir = path.join(dir, 'cache');
  const progress = recordingProgress();
  const [report] = await pollOnce([source], sink, { cacheDir, progress, fetch: (k) => fetchKernel(k, { cacheDir, progress }) });
  assert.equal(report?.error, undefined);

  const snapshot = `v6.97-1-g${repo.commits.master!.slice(0, 12)}`;
  assert.deepEqual(report?.found.map((f) => `${f.status} ${f.kernel.version.text}`), ['new 6.90', 'new next-20250107', `new ${snapshot}`]);
  const [v690, next, head] = report?.found ?? [];
  assert.equal(v690?.kernel.origin.type === 'git' ? v690.kernel.origin.commit : '', repo.commits['v6.90']);
  assert.equal(v690?.kernel.origin.type === 'git' ? v690.kernel.origin.tagSignature?.fingerprint : '', trusted.fingerprint);
  assert.equal(v690?.verifiedBy, `pgp tag v6.90 ${trusted.fingerprint} (Trusted Release Signer <release@testlab.invalid>), git commit ${repo.commits['v6.90']}`);
  assert.match(next?.verifiedBy ?? '', new RegExp(`^pgp tag next-20250107 ${trusted.fingerprint} `));
  // The branch head carries no signature: what vouches for it is the remote it was fetched from.
  assert.equal(head?.kernel.origin.type === 'git' ? head.kernel.origin.tagSignature : 'not git', undefined);
  assert.equal(head?.verifiedBy, `git commit ${repo.commits.master}`);

  const reasons = new Map(report?.skipped.map((s) => [s.entry, s.reason]));
  const refused = (entry: string) => {
    const reason = reasons.get(entry) ?? assert.fail(`${entry} was not reported; skipped: ${JSON.stringify(report?.skipped)}`);
    return reason.replace(/^refused by its signature check: /, '');
  };
  assert.equal(refused('tag v6.91'), `signed by key ${stranger.fingerprint.slice(-16)}, which is not in the keyring ${trusted.keyring}`);
  assert.equal(refused('tag v6.92'), 'an annotated tag without a signature');
  assert.equal(refused('tag v6.93'), 'a lightweight tag, which carries no signature');
  assert.match(refused('tag v6.94'), /^BAD PGP signature by Trusted Release Signer <release@testlab\.invalid>: the signed text is not what was signed$/);
  assert.equal(refused('tag v6.95'), 'the signed tag is named "v6.90", not "v6.95"');
  assert.match(refused('tag v6.96'), /^gpgv refused the signature \(exit 2\): .*not a detached signature/);
  // A signature over a tag, not over the commit: already refused when tags are listed, keyring or not.
  assert.equal(reasons.get('tag "v6.97"'), 'points to a tag, not a commit');
  assert.equal(reasons.get('branch stale'), 'its head is tag v6.92, refused by its signature check: an annotated tag without a signature');
  assert.ok([...reasons.values()].every((r) => !r.startsWith('same commit')), 'no refused tag was hidden behind another');
  assert.deepEqual(sink.accepted.map((k) => k.version.text), ['6.90', 'next-20250107', snapshot]);

  // The next poll judges the same tags the same way (good checks are remembered, refusals are not).
  const [again] = await pollOnce([source], sink, { cacheDir });
  assert.deepEqual(again?.found.map((f) => `${f.status} ${f.kernel.version.text}`), ['known 6.90', 'known next-20250107', `known ${snapshot}`]);
  assert.deepEqual(again?.skipped.map((s) => s.entry).sort(), report?.skipped.map((s) => s.entry).sort());
});

test('without a keyring the same tags are all taken; with an unreadable keyring the source fails and names it', async (t) => {
  const dir = await tempDir(t);
  const trusted = await makeSigner(t, dir, 'Trusted Release Signer <release@testlab.invalid>');
  const stranger = await makeSigner(t, dir, 'Someone Else <else@testlab.invalid>');
  const repo = await makeSignedRepo(path.join(dir, 'linux'), trusted, stranger);
  const cacheDir = path.join(dir, 'cache');
  const open = await new GitTreeSource({ name: 'torvalds', repo: repo.dir, tagPrefixes: ['v'] }).poll({ cacheDir, progress: recordingProgress() });
  // 6 of the 8 v-tags (v6.95 shares v6.90's commit, v6.97 names a tag): this is what the keyring changes.
  assert.deepEqual(open.kernels.map((k) => k.version.text), ['6.90', '6.91', '6.92', '6.93', '6.94', '6.96']);

  const missing = path.join(dir, 'no-such-keyring.gpg');
  const reports = await pollOnce([new GitTreeSource({ name: 'torvalds', repo: repo.dir, keyring: missing })], new MemorySink(), { cacheDir });
  assert.equal(reports[0]?.error, `git tree torvalds: cannot read the keyring ${missing}: ENOENT`);
});

test('the keyring setting is validated with the watch configuration, naming the key', () => {
  assert.throws(
    () => parseWatchConfig({ sources: [{ driver: 'git-tree', name: 'torvalds', repo: '/srv/linux', keyring: 'signers.gpg' }] }),
    /invalid watch configuration: sources\.0\.keyring: an absolute path to a gpgv keyring file/,
  );
  const { config } = parseWatchConfig({ sources: [{ driver: 'git-tree', name: 'torvalds', repo: '/srv/linux', keyring: '/etc/testlab/torvalds.gpg' }] });
  assert.equal(config.sources[0]?.driver === 'git-tree' ? config.sources[0].keyring : '', '/etc/testlab/torvalds.gpg');
});
