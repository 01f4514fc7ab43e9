// A kernel from a git repository (a URL or a local path) at a tag, branch or commit. The repository is kept
// as a bare mirror in the cache, so the next nightly run only fetches what is new; the identity is the commit.
import { execa } from 'execa';
import type { KernelSource, Progress, SourceIdentity } from '@testlab/core';
import { COMMIT, firstLine, gitEnv, gitIn, gitMirrorDir, normalizeRepo, repoLabel, updateGitMirror } from './git-mirror.js';
import { untarInto } from './extract.js';
import { validateGitRef } from './validate.js';

export class GitSource implements KernelSource {
  readonly description: string;
  /** What git is handed: a validated URL, or an absolute path (never starting with `-`). */
  private readonly repo: string;
  private readonly repoLabel: string;
  private commit: string | undefined;

  constructor(repository: string, readonly ref: string = 'HEAD') {
    validateGitRef(ref);
    this.repo = normalizeRepo(repository);
    this.repoLabel = repoLabel(this.repo);
    this.description = `git ${this.repoLabel}@${ref}`;
  }

  async identify(cacheDir: string, progress: Progress): Promise<SourceIdentity> {
    // A pinned commit already in the mirror needs no fetch.
    const mirror = await updateGitMirror(cacheDir, this.repo, progress, { unlessHas: this.ref });
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
    const mirror = gitMirrorDir(cacheDir, this.repo);
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
    return describeCommit(gitMirrorDir(cacheDir, this.repo), this.commit as string);
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
