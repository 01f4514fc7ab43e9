// A kernel from a git repository (a URL or a local path) at a tag, branch or commit. The repository is kept
// as a bare mirror in the cache, so the next nightly run only fetches what is new; the identity is the commit.
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { execa } from 'execa';
import { simpleGit, type SimpleGit, type SimpleGitProgressEvent } from 'simple-git';
import type { KernelSource, Progress, SourceIdentity } from '@testlab/core';
import { redactUrl } from '@testlab/transport';
import { sha256Text } from './hash.js';
import { untarInto } from './extract.js';
import { validateGitRef, validateRemoteUrl } from './validate.js';

const COMMIT = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
/** Kill a git process that prints nothing for this long (a server that stalls mid-clone). */
const STALL_MS = 5 * 60_000;

export class GitSource implements KernelSource {
  readonly description: string;
  /** What git is handed: a validated URL, or an absolute path (never starting with `-`). */
  private readonly repo: string;
  private readonly repoLabel: string;
  private commit: string | undefined;

  constructor(repository: string, readonly ref: string = 'HEAD') {
    validateGitRef(ref);
    if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(repository)) {
      this.repo = validateRemoteUrl(repository).href;
      this.repoLabel = redactUrl(this.repo);
    } else {
      this.repo = path.resolve(repository);
      this.repoLabel = this.repo;
    }
    this.description = `git ${this.repoLabel}@${ref}`;
  }

  async identify(cacheDir: string, progress: Progress): Promise<SourceIdentity> {
    const mirror = await this.updateMirror(cacheDir, progress);
    const git = gitIn(mirror, progress);
    let commit: string;
    try {
      // ^{commit}: a tag resolves to the commit it names, and a tree or blob id is refused.
      commit = (await git.raw(['rev-parse', '--verify', `${this.ref}^{commit}`])).trim();
    } catch (error) {
      throw new Error(`${this.repoLabel} has no commit for ref ${JSON.stringify(this.ref)}: ${firstLine(error)}`, { cause: error });
    }
    if (!COMMIT.test(commit)) throw new Error(`git rev-parse gave ${JSON.stringify(commit.slice(0, 80))} for ${this.ref}, not a commit id`);
    this.commit = commit;
    return { hash: `git:${commit}`, label: `${this.repoLabel}@${this.ref} (${commit.slice(0, 12)})` };
  }

  async extractTo(dir: string, cacheDir: string, progress: Progress): Promise<void> {
    if (this.commit === undefined) await this.identify(cacheDir, progress);
    const commit = this.commit as string;
    const mirror = this.mirrorDir(cacheDir);
    progress.step(`git archive ${commit.slice(0, 12)}`);
    // git archive | tar -x: two processes, argument arrays, the bytes passed between them by us. git starts
    // when tar is ready to read, and execa's own iterator hands over every chunk from the first one.
    const producer = async function* () {
      const archive = execa('git', ['archive', '--format=tar', commit], { cwd: mirror, buffer: false, env: gitEnv(), extendEnv: false });
      yield* archive.iterable({ binary: true });
      await archive; // a failed git archive must not pass for a short archive
    };
    await untarInto(dir, `${this.repoLabel} at ${commit}`, { flags: [], input: producer() });
  }

  /** `git describe --tags` of the identified commit (`v6.13-rc1-3-gabcdef012345`), for naming a snapshot. */
  async describe(cacheDir: string, progress: Progress): Promise<string> {
    if (this.commit === undefined) await this.identify(cacheDir, progress);
    return describeCommit(this.mirrorDir(cacheDir), this.commit as string);
  }

  private mirrorDir(cacheDir: string): string {
    // Named by the hash of the repository: a URL never becomes a path.
    return path.join(cacheDir, 'git', sha256Text(this.repo));
  }

  /** Clone the mirror once (into a temp folder, then rename); afterwards fetch, unless the commit is already here. */
  private async updateMirror(cacheDir: string, progress: Progress): Promise<string> {
    const mirror = this.mirrorDir(cacheDir);
    const exists = await stat(mirror).then((s) => s.isDirectory(), () => false);
    if (!exists) {
      await mkdir(path.dirname(mirror), { recursive: true });
      const tmp = `${mirror}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
      progress.step(`git clone --mirror ${this.repoLabel}`);
      try {
        // `--` ends options: the repository can never be read as one, whatever it is. `--progress` is written
        // here because simple-git's progress plugin would otherwise append it, after the `--`.
        await gitIn(path.dirname(mirror), progress).raw(['clone', '--mirror', '--progress', '--', this.repo, tmp]);
        await rename(tmp, mirror).catch(async (e: NodeJS.ErrnoException) => {
          // Another lab process cloned it meanwhile: theirs is as good as ours.
          if (e.code !== 'ENOTEMPTY' && e.code !== 'EEXIST') throw e;
        });
      } catch (error) {
        throw new Error(`git clone of ${this.repoLabel} failed: ${firstLine(error)}`, { cause: error });
      } finally {
        await rm(tmp, { recursive: true, force: true });
      }
      return mirror;
    }
    const git = gitIn(mirror, progress);
    const pinned = COMMIT.test(this.ref) && (await git.raw(['cat-file', '-e', `${this.ref}^{commit}`]).then(() => true, () => false));
    if (!pinned) {
      progress.step(`git fetch ${this.repoLabel}`);
      try {
        await git.raw(['fetch', '--prune', '--progress', 'origin']);
      } catch (error) {
        throw new Error(`git fetch of ${this.repoLabel} failed: ${firstLine(error)}`, { cause: error });
      }
    }
    return mirror;
  }
}

/** `git describe --tags --abbrev=12 <commit>` in a repository, checked to be a plain name before it is returned. */
export async function describeCommit(repoDir: string, commit: string): Promise<string> {
  if (!COMMIT.test(commit)) throw new Error(`describeCommit: ${JSON.stringify(commit.slice(0, 80))} is not a commit id`);
  let text: string;
  try {
    text = (await gitIn(repoDir).raw(['describe', '--tags', '--abbrev=12', commit])).trim();
  } catch (error) {
    throw new Error(`no tag to describe commit ${commit} from: ${firstLine(error)}`, { cause: error });
  }
  // Tag names come from the repository, which is not ours: refuse anything but a plain name.
  if (!/^[A-Za-z0-9][A-Za-z0-9._/+-]{0,250}$/.test(text)) throw new Error(`git describe gave an unusable name ${JSON.stringify(text.slice(0, 80))}`);
  return text;
}

function gitIn(baseDir: string, progress?: Progress): SimpleGit {
  return simpleGit({
    baseDir,
    timeout: { block: STALL_MS },
    ...(progress ? { progress: (e: SimpleGitProgressEvent) => progress.fraction(e.progress / 100, `${e.method} ${e.stage} ${e.processed}/${e.total}`) } : {}),
  }).env(gitEnv());
}

/** The caller's environment minus what would point git at another repository; never a credential prompt. */
function gitEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^GIT_(DIR|WORK_TREE|INDEX_FILE|OBJECT_DIRECTORY|ALTERNATE_OBJECT_DIRECTORIES|COMMON_DIR|NAMESPACE|CONFIG_PARAMETERS|CONFIG_COUNT)$/.test(key)) env[key] = value;
  }
  return { ...env, GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' };
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.trim().split('\n').find((line) => line.trim() !== '') ?? text;
}
