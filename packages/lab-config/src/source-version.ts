// A triggered run names a source, not a version; the planner needs one (priority, job keys). The version is
// read from what names it: a git ref that is a release tag or snapshot name, else the tarball's file name
// (`linux-6.1.192.tar.xz`, Debian's `linux-source-6.1.tar.xz`). The run itself records the version its
// Makefile says; this one only labels the jobs.
import path from 'node:path';
import { isKernelVersion, parseGitTag } from '@testlab/core';

const TARBALL = /^linux-(?:source-)?([0-9][0-9a-z.-]*?)\.tar(?:\.(?:xz|gz|bz2|zst))?$/;

export function kernelVersionFromSource(source: string, ref?: string): string | undefined {
  if (ref !== undefined) {
    if (isKernelVersion(ref)) return ref;
    try {
      return parseGitTag(ref).text;
    } catch {
      // A branch or commit: fall through to the source's name.
    }
  }
  const base = path.posix.basename(source.replace(/[?#].*$/, ''));
  const m = TARBALL.exec(base);
  return m?.[1] !== undefined && isKernelVersion(m[1]) ? m[1] : undefined;
}
