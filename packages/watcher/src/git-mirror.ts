// A bare mirror of a configured git tree in the cache, kept up to date by fetch. The folder is the one the
// git kernel source uses (`<cache>/git/<sha256 of the repository>`), so a build of a watched kernel fetches
// nothing new.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { simpleGit, type SimpleGit, type SimpleGitProgressEvent } from 'simple-git';
import type { Progress } from '@testlab/core';

/** Kill a git process that prints nothing for this long. */
const STALL_MS = 5 * 60_000;
export const COMMIT = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** A repository as configured: an http(s)/ssh/git URL, or a local path (made absolute). */
export function normalizeRepo(repo: string): string {
  if (typeof repo !== 'string' || repo.trim() === '') throw new Error('empty git repository');
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(repo)) {
    let url: URL;
    try {
      url = new URL(repo);
    } catch {
      throw new Error(`git repository ${JSON.stringify(repo.slice(0, 120))} is not a URL`);
    }
    // file:// and ext:: run local things; a host starting with `-` becomes an ssh option.
    if (!['https:', 'http:', 'ssh:', 'git:'].includes(url.protocol)) throw new Error(`git repository ${JSON.stringify(repo.slice(0, 120))}: only http(s), ssh and git URLs or local paths`);
    if (!/^[A-Za-z0-9[][A-Za-z0-9.:[\]-]*$/.test(url.hostname)) throw new Error(`git repository has an invalid host ${JSON.stringify(url.hostname.slice(0, 80))}`);
    if (/[\s\u0000-\u001f\u007f]/.test(repo)) throw new Error('git repository URL contains spaces or control characters');
    // ssh gets `user@host` as one word: a user starting with `-` is an option, and `%` hides what git decodes.
    if (url.username !== '' && !/^[A-Za-z0-9._][A-Za-z0-9._-]{0,63}$/.test(url.username)) throw new Error('git repository has an invalid user name (letters, digits, . _ - , not first)');
    return url.href;
  }
  if (repo.includes('::')) throw new Error(`git repository ${JSON.stringify(repo.slice(0, 120))}: transport helpers (x::y) are not allowed`);
  return path.resolve(repo);
}

export function mirrorDir(cacheDir: string, repo: string): string {
  return path.join(cacheDir, 'git', createHash('sha256').update(repo).digest('hex'));
}

/** Clone once (temp folder, then rename), afterwards `fetch --prune --tags`. Returns the mirror's folder. */
export async function updateMirror(cacheDir: string, repo: string, progress: Progress): Promise<string> {
  const mirror = mirrorDir(cacheDir, repo);
  const exists = await stat(mirror).then((s) => s.isDirectory(), () => false);
  if (!exists) {
    await mkdir(path.dirname(mirror), { recursive: true });
    const tmp = `${mirror}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    progress.step(`git clone --mirror ${repo}`);
    try {
      // `--` ends options: the repository can never be read as one.
      await gitIn(path.dirname(mirror), progress).raw(['clone', '--mirror', '--progress', '--', repo, tmp]);
      await rename(tmp, mirror).catch((e: NodeJS.ErrnoException) => {
        // Another lab process cloned it meanwhile: theirs is as good as ours.
        if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e;
      });
    } catch (error) {
      throw new Error(`git clone of ${repo} failed: ${firstLine(error)}`, { cause: error });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    return mirror;
  }
  progress.step(`git fetch ${repo}`);
  try {
    await gitIn(mirror, progress).raw(['fetch', '--prune', '--tags', '--progress', 'origin']);
  } catch (error) {
    throw new Error(`git fetch of ${repo} failed: ${firstLine(error)}`, { cause: error });
  }
  return mirror;
}

export function gitIn(baseDir: string, progress?: Progress): SimpleGit {
  return simpleGit({
    baseDir,
    timeout: { block: STALL_MS },
    ...(progress ? { progress: (e: SimpleGitProgressEvent) => progress.fraction(e.progress / 100, `${e.method} ${e.stage} ${e.processed}/${e.total}`) } : {}),
  }).env(gitEnv());
}

/** The caller's environment minus what would point git at another repository; never a credential prompt. */
export function gitEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^GIT_(DIR|WORK_TREE|INDEX_FILE|OBJECT_DIRECTORY|ALTERNATE_OBJECT_DIRECTORIES|COMMON_DIR|NAMESPACE|CONFIG_PARAMETERS|CONFIG_COUNT)$/.test(key)) env[key] = value;
  }
  return { ...env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
}

export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.trim().split('\n').find((line) => line.trim() !== '') ?? text;
}
