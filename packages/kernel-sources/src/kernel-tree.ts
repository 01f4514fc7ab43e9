// Is a folder that came out of an archive really a Linux kernel tree we can build, and does it stay inside
// itself? Both checks run on every extraction, whatever the driver, before the builder trusts the tree.
import { lstat, readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';

/** What the builder relies on: the top Makefile's version lines, Kconfig, merge_config.sh and the x86 arch. */
const REQUIRED: ReadonlyArray<{ path: string; kind: 'file' | 'dir' }> = [
  { path: 'Makefile', kind: 'file' },
  { path: 'Kconfig', kind: 'file' },
  { path: 'scripts/kconfig/merge_config.sh', kind: 'file' },
  { path: 'arch/x86', kind: 'dir' },
];

/** Throws `<what> is not a Linux kernel tree: no X, no Y` naming every missing piece. */
export async function assertKernelTree(dir: string, what: string): Promise<void> {
  const missing: string[] = [];
  for (const entry of REQUIRED) {
    // lstat, not stat: a symlink named Makefile could point anywhere on the host.
    const st = await lstat(path.join(dir, entry.path)).catch(() => undefined);
    const ok = entry.kind === 'file' ? st?.isFile() : st?.isDirectory();
    if (!ok) missing.push(`no ${entry.path}${entry.kind === 'dir' ? '/' : ''}`);
  }
  if (!missing.includes('no Makefile')) {
    const makefile = await readFile(path.join(dir, 'Makefile'), 'utf8');
    for (const variable of ['VERSION', 'PATCHLEVEL']) {
      if (!new RegExp(`^${variable} = [0-9]+$`, 'm').test(makefile)) missing.push(`no "${variable} = <n>" line in Makefile`);
    }
  }
  if (missing.length > 0) throw new Error(`${what} is not a Linux kernel tree: ${missing.join(', ')}`);
}

const SPECIAL_KINDS: Readonly<Record<string, string>> = { b: 'block device', c: 'character device', p: 'FIFO', s: 'socket' };

/**
 * A kernel tree holds files, folders and symlinks. tar run as root creates device nodes as the archive says
 * (a copy of /dev/mem or a disk, readable through the cache), and a FIFO would hang whatever reads it: any
 * such member refuses the tree. The extraction folder is private (mode 700) until this check has passed.
 */
export async function assertNoSpecialFiles(dir: string, what: string): Promise<void> {
  const { stdout } = await execa('find', ['.', '(', '-type', 'b', '-o', '-type', 'c', '-o', '-type', 'p', '-o', '-type', 's', ')', '-printf', '%P\\0%y\\0'], { cwd: dir, stripFinalNewline: false });
  const fields = stdout.split('\0');
  const found: string[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) found.push(`${fields[i]} (${SPECIAL_KINDS[fields[i + 1] ?? ''] ?? 'special file'})`);
  if (found.length > 0) {
    throw new Error(`${what} has device nodes, FIFOs or sockets, which no kernel tree has: ${found.slice(0, 5).join(', ')}${found.length > 5 ? ', ...' : ''}`);
  }
}

/**
 * tar refuses `..` members, but it does create symlinks whose targets point anywhere (it only delays them to the
 * end of extraction). A link that leaves the tree is refused, judged two ways: its target must never climb above
 * the top (counted from where the link sits, so `../linux/x` is refused even if `linux` is the top's own name,
 * since the top's contents are moved), and where the link resolves on disk, through other links, must stay
 * inside. This guards the extraction and the cache; it is not a sandbox: building a tree runs its Makefiles.
 */
export async function assertNoEscapingSymlinks(dir: string, what: string): Promise<void> {
  const top = await realpath(dir);
  // find prints NUL-separated `relative path`, `target` pairs; argv array, no shell.
  const { stdout } = await execa('find', ['.', '-type', 'l', '-printf', '%P\\0%l\\0'], { cwd: top, stripFinalNewline: false });
  const fields = stdout.split('\0');
  const escaping: string[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const link = fields[i] ?? '';
    const target = fields[i + 1] ?? '';
    let out = path.isAbsolute(target) || climbsAboveTop(link, target);
    if (!out) {
      // A dangling link has no real path; the count above is all we can judge it by.
      const real = await realpath(path.join(top, link)).catch(() => undefined);
      out = real !== undefined && real !== top && !real.startsWith(top + path.sep);
    }
    if (out) escaping.push(`${link} -> ${target}`);
  }
  if (escaping.length > 0) {
    throw new Error(`${what} has symlinks that point outside the tree: ${escaping.slice(0, 5).join(', ')}${escaping.length > 5 ? ', ...' : ''}`);
  }
}

/** Does `target`, read from the folder of `link` (relative to the top), go above the top at any point? */
export function climbsAboveTop(link: string, target: string): boolean {
  let depth = path.dirname(link).split('/').filter((s) => s !== '' && s !== '.').length;
  for (const segment of target.split('/')) {
    if (segment === '' || segment === '.') continue;
    depth += segment === '..' ? -1 : 1;
    if (depth < 0) return true;
  }
  return false;
}
