// Unpacking an archive into the folder the builder gave us, the same way for every driver: GNU tar reads the
// archive from stdin into a temp folder inside `dir`, the tree is checked, then moved up so `dir/Makefile` exists.
import { mkdtemp, readdir, lstat, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { execa } from 'execa';
import { assertKernelTree, assertNoEscapingSymlinks, assertNoSpecialFiles } from './kernel-tree.js';

/**
 * tar reads from stdin (`-f -`): the caller hashes what it feeds, and a file name is never parsed by tar
 * (`-f host:file` would mean a remote archive). GNU tar already refuses members with `..` and strips leading
 * `/` (also from hard link targets); on top of that:
 */
const SAFE_TAR_FLAGS = [
  '-x',
  '-f', '-',
  // We run as root in the lab: never take the archive's owners...
  '--no-same-owner',
  // ...nor its permission bits as they are: apply our umask (no setuid, no world-writable files).
  '--no-same-permissions',
  // A `./` member must not change the mode or owner of our temp folder.
  '--no-overwrite-dir',
  // Extended attributes, ACLs and SELinux labels are not part of a kernel tree.
  '--no-xattrs', '--no-acls', '--no-selinux',
  // Tarballs from build hosts with another clock would fill the error text with timestamp warnings.
  '--warning=no-timestamp',
];

/** `-z`/`-J` from the first bytes: tar only guesses compression itself for named files, not for stdin. */
export function decompressFlag(head: Uint8Array): string[] {
  const starts = (...magic: number[]) => magic.every((b, i) => head[i] === b);
  if (starts(0x1f, 0x8b)) return ['-z'];
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return ['-J'];
  return [];
}

export interface UntarOptions {
  /** Extra tar flags: the decompression flag. */
  flags: string[];
  /**
   * The archive's bytes. They are read to the end even when tar stops early (it stops at the end-of-archive
   * marker and leaves the record padding unread), so a hash taken on the way covers every byte, and a
   * producing process (git archive) never dies of a broken pipe.
   */
  input: AsyncIterable<Uint8Array>;
  /** Runs once tar is done, before anything lands in `dir`: the place to compare what was fed. */
  verify?: () => void;
}

/**
 * Runs tar on `input`, then leaves the kernel tree at `dir/Makefile`.
 * `what` names the archive in every error. Throws with tar's own message when tar fails.
 */
export async function untarInto(dir: string, what: string, { flags, input, verify }: UntarOptions): Promise<void> {
  const root = path.resolve(dir);
  const tmp = await mkdtemp(path.join(root, '.extract-'));
  try {
    const tar = execa('tar', [...flags, ...SAFE_TAR_FLAGS, '-C', tmp], {
      cwd: tmp,
      stdin: 'pipe',
      stdout: 'ignore',
      reject: false,
      env: { LC_ALL: 'C' },
    });
    // Both must be awaited: tar's message is the one to show when it fails, the input's when reading fails.
    const [fed, result] = await Promise.allSettled([pump(input, tar.stdin), tar]);
    if (result.status === 'rejected' || result.value.failed) {
      const message = result.status === 'fulfilled' ? lastLines(String(result.value.stderr), 5) || result.value.shortMessage : String(result.reason);
      throw new Error(`cannot extract ${what}: tar says: ${message}`);
    }
    if (fed.status === 'rejected') throw new Error(`cannot extract ${what}: ${(fed.reason as Error).message}`, { cause: fed.reason });
    verify?.();

    // The whole extraction, not only the top folder: nothing special may stay in the cache's temp folder either.
    await assertNoSpecialFiles(tmp, what);
    const top = await topOfTree(tmp);
    await assertNoEscapingSymlinks(top, what);
    await assertKernelTree(top, what);
    for (const name of await readdir(top)) await rename(path.join(top, name), path.join(root, name));
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** A flat tree, or the single folder at the top (`linux-6.12/`, Debian's `linux-source-6.1/`). */
async function topOfTree(tmp: string): Promise<string> {
  const entries = await readdir(tmp);
  if (entries.includes('Makefile') || entries.length !== 1) return tmp;
  const only = path.join(tmp, entries[0] as string);
  // lstat: a symlink as the top folder would move us out of the temp folder.
  return (await lstat(only)).isDirectory() ? only : tmp;
}

/** Writes `input` to `stdin` with back-pressure; once tar closes its stdin, keeps reading and drops the rest. */
async function pump(input: AsyncIterable<Uint8Array>, stdin: Writable): Promise<void> {
  let open = true;
  const closed = new Promise<void>((resolve) => {
    const gone = () => {
      open = false;
      resolve();
    };
    stdin.once('close', gone);
    stdin.once('error', gone); // EPIPE: tar is done or dead; its exit status says which
  });
  for await (const chunk of input) {
    if (!open) continue;
    if (!stdin.write(chunk)) await Promise.race([new Promise((resolve) => stdin.once('drain', resolve)), closed]);
  }
  if (open) stdin.end();
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join(' / ');
}
