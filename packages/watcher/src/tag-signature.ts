// A release tag in a git tree, checked the way `git verify-tag` would, but against the lab's own keyring
// file and nothing else: the tag object (`git cat-file tag`) is split where git splits it, the text before
// the last `-----BEGIN PGP SIGNATURE-----` line is the signed payload and the rest a detached signature,
// and gpgv judges the pair. The payload's own headers must then say that this tag, by this name, names
// the commit the lab is going to build: a good signature over some other tag proves nothing about this one.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { firstLine, gitEnv } from '@testlab/kernel-sources';
import { verifyDetachedSignature, type SignatureCheck } from './pgp-verify.js';
import { quoted } from './watch-source.js';

/** A tag as `git for-each-ref` listed it: the ref's own object, and the commit it leads to. */
export interface ListedTag {
  name: string;
  /** `tag` for an annotated tag, `commit` for a lightweight one. */
  objectType: string;
  /** The tag object's id (annotated) or the commit's (lightweight). */
  object: string;
  commit: string;
}

export interface TagSignatureCheck extends SignatureCheck {
  tag: string;
  tagObject: string;
  commit: string;
}

/** Real tags are a few KiB; a larger object is not read into memory. */
const MAX_TAG_BYTES = 1 << 20;
const PGP_BEGIN = '-----BEGIN PGP SIGNATURE-----';
/** Other signature formats git knows (SSH, X.509): recognized, so the reason can name them. */
const OTHER_BEGIN = /^-----BEGIN (SSH SIGNATURE|SIGNED MESSAGE|PGP MESSAGE)-----/;

/** Throws an Error whose message says why the tag is not vouched for (without the tag's name: callers add it). */
export async function verifyTagSignature(mirror: string, tag: ListedTag, keyring: string): Promise<TagSignatureCheck> {
  if (tag.objectType === 'commit') throw new Error('a lightweight tag, which carries no signature');
  if (tag.objectType !== 'tag') throw new Error(`the ref names a ${tag.objectType}, not a tag object`);
  // By id, not by name: the object checked is the one that was listed, even if a fetch moves the ref meanwhile.
  const read = await execa('git', ['--git-dir', mirror, 'cat-file', 'tag', tag.object], {
    encoding: 'buffer',
    // execa would drop the object's last byte if it is a newline: the bytes are read as git stores them.
    stripFinalNewline: false,
    maxBuffer: MAX_TAG_BYTES,
    reject: false,
    env: gitEnv(),
    extendEnv: false,
  });
  if (read.isMaxBuffer) throw new Error(`the tag object is larger than ${MAX_TAG_BYTES} bytes`);
  if (read.exitCode !== 0) throw new Error(`git cannot read the tag object ${tag.object}: ${String(Buffer.from(read.stderr)).trim().split('\n')[0]}`);
  // Bytes, never decoded text: the signature covers the exact bytes, and decoding would change invalid UTF-8.
  const body = Buffer.from(read.stdout);
  const split = signatureStart(body);
  if (split === undefined) throw new Error('an annotated tag without a signature');

  const headers = tagHeaders(body.subarray(0, split));
  // git's own fsck would catch most of these in a fetched object; the tag is outside input all the same.
  if (headers.get('type') !== 'commit') throw new Error(`the signed tag names a ${quoted(headers.get('type') ?? '(no type)')}, not a commit`);
  if (headers.get('object') !== tag.commit) throw new Error(`the signed tag names object ${quoted(headers.get('object') ?? '(none)')}, not commit ${tag.commit}`);
  // A tag signed as v6.1 and published as refs/tags/v6.98 would otherwise pass as 6.98.
  if (headers.get('tag') !== tag.name) throw new Error(`the signed tag is named ${quoted(headers.get('tag') ?? '(no name)')}, not ${quoted(tag.name)}`);

  const work = await mkdtemp(path.join(tmpdir(), 'testlab-tag-check-'));
  try {
    const payload = path.join(work, 'payload');
    const signature = path.join(work, 'payload.sig');
    await writeFile(payload, body.subarray(0, split));
    await writeFile(signature, body.subarray(split));
    const check = await verifyDetachedSignature(payload, signature, keyring);
    return { ...check, tag: tag.name, tagObject: tag.object, commit: tag.commit };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

export interface TagChecker {
  /** The check, or the Error saying why the tag is refused; never throws. */
  check(tag: ListedTag): Promise<TagSignatureCheck | Error>;
  /** Good checks made or reused: the next poll's `previous`. */
  good: Map<string, TagSignatureCheck>;
}

/**
 * One poll's checks against one keyring. A good check is kept by keyring digest and tag object (an object
 * id names its bytes, so gpgv need not run again until the keyring changes); a refusal is kept for this
 * poll only, so a keyring the operator fixes is used at the next one. One gpgv at a time.
 */
export async function tagChecker(mirror: string, keyring: string, previous: Map<string, TagSignatureCheck>, owner: string): Promise<TagChecker> {
  let digest: string;
  try {
    digest = createHash('sha256').update(await readFile(keyring)).digest('hex');
  } catch (error) {
    throw new Error(`${owner}: cannot read the keyring ${keyring}: ${(error as NodeJS.ErrnoException).code ?? firstLine(error)}`, { cause: error });
  }
  const good = new Map<string, TagSignatureCheck>();
  const refused = new Map<string, Error>();
  return {
    good,
    check: async (tag) => {
      const key = [digest, tag.objectType, tag.object, tag.name, tag.commit].join(' ');
      const known = good.get(key) ?? previous.get(key) ?? refused.get(key);
      if (known instanceof Error) return known;
      try {
        const checked = known ?? (await verifyTagSignature(mirror, tag, keyring));
        good.set(key, checked);
        return checked;
      } catch (error) {
        refused.set(key, error as Error);
        return error as Error;
      }
    },
  };
}

/**
 * Where the signature starts, as git's parse_signed_buffer finds it: the last line that opens a signature
 * block. A signature of another format is refused by name rather than handed to gpgv.
 */
function signatureStart(body: Buffer): number | undefined {
  let last: { at: number; line: string } | undefined;
  for (let at = 0; at < body.length; ) {
    const end = body.indexOf(0x0a, at);
    const next = end === -1 ? body.length : end + 1;
    const line = body.subarray(at, Math.min(next, at + 40)).toString('latin1');
    if (line.startsWith(PGP_BEGIN) || OTHER_BEGIN.test(line)) last = { at, line };
    at = next;
  }
  if (last === undefined) return undefined;
  if (!last.line.startsWith(PGP_BEGIN)) throw new Error(`signed with ${OTHER_BEGIN.exec(last.line)?.[1] ?? 'another format'}, not an OpenPGP signature`);
  return last.at;
}

/** The header lines of a tag object (up to the first empty line); a repeated header is refused. */
function tagHeaders(payload: Buffer): Map<string, string> {
  const text = payload.toString('latin1');
  const end = text.indexOf('\n\n');
  const headers = new Map<string, string>();
  for (const line of (end === -1 ? text : text.slice(0, end)).split('\n')) {
    const space = line.indexOf(' ');
    if (space <= 0) continue;
    const key = line.slice(0, space);
    if (headers.has(key)) throw new Error(`the tag object has two ${quoted(key)} headers`);
    headers.set(key, line.slice(space + 1));
  }
  return headers;
}
