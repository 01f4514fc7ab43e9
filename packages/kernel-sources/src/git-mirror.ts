// The lab's bare mirror of a git repository, in the cache at `<cache>/git/<sha256 of the repository>`:
// the one place that path is made. The git kernel source builds from it and the watcher's git trees poll
// it (and check rc tarballs against its tags), so a tree watched is the tree built and nothing is cloned
// twice. Also how the lab runs git on it: no credential prompts, no GIT_DIR from the caller's environment.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { simpleGit, type SimpleGit, type SimpleGitProgressEvent } from 'simple-git';
import type { Progress } from '@testlab/core';
import { redactUrl } from '@testlab/transport';
import { validateRemoteUrl } from './validate.js';

/** A full commit id (SHA-1 or SHA-256). */
export const COMMIT = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
/** Kill a git process that prints nothing for this long (a server that stalls mid-clone). */
const STALL_MS = 5 * 60_000;

/**
 * A repository as configured or typed: an http(s)/ssh/git URL in its parsed form, or a local path made
 * absolute. What git is handed, and what names the mirror.
 */
export function normalizeRepo(repo: string): string {
  if (typeof repo !== 'string' || repo.trim() === '') throw new Error('empty git repository');
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(repo)) return validateRemoteUrl(repo).href;
  // `ext::sh -c ...` runs a command: transport helpers are refused, local repositories are given as paths.
  if (repo.includes('::')) throw new Error(`git repository ${JSON.stringify(repo.slice(0, 120))}: transport helpers (x::y) are not allowed`);
  return path.resolve(repo);
}

/** A normalized repository for messages and labels: a URL without its credentials, a path as it is. */
export function repoLabel(repo: string): string {
  return repo.startsWith('/') ? repo : redactUrl(repo);
}

/** The mirror's folder: named by the hash of the normalized repository, so a URL never becomes a path. */
export function gitMirrorDir(cacheDir: string, repo: string): string {
  return path.join(cacheDir, 'git', createHash('sha256').update(normalizeRepo(repo)).digest('hex'));
}

/**
 * Clones the mirror once (into a temp folder, then rename), afterwards `fetch --prune --tags`, unless
 * `unlessHas` names a commit already in it. Returns the mirror's folder.
 */
export async function updateGitMirror(cacheDir: string, repo: string, progress: Progress, options: { unlessHas?: string } = {}): Promise<string> {
  const source = normalizeRepo(repo);
  const label = repoLabel(source);
  const mirror = gitMirrorDir(cacheDir, source);
  const exists = await stat(mirror).then((s) => s.isDirectory(), () => false);
  if (!exists) {
    await mkdir(path.dirname(mirror), { recursive: true });
    const tmp = `${mirror}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    progress.step(`git clone --mirror ${label}`);
    try {
      // `--` ends options: the repository can never be read as one, whatever it is. `--progress` is written
      // here because simple-git's progress plugin would otherwise append it, after the `--`.
      await gitIn(path.dirname(mirror), progress).raw(['clone', '--mirror', '--progress', '--', source, tmp]);
      await rename(tmp, mirror).catch((e: NodeJS.ErrnoException) => {
        // Another lab process cloned it meanwhile: theirs is as good as ours.
        if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e;
      });
    } catch (error) {
      throw new Error(`git clone of ${label} failed: ${firstLine(error)}`, { cause: error });
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    return mirror;
  }
  const git = gitIn(mirror, progress);
  const has = options.unlessHas !== undefined && COMMIT.test(options.unlessHas) && (await git.raw(['cat-file', '-e', `${options.unlessHas}^{commit}`]).then(() => true, () => false));
  if (!has) {
    progress.step(`git fetch ${label}`);
    try {
      await git.raw(['fetch', '--prune', '--tags', '--progress', 'origin']);
    } catch (error) {
      throw new Error(`git fetch of ${label} failed: ${firstLine(error)}`, { cause: error });
    }
  }
  return mirror;
}

/** simple-git in `baseDir` with the lab's environment, a stall timeout and optional progress. */
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

/** The first non-empty line of an error (git's messages are long). */
export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.trim().split('\n').find((line) => line.trim() !== '') ?? text;
}
