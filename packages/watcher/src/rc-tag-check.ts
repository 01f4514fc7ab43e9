// rc tarballs (cgit snapshots) carry no signature. They are checked against the git tag instead: the
// tarball is unpacked and hashed into a git tree (the way `git add` would store it), and that tree must be
// the tag's tree, byte for byte and mode for mode. The mirror's objects are read through an alternate and
// new objects go to a temp store, so a bad tarball leaves nothing in the mirror.
import { mkdir, mkdtemp, readdir, lstat, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import type { Progress } from '@testlab/core';
import { gitEnv } from '@testlab/kernel-sources';

export interface TagCheck {
  tag: string;
  commit: string;
  tree: string;
}

const TAG = /^v[0-9][A-Za-z0-9.-]{0,40}$/;

export async function verifyTarballAgainstTag(tarball: string, mirror: string, tag: string, progress?: Progress): Promise<TagCheck> {
  if (!TAG.test(tag)) throw new Error(`${JSON.stringify(tag.slice(0, 60))} is not a release tag name`);
  const git = (args: string[], env: Record<string, string> = {}) => execa('git', ['--git-dir', mirror, ...args], { env: { ...gitEnv(), ...env }, extendEnv: false });
  let commit: string;
  let expected: string;
  try {
    commit = (await git(['rev-parse', '--verify', `refs/tags/${tag}^{commit}`])).stdout.trim();
    expected = (await git(['rev-parse', '--verify', `refs/tags/${tag}^{tree}`])).stdout.trim();
  } catch {
    throw new Error(`the git tree has no tag ${tag} to check the tarball against`);
  }

  const work = await mkdtemp(path.join(tmpdir(), 'testlab-rc-check-'));
  try {
    progress?.step(`unpack to compare with ${tag}`);
    const unpacked = path.join(work, 'tree');
    await mkdir(unpacked);
    // --force-local: a colon in the path must not mean a remote archive. GNU tar detects the compression
    // of a named file itself and refuses `..` members.
    const tar = await execa('tar', ['-x', '--force-local', '--no-same-owner', '--no-same-permissions', '--no-xattrs', '--warning=no-timestamp', '-f', tarball, '-C', unpacked], {
      reject: false,
      env: { LC_ALL: 'C' },
    });
    if (tar.failed) throw new Error(`the tarball is damaged: tar says: ${String(tar.stderr).trim().split('\n').slice(-2).join(' / ') || tar.shortMessage}`);
    // git add skips device nodes, FIFOs and sockets, so such a member would pass the tree comparison and
    // then be created by the build's unpack (as root: a device readable through the cache). None belongs.
    const special = await specialFiles(unpacked);
    if (special.length > 0) throw new Error(`the tarball has device nodes, FIFOs or sockets, which no release has: ${special.slice(0, 5).join(', ')}${special.length > 5 ? ', ...' : ''}`);
    const top = await topFolder(unpacked);
    // git add skips .git entries, which would let a tarball carry one unseen; a release never has one.
    const { stdout: dotGit } = await execa('find', [top, '-name', '.git', '-print', '-quit']);
    if (dotGit.trim() !== '') throw new Error('the tarball contains a .git entry, which no release tarball has');

    progress?.step(`hash the tarball's tree to compare with ${tag}`);
    const objects = path.join(work, 'objects');
    await mkdir(objects);
    const env = {
      GIT_INDEX_FILE: path.join(work, 'index'),
      GIT_OBJECT_DIRECTORY: objects,
      GIT_ALTERNATE_OBJECT_DIRECTORIES: path.join(mirror, 'objects'),
      // The hash must not depend on the host's git config: a global clean filter (git-lfs) or attributes
      // file would rewrite what the tarball's own .gitattributes selects.
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_ATTR_NOSYSTEM: '1',
    };
    // -f: tracked files can match .gitignore patterns (they were force-added upstream); every file counts.
    const config = ['-c', 'core.autocrlf=false', '-c', 'core.fileMode=true', '-c', 'core.symlinks=true', '-c', 'core.safecrlf=false'];
    await git([...config, '--work-tree', top, 'add', '-A', '-f', '--', '.'], env);
    const actual = (await git(['write-tree'], env)).stdout.trim();
    if (actual !== expected) {
      const diff = (await git(['diff-tree', '-r', '--name-status', expected, actual], env)).stdout.trim().split('\n');
      const shown = diff.slice(0, 8).map((l) => l.replace('\t', ' ')).join(', ');
      throw new Error(`the tarball is not the tree of tag ${tag} (${diff.length} paths differ: ${shown}${diff.length > 8 ? ', ...' : ''})`);
    }
    return { tag, commit, tree: expected };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const SPECIAL_KINDS: Readonly<Record<string, string>> = { b: 'block device', c: 'character device', p: 'FIFO', s: 'socket' };

/** `path (kind)` of every device node, FIFO and socket under `dir` (find -printf: NUL-separated, argv only). */
async function specialFiles(dir: string): Promise<string[]> {
  const { stdout } = await execa('find', ['.', '(', '-type', 'b', '-o', '-type', 'c', '-o', '-type', 'p', '-o', '-type', 's', ')', '-printf', '%P\\0%y\\0'], { cwd: dir, stripFinalNewline: false });
  const fields = stdout.split('\0');
  const found: string[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) found.push(`${fields[i]} (${SPECIAL_KINDS[fields[i + 1] ?? ''] ?? 'special file'})`);
  return found;
}

/** cgit and kernel.org put everything under one folder (`linux-6.13-rc1/`). */
async function topFolder(dir: string): Promise<string> {
  const entries = await readdir(dir);
  if (entries.length === 1) {
    const only = path.join(dir, entries[0] as string);
    if ((await lstat(only)).isDirectory()) return only;
  }
  return dir;
}
