// A triggered run names a source, not a version; the planner needs one (priority, job keys). The version is
// read from what names it: a git ref that is a release tag or snapshot name, else the tarball's file name
// (`linux-6.1.192.tar.xz`, Debian's `linux-source-6.1.tar.xz`). The run itself records the version its
// Makefile says; this one only labels the jobs. Names come from outside: this is where they are parsed.
import path from 'node:path';
import { parseGitTag, parseKernelVersion, type KernelVersion } from '@testlab/core';

const TARBALL = /^linux-(?:source-)?([0-9][0-9a-z.-]*?)\.tar(?:\.(?:xz|gz|bz2|zst))?$/;

export function kernelVersionFromSource(source: string, ref?: string): KernelVersion | undefined {
  // A branch or commit names no version: fall through to the source's name.
  const fromRef = ref === undefined ? undefined : (versionOr(parseKernelVersion, ref) ?? versionOr(parseGitTag, ref));
  if (fromRef !== undefined) return fromRef;
  const base = path.posix.basename(source.replace(/[?#].*$/, ''));
  const m = TARBALL.exec(base);
  return m?.[1] === undefined ? undefined : versionOr(parseKernelVersion, m[1]);
}

/** The parsed version, or undefined when the text is not one (here a name that is no version is normal). */
function versionOr(parse: (text: string) => KernelVersion, text: string): KernelVersion | undefined {
  try {
    return parse(text);
  } catch {
    return undefined;
  }
}
