// Small stand-ins for kernel trees, tarballs and repositories, made fresh in a temp folder per test.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import type { Progress } from '@testlab/core';

/** Exactly the files assertKernelTree looks at, plus one more so we can check content survives. */
export async function writeMiniKernelTree(dir: string, options: { omit?: string } = {}): Promise<void> {
  const files: Record<string, string> = {
    Makefile: '# SPDX-License-Identifier: GPL-2.0\nVERSION = 6\nPATCHLEVEL = 99\nSUBLEVEL = 0\nEXTRAVERSION =\n',
    Kconfig: 'mainmenu "Linux"\n',
    'scripts/kconfig/merge_config.sh': '#!/bin/sh\nexit 0\n',
    // git tracks no empty folders, so arch/x86/ gets a file.
    'arch/x86/Kconfig': 'config X86\n\tdef_bool y\n',
    'init/main.c': 'int main(void) { return 0; }\n',
  };
  for (const [name, text] of Object.entries(files)) {
    if (options.omit && name.startsWith(options.omit)) continue;
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
}

/** `tar -c<z|J>f <out> -C <base> <top>`: a tarball with one top folder, like kernel.org's. */
export async function makeTarball(out: string, base: string, top: string): Promise<void> {
  const compress = out.endsWith('.xz') ? ['-J'] : out.endsWith('gz') ? ['-z'] : [];
  await execa('tar', ['-c', ...compress, '-f', out, '-C', base, top]);
}

export async function tempDir(t: { after(fn: () => Promise<void>): void }, prefix = 'ks-test-'): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A Progress that remembers what it was told, to check that long work reports. */
export function recordingProgress(): Progress & { steps: string[]; fractions: number[] } {
  const steps: string[] = [];
  const fractions: number[] = [];
  return { steps, fractions, step: (s) => steps.push(s), fraction: (v) => v !== undefined && fractions.push(v) };
}

export async function git(cwd: string, ...args: string[]): Promise<string> {
  const env = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.org' };
  return (await execa('git', args, { cwd, env })).stdout.trim();
}
