// Real material for the watcher's tests: part of a real kernel tree (from Debian's linux-source tarball), a
// local git repository with kernel.org-style tags, a throwaway PGP key, and an HTTP server on 127.0.0.1.
import { access, cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import type { Progress } from '@testlab/core';

// The HTTP server of the download tests, shared with the downloader's own tests in @testlab/transport.
export { startServer, type Route, type TestServer } from '@testlab/transport/test-http-server';

export const DEBIAN_KERNEL_TARBALL = '/usr/src/linux-source-6.1.tar.xz';

/** Members taken from the real tarball: enough to be a kernel tree in shape, small enough to sign in a second. */
const PART = ['Makefile', 'Kconfig', 'scripts/kconfig/merge_config.sh', 'arch/x86/Kconfig', 'net/ipv6'];

type Cleanup = { after(fn: () => Promise<void>): void };

export async function tempDir(t: Cleanup, prefix = 'watcher-test-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Makefile, Kconfig and net/ipv6/ of Debian's real 6.1 tree (~2.3 MiB, 111 files), unpacked once per machine
 * into the temp folder: reading them out of the 135 MiB tarball takes ~8 s of xz.
 */
export async function realKernelPart(): Promise<string> {
  const dir = path.join(tmpdir(), 'testlab-watcher-linux-6.1-part-v1');
  if (await access(path.join(dir, 'net/ipv6/ndisc.c')).then(() => true, () => false)) return dir;
  const tmp = await mkdtemp(path.join(tmpdir(), 'testlab-watcher-part-'));
  await execa('tar', ['-x', '-J', '-f', DEBIAN_KERNEL_TARBALL, '-C', tmp, ...PART.map((p) => `linux-source-6.1/${p}`)]);
  await rename(path.join(tmp, 'linux-source-6.1'), dir).catch(async (e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e; // another test file got there first
  });
  await rm(tmp, { recursive: true, force: true });
  return dir;
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'Test Maintainer', GIT_AUTHOR_EMAIL: 'maint@testlab.invalid',
  GIT_COMMITTER_NAME: 'Test Maintainer', GIT_COMMITTER_EMAIL: 'maint@testlab.invalid',
  GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null',
};

export async function git(cwd: string, ...args: string[]): Promise<string> {
  return (await execa('git', args, { cwd, env: GIT_ENV })).stdout.trim();
}

export interface KernelRepo {
  dir: string;
  commits: { v698: string; v699rc1: string; next: string; master: string };
}

/**
 * A repository shaped like torvalds/linux + linux-next: annotated tag v6.98, lightweight v6.99-rc1, annotated
 * next-20250107, master two commits past v6.99-rc1, a branch `old` sitting on v6.98, and two tags the watcher
 * must skip: `v6.97` pointing at a tree and `v6.12;rm-rf` (a legal git name, not a version).
 */
export async function makeKernelRepo(dir: string, part: string): Promise<KernelRepo> {
  await mkdir(dir, { recursive: true });
  await git(dir, 'init', '-q', '-b', 'master');
  await cp(part, dir, { recursive: true });
  const makefile = await readFile(path.join(dir, 'Makefile'), 'utf8');
  const setVersion = (patchlevel: number, extra: string) =>
    writeFile(path.join(dir, 'Makefile'), makefile.replace(/^PATCHLEVEL = .*$/m, `PATCHLEVEL = ${patchlevel}`).replace(/^EXTRAVERSION =.*$/m, `EXTRAVERSION = ${extra}`));
  const commit = async (message: string) => {
    await git(dir, 'add', '-A');
    await git(dir, 'commit', '-q', '-m', message);
    return git(dir, 'rev-parse', 'HEAD');
  };
  const ndisc = path.join(dir, 'net/ipv6/ndisc.c');

  await setVersion(98, '');
  const v698 = await commit('Linux 6.98');
  await git(dir, 'tag', '-a', '-m', 'Linux 6.98', 'v6.98');
  await git(dir, 'branch', 'old');

  await setVersion(99, '-rc1');
  await writeFile(ndisc, `${await readFile(ndisc, 'utf8')}\n/* rc1 change */\n`);
  const v699rc1 = await commit('Linux 6.99-rc1');
  await git(dir, 'tag', 'v6.99-rc1');

  await writeFile(ndisc, `${await readFile(ndisc, 'utf8')}/* next change */\n`);
  const next = await commit('Add linux-next specific files for 20250107');
  await git(dir, 'tag', '-a', '-m', 'next-20250107', 'next-20250107');

  await writeFile(ndisc, `${await readFile(ndisc, 'utf8')}/* after next */\n`);
  const master = await commit('ipv6: one more fix');

  await git(dir, 'tag', 'v6.97', `${v698}^{tree}`);
  await git(dir, 'tag', 'v6.12;rm-rf', v698);
  return { dir, commits: { v698, v699rc1, next, master } };
}

/** One more commit on master (the daily snapshot moves). */
export async function advanceMaster(repo: string, line: string): Promise<string> {
  const file = path.join(repo, 'net/ipv6/ndisc.c');
  await writeFile(file, `${await readFile(file, 'utf8')}/* ${line} */\n`);
  await git(repo, 'commit', '-q', '-a', '-m', line);
  return git(repo, 'rev-parse', 'HEAD');
}

/** `git archive --prefix=linux-<v>/ <ref>` as a plain tar, like the tar kernel.org signs. */
export async function archiveTar(repo: string, ref: string, top: string): Promise<Buffer> {
  const { stdout } = await execa('git', ['archive', '--format=tar', `--prefix=${top}/`, ref], { cwd: repo, encoding: 'buffer', stripFinalNewline: false });
  return Buffer.from(stdout);
}

export async function compress(tar: Buffer, program: 'xz' | 'gzip'): Promise<Buffer> {
  const args = program === 'xz' ? ['-c', '-0', '-T1'] : ['-c', '-n'];
  const { stdout } = await execa(program, args, { input: tar, encoding: 'buffer', stripFinalNewline: false });
  return Buffer.from(stdout);
}

export interface Signer {
  home: string;
  /** `gpg --export`: what gpgv takes with --keyring. */
  keyring: string;
  fingerprint: string;
  /** An armored detached signature, as kernel.org's `.tar.sign`. */
  sign(data: Buffer): Promise<Buffer>;
}

/** A throwaway ed25519 key in its own GNUPGHOME; its agent is stopped when the test ends. */
export async function makeSigner(t: Cleanup, dir: string, uid: string): Promise<Signer> {
  const home = path.join(dir, `gnupg-${uid.replace(/[^a-z]/gi, '')}`);
  await mkdir(home, { mode: 0o700 });
  // Binary output kept whole: execa's default strips a final 0x0a, and an ed25519 key's export ends in one
  // about one time in seventeen (the top byte of the signature's s), which left a keyring gpgv cannot read.
  const gpg = (args: string[], input?: Buffer) =>
    execa('gpg', ['--homedir', home, '--batch', '--no-tty', ...args], { encoding: 'buffer', stripFinalNewline: false, ...(input ? { input } : {}) });
  t.after(async () => {
    await execa('gpgconf', ['--homedir', home, '--kill', 'gpg-agent'], { reject: false });
  });
  await gpg(['--passphrase', '', '--quick-gen-key', uid, 'ed25519', 'sign', 'never']);
  const listing = Buffer.from((await gpg(['--with-colons', '--list-keys', uid])).stdout).toString('utf8');
  const fingerprint = /^fpr:+([0-9A-F]{40}):/m.exec(listing)?.[1];
  if (!fingerprint) throw new Error(`no fingerprint in gpg output: ${listing}`);
  const keyring = path.join(dir, `keyring-${fingerprint.slice(-8)}.gpg`);
  await writeFile(keyring, (await gpg(['--export', fingerprint])).stdout);
  return {
    home,
    keyring,
    fingerprint,
    sign: async (data) => Buffer.from((await gpg(['--armor', '--detach-sign', '--local-user', fingerprint, '--output', '-'], data)).stdout),
  };
}

/** A release entry exactly as kernel.org writes them (every key present, absent values null). */
export function releaseEntry(fields: { moniker: string; version: string; source?: string | null; pgp?: string | null; iseol?: boolean; timestamp?: number }): Record<string, unknown> {
  return {
    iseol: fields.iseol ?? false,
    version: fields.version,
    moniker: fields.moniker,
    source: fields.source ?? null,
    pgp: fields.pgp ?? null,
    released: { timestamp: fields.timestamp ?? 1736200000, isodate: '2025-01-06' },
    gitweb: null,
    changelog: null,
    diffview: null,
    patch: { full: null, incremental: null },
  };
}

export function recordingProgress(): Progress & { steps: string[]; fractions: number[]; details: string[] } {
  const steps: string[] = [];
  const fractions: number[] = [];
  const details: string[] = [];
  return {
    steps, fractions, details,
    step: (s) => steps.push(s),
    fraction: (v, d) => {
      if (v !== undefined) fractions.push(v);
      if (d !== undefined) details.push(d);
    },
  };
}

/** Fast retries: the backoff policy is the code under test, the waiting is not. */
export const FAST_RETRY = { retryDelaysMs: [1, 1, 1] } as const;
