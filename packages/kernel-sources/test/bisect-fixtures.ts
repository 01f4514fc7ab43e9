// Small git histories for the bisection tests, and a real `git bisect` to hold the lab's choices against.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';
import type { BisectNext } from '../src/bisect-repository.js';

const IDENTITY = { GIT_AUTHOR_NAME: 'Ada Author', GIT_AUTHOR_EMAIL: 'ada@example.org', GIT_COMMITTER_NAME: 'Cy Committer', GIT_COMMITTER_EMAIL: 'cy@example.org' };

/** git with a fixed identity and, when given, a fixed date; the caller's GIT_DIR and friends ignored. */
export async function gitAt(cwd: string, args: string[], date?: number): Promise<{ stdout: string; exitCode: number }> {
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd, LC_ALL: 'C', GIT_CONFIG_NOSYSTEM: '1', ...IDENTITY };
  if (date !== undefined) Object.assign(env, { GIT_AUTHOR_DATE: `@${date} +0000`, GIT_COMMITTER_DATE: `@${date} +0000` });
  const run = await execa('git', args, { cwd, env, extendEnv: false, reject: false, stdin: 'ignore' });
  return { stdout: String(run.stdout).trim(), exitCode: run.exitCode ?? -1 };
}

async function must(cwd: string, args: string[], date?: number): Promise<string> {
  const run = await gitAt(cwd, args, date);
  if (run.exitCode !== 0) throw new Error(`git ${args.join(' ')} failed (${run.exitCode}): ${run.stdout}`);
  return run.stdout;
}

/** A repository grown commit by commit, each commit tagged with its name; commit dates a minute apart. */
export class History {
  readonly ids = new Map<string, string>();
  private tick = 0;
  private constructor(readonly dir: string) {}

  static async init(dir: string): Promise<History> {
    await mkdir(dir, { recursive: true });
    await must(dir, ['init', '-q', '-b', 'main']);
    return new History(dir);
  }

  /** A commit on the current branch: `files` (path -> text), or a file of its own that no other commit touches. */
  async commit(name: string, files: Record<string, string> = { [`${name}.txt`]: `${name}\n` }): Promise<string> {
    for (const [file, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(this.dir, file)), { recursive: true });
      await writeFile(path.join(this.dir, file), text);
    }
    await must(this.dir, ['add', '-A']);
    await must(this.dir, ['commit', '-q', '-m', name], this.date());
    return this.tag(name);
  }

  /** `git merge --no-ff` of `other` into the current branch. */
  async merge(name: string, other: string): Promise<string> {
    await must(this.dir, ['merge', '-q', '--no-ff', '-m', name, other], this.date());
    return this.tag(name);
  }

  async checkout(branch: string, from?: string): Promise<void> {
    await must(this.dir, from === undefined ? ['checkout', '-q', branch] : ['checkout', '-q', '-b', branch, from]);
  }

  id(name: string): string {
    const id = this.ids.get(name);
    if (id === undefined) throw new Error(`no commit ${name}`);
    return id;
  }

  name(id: string): string {
    return [...this.ids].find(([, v]) => v === id)?.[0] ?? id.slice(0, 12);
  }

  /** Whether `commit` contains `culprit` (is it or descends from it): the regression's oracle. */
  async contains(commit: string, culprit: string): Promise<boolean> {
    return (await gitAt(this.dir, ['merge-base', '--is-ancestor', culprit, commit])).exitCode === 0;
  }

  private date(): number {
    this.tick += 1;
    return 1_700_000_000 + this.tick * 60;
  }

  private async tag(name: string): Promise<string> {
    await must(this.dir, ['tag', name]);
    const id = await must(this.dir, ['rev-parse', 'HEAD']);
    this.ids.set(name, id);
    return id;
  }
}

/** A clone of `source` to run `git bisect` in. */
export async function scratchClone(source: string, dir: string): Promise<string> {
  await must(path.dirname(dir), ['clone', '-q', '--', source, dir]);
  return dir;
}

/** `git bisect <args>` in the clone, and what it decided, in the terms of BisectRepository.next. */
export async function gitBisect(clone: string, args: string[]): Promise<BisectNext> {
  const run = await gitAt(clone, ['bisect', ...args]);
  const found = /^([0-9a-f]{40}) is the first bad commit$/m.exec(run.stdout);
  if (found) return { culprit: found[1] as string };
  if (run.stdout.includes("There are only 'skip'ped commits left to test.")) {
    return { onlySkipped: run.stdout.split('\n').filter((line) => /^[0-9a-f]{40}$/.test(line)) };
  }
  if (run.exitCode !== 0 || !/^Bisecting: /m.test(run.stdout)) throw new Error(`git bisect ${args.join(' ')} said (${run.exitCode}): ${run.stdout}`);
  return { test: await must(clone, ['rev-parse', 'HEAD']) };
}
