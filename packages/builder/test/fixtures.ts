// A fake kernel source and a fake make for fast builder tests; a recording observer for stage events.
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildObserver, KernelSource, Progress, SourceIdentity } from '@testlab/core';

export async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'builder-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A source whose tree is written directly (no archive), counting how often it is asked to extract. */
export class FakeSource implements KernelSource {
  readonly description = 'fake kernel 6.99';
  identifies = 0;
  extracts = 0;
  constructor(readonly hash = `sha256:${'ab'.repeat(32)}`) {}

  async identify(): Promise<SourceIdentity> {
    this.identifies += 1;
    return { hash: this.hash, label: 'fake-6.99.tar.xz' };
  }

  async extractTo(dir: string): Promise<void> {
    this.extracts += 1;
    const files: Record<string, string> = {
      Makefile: 'VERSION = 6\nPATCHLEVEL = 99\n',
      Kconfig: '',
      // Like the real one with -m: append the fragments to the base file.
      'scripts/kconfig/merge_config.sh': '#!/bin/sh\n[ "$1" = "-m" ] || exit 9\nshift\nbase=$1\nshift\nfor f in "$@"; do cat "$f" >> "$base"; done\n',
      'arch/x86/Kconfig': '',
    };
    for (const [name, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
      await writeFile(path.join(dir, name), text);
    }
  }
}

/** Writes an executable wrapper around fake-make.js into `dir`; returns its path and helpers to steer it. */
export async function fakeMake(dir: string) {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fake-make.js');
  const wrapper = path.join(dir, 'make');
  await writeFile(wrapper, `#!/bin/sh\nFAKE_MAKE_DIR='${dir}' exec '${process.execPath}' '${script}' "$@"\n`);
  await chmod(wrapper, 0o755);
  return {
    makePath: wrapper,
    calls: async () => (await readFile(path.join(dir, 'calls.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean),
    failBuild: (fail: boolean) => writeFile(path.join(dir, 'control.json'), JSON.stringify({ failBuild: fail })),
    /** make bzImage fails in an O= folder that holds an earlier build (a stale one), and works in an empty one. */
    failIncremental: () => writeFile(path.join(dir, 'control.json'), JSON.stringify({ failIncremental: true })),
    /** depmod missing on the build host: modules_install writes no modules.dep. */
    noDepmod: () => writeFile(path.join(dir, 'control.json'), JSON.stringify({ noDepmod: true })),
    /** make bzImage takes this long. */
    slowBuild: (ms: number) => writeFile(path.join(dir, 'control.json'), JSON.stringify({ buildMs: ms })),
  };
}

export type StageEvent = string;

/** Records `started unpack`, `finished unpack cached`, ... and every progress call. */
export function recordingObserver(): BuildObserver & { events: StageEvent[]; fractions: Array<[number | undefined, string | undefined]>; steps: string[] } {
  const events: StageEvent[] = [];
  const fractions: Array<[number | undefined, string | undefined]> = [];
  const steps: string[] = [];
  const progress: Progress = { step: (text) => void steps.push(text), fraction: (v, d) => void fractions.push([v, d]) };
  return {
    events,
    fractions,
    steps,
    stageStarted: (stage) => {
      events.push(`started ${stage}`);
      return progress;
    },
    stageFinished: (stage, how) => void events.push(`finished ${stage} ${how}`),
  };
}
