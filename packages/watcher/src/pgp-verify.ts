// kernel.org's `.tar.sign` signs the uncompressed tar: `xz -dc linux-X.tar.xz | gpgv --keyring K linux-X.tar.sign -`.
// Two processes, argument arrays, the bytes piped between them; both exit statuses are judged.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import type { Progress } from '@testlab/core';
import { compressionOf } from './compression.js';

export interface SignatureCheck {
  /** Primary key fingerprint of the signer, from gpgv's VALIDSIG line. */
  fingerprint: string;
  /** The user id gpgv printed with GOODSIG, e.g. `Greg Kroah-Hartman <gregkh@kernel.org>`. */
  signer: string;
}

/** Throws an Error whose message is the cause: a bad signature, an unknown key, a damaged tarball. */
export async function verifyTarballSignature(tarball: string, signature: string, keyring: string, progress?: Progress): Promise<SignatureCheck> {
  // gpgv resolves a bare name inside its home; the keyring we were given is a file.
  const keyringFile = path.resolve(keyring);
  const compression = await compressionOf(tarball);
  // An empty home of our own: gpgv would otherwise also trust ~/.gnupg/trustedkeys.kbx.
  const home = await mkdtemp(path.join(tmpdir(), 'testlab-gpgv-'));
  try {
    const decompress =
      compression === 'xz' ? execa('xz', ['-dc', '--', tarball], { buffer: { stdout: false }, reject: false })
      : compression === 'gzip' ? execa('gzip', ['-dc', '--', tarball], { buffer: { stdout: false }, reject: false })
      : execa('cat', ['--', tarball], { buffer: { stdout: false }, reject: false });
    const gpgv = execa('gpgv', ['--homedir', home, '--status-fd', '1', '--keyring', keyringFile, '--', path.resolve(signature), '-'], {
      stdin: 'pipe',
      reject: false,
      env: { LC_ALL: 'C' },
    });
    let bytes = 0;
    decompress.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      progress?.fraction(undefined, `${(bytes / 1048576).toFixed(1)} MiB of tar checked`);
    });
    // gpgv may stop reading early (no key at all): the decompressor then dies of EPIPE, which is not the cause.
    gpgv.stdin.on('error', () => {});
    decompress.stdout.pipe(gpgv.stdin);
    // A gpgv that stops early (garbage signature) leaves the decompressor blocked on a full pipe: read the
    // rest to nowhere, so it still ends and its own verdict on the tarball is heard.
    void gpgv.finally(() => {
      decompress.stdout.unpipe();
      decompress.stdout.resume();
    });
    const [unpacked, checked] = await Promise.all([decompress, gpgv]);
    const status = String(checked.stdout);

    // A damaged tarball is the root cause even when gpgv also says BADSIG: name it first.
    if (unpacked.exitCode !== 0 && !unpacked.isTerminated && !status.includes('NO_PUBKEY')) {
      throw new Error(`the tarball is damaged: ${compression === 'none' ? 'cat' : compression} says: ${lastLine(String(unpacked.stderr)) || unpacked.shortMessage}`);
    }
    const verdict = gpgvVerdict(status, checked.exitCode, String(checked.stderr), keyringFile, 'the tarball');
    if (verdict instanceof Error) throw verdict;
    if (unpacked.exitCode !== 0) throw new Error(`the tarball could not be read to the end (${lastLine(String(unpacked.stderr))})`);
    return verdict;
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/**
 * A detached signature over a file (a tag object's payload), checked by gpgv against one keyring file only.
 * Throws an Error whose message is the cause, as verifyTarballSignature does.
 */
export async function verifyDetachedSignature(data: string, signature: string, keyring: string): Promise<SignatureCheck> {
  const keyringFile = path.resolve(keyring);
  const home = await mkdtemp(path.join(tmpdir(), 'testlab-gpgv-'));
  try {
    const checked = await execa('gpgv', ['--homedir', home, '--status-fd', '1', '--keyring', keyringFile, '--', path.resolve(signature), path.resolve(data)], {
      reject: false,
      env: { LC_ALL: 'C' },
    });
    const verdict = gpgvVerdict(String(checked.stdout), checked.exitCode, String(checked.stderr), keyringFile, 'the signed text');
    if (verdict instanceof Error) throw verdict;
    return verdict;
  } finally {
    await rm(home, { recursive: true, force: true });
  }
}

/**
 * What gpgv's --status-fd lines say. The exit code alone cannot tell a bad signature from an unknown key, and
 * a zero exit is believed only with GOODSIG and VALIDSIG both present and nothing said against them.
 */
function gpgvVerdict(status: string, exitCode: number | undefined, stderr: string, keyringFile: string, subject: string): SignatureCheck | Error {
  const good = /^\[GNUPG:\] GOODSIG [0-9A-F]+ (.*)$/m.exec(status);
  const valid = /^\[GNUPG:\] VALIDSIG [0-9A-F]{40,64} .* ([0-9A-F]{40,64})$/m.exec(status) ?? /^\[GNUPG:\] VALIDSIG ([0-9A-F]{40,64}) /m.exec(status);
  // PLAINTEXT: the "signature" carried its own signed text (an inline-signed message), so what was verified is
  // not our data. gpgv refuses that today ("not a detached signature"); this does not depend on it.
  const against = /^\[GNUPG:\] (BADSIG|ERRSIG|EXPSIG|EXPKEYSIG|REVKEYSIG|PLAINTEXT)\b/m.test(status);
  if (exitCode === 0 && good && valid && !against) return { fingerprint: valid[1] as string, signer: (good[1] as string).trim() };
  const bad = /^\[GNUPG:\] BADSIG [0-9A-F]+ (.*)$/m.exec(status);
  if (bad) return new Error(`BAD PGP signature by ${(bad[1] as string).trim()}: ${subject} is not what was signed`);
  // gpgv says NO_PUBKEY for a keyring it could not open or read as well: the keyring is the cause there, and an
  // operator told "not in the keyring" would look for the wrong key.
  if (/^\[GNUPG:\] ERROR add_keyblock_resource\b/m.test(status)) {
    return new Error(`cannot read the keyring ${keyringFile}: ${lineWith(stderr, 'keyblock resource') || 'gpgv could not open it'}`);
  }
  if (/\bInvalid keyring\b/.test(stderr)) {
    return new Error(`the keyring ${keyringFile} is damaged (gpgv: ${lineWith(stderr, 'read error') || 'Invalid keyring'}): export it again`);
  }
  const noKey = /^\[GNUPG:\] NO_PUBKEY ([0-9A-F]+)/m.exec(status);
  if (noKey) return new Error(`signed by key ${noKey[1]}, which is not in the keyring ${keyringFile}`);
  if (/^\[GNUPG:\] NODATA/m.test(status)) return new Error('the signature file holds no OpenPGP signature');
  return new Error(`gpgv refused the signature (exit ${exitCode}): ${lastLine(stderr) || 'no message'}`);
}

function lineWith(text: string, words: string): string | undefined {
  return text.split('\n').find((l) => l.includes(words))?.replace(/^gpgv: /, '').trim();
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter((l) => l.trim() !== '').slice(-2).join(' / ');
}
