// The work tree a bisection of one tree checks its commits out in, kept across steps so that each step's
// build only recompiles what changed since the last one.
//
//   <cache>/bisect/<h>/src          the search's work tree (`git worktree add --detach` from the bare mirror)
//   <cache>/bisect/<h>/out          the make O= folder every step builds in (the builder's request.workTree)
//   <cache>/bisect/<h>/revert       scratch work tree where the revert commit is made; it is built like any
//                                   other step, checked out in src/, so only the reverted files recompile
//
// <h> is the mirror's own name (gitMirrorDir), so one tree has one work tree whatever URL form named it.
// src/ and out/ sit as deep as the builder's trees/<hex>/src and out-*: with ccache's base folder at the
// cache's root, the first step's compiles hit what the good and bad runs' builds left in ccache.
//
// Sources only, builds beside: the lab never builds inside a kernel tree. The builder runs `make O=<out>`
// (packages/builder/src/make.ts) and the kselftest engine `make -C <tree> O=<out>`; kbuild refuses an O=
// build from a tree holding a .config or include/config ("source tree is not clean"). So a step is a forced
// detached checkout, which rewrites only the files that differ (make sees their new mtimes and rebuilds
// what depends on them, in whichever direction the search moved), then `git clean -ffdx`, which removes
// only what someone left in the tree: nothing a build needs lives there. The incremental build is the O=
// folder's, kept because it is outside the tree.
//
// One bisection per tree at a time: the caller (the bisection worker) runs one, and these folders are its.
// A work tree a killed process left unusable (a stale index.lock, a half-made tree, a mirror re-cloned under
// it) is made again, which costs a full build with ccache's help and nothing else.
import { mkdir, realpath, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { BuildWorkTree, Progress } from '@testlab/core';
import { silentProgress } from '@testlab/core';
import { gitMessage } from './bisect-repository.js';
import { COMMIT, gitEnv, gitIn, gitMirrorDir, normalizeRepo, repoLabel, updateGitMirror } from './git-mirror.js';

export type RevertResult = { applied: true; dir: string; commit: string } | { applied: false; reason: string };

/** The revert's committer and author: fixed, with the bad commit's date, so the same revert is the same commit. */
const REVERT_IDENTITY = ['-c', 'user.name=testlab', '-c', 'user.email=testlab@localhost', '-c', 'commit.gpgSign=false'];
// git prefers these to user.name/user.email: whatever identity the lab was started with stays off the revert.
const REVERT_ENV = { GIT_AUTHOR_NAME: 'testlab', GIT_AUTHOR_EMAIL: 'testlab@localhost', GIT_COMMITTER_NAME: 'testlab', GIT_COMMITTER_EMAIL: 'testlab@localhost' };

export class BisectWorktree {
  /** The search's work tree. */
  readonly dir: string;
  /** The make O= folder for builds of `dir`; not made or removed here. */
  readonly outDir: string;
  /** Where revertOnto makes its commit. */
  readonly revertDir: string;
  private readonly repo: string;
  private readonly tree: string;

  constructor(private readonly cacheDir: string, tree: string, private readonly progress: Progress = silentProgress) {
    this.repo = normalizeRepo(tree);
    this.tree = repoLabel(this.repo);
    const home = path.join(cacheDir, 'bisect', path.basename(gitMirrorDir(cacheDir, this.repo)));
    this.dir = path.join(home, 'src');
    this.outDir = path.join(home, 'out');
    this.revertDir = path.join(home, 'revert');
  }

  /**
   * Puts exactly `commit` in the work tree (made on first use). Returns the work tree's folder.
   * `progress`: where to report this checkout (the builder's unpack stage), instead of the constructor's.
   */
  async checkoutCommit(commit: string, progress: Progress = this.progress): Promise<string> {
    checkCommit(commit, 'commit', this.tree);
    const mirror = await updateGitMirror(this.cacheDir, this.repo, progress, { unlessHas: commit });
    if (!(await isWorktreeOf(this.dir, mirror))) {
      await this.addWorktree(mirror, this.dir, commit, progress);
      return this.dir;
    }
    progress.step(`git checkout ${commit.slice(0, 12)}`);
    try {
      const git = gitIn(this.dir, progress);
      // The last checkout left the files it wrote in the same second as its index "racily clean", and a
      // forced checkout rewrites every such file even when the commit has the same content: a refresh
      // first (minutes later, after a build) compares them and records them clean, so they keep their mtimes.
      await git.raw(['update-index', '-q', '--refresh']).catch(() => undefined);
      // `--progress` before `--`: simple-git's progress plugin would otherwise append it after, as a path.
      await git.raw(['checkout', '--force', '--detach', '--progress', commit, '--']);
      await git.raw(['clean', '-ffdxq']);
    } catch (error) {
      progress.step(`work tree ${this.dir} unusable (${gitMessage(error)}): made again`);
      await this.addWorktree(mirror, this.dir, commit, progress);
    }
    return this.dir;
  }

  /**
   * This work tree as a build request's (core's BuildWorkTree): the builder calls its checkout under the O=
   * folder's lock, and it checks out the commit `commitOf` names then (a ref is resolved only at that moment).
   */
  forBuild(commitOf: (progress: Progress) => Promise<string>): BuildWorkTree {
    return {
      srcDir: this.dir,
      outDir: this.outDir,
      checkout: async (progress) => void (await this.checkoutCommit(await commitOf(progress), progress)),
    };
  }

  /**
   * `bad` with `culprit` reverted (against its first parent when it is a merge), in the scratch work tree,
   * whatever an earlier call or a killed process left there removed first. A revert that does not apply
   * is aborted and reported with the files that conflicted.
   */
  async revertOnto(bad: string, culprit: string): Promise<RevertResult> {
    checkCommit(bad, 'bad', this.tree);
    checkCommit(culprit, 'culprit', this.tree);
    const mirror = await updateGitMirror(this.cacheDir, this.repo, this.progress, { unlessHas: bad });
    await this.removeRevert(mirror);
    await this.addWorktree(mirror, this.revertDir, bad);
    const git = gitIn(this.revertDir, this.progress);
    const parents = (await git.raw(['log', '-1', '--format=%P', culprit, '--'])).trim().split(' ');
    const when = `@${(await git.raw(['log', '-1', '--format=%ct', bad, '--'])).trim()} +0000`;
    this.progress.step(`git revert ${culprit.slice(0, 12)} on ${bad.slice(0, 12)}`);
    let failure: unknown;
    try {
      await gitIn(this.revertDir, this.progress)
        .env({ ...gitEnv(), ...REVERT_ENV, GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when })
        .raw([...REVERT_IDENTITY, 'revert', '--no-edit', ...(parents.length > 1 ? ['-m', '1'] : []), culprit]);
    } catch (error) {
      failure = error;
    }
    // A revert with nothing to undo exits 1 with nothing on stderr, which simple-git does not call a
    // failure: whether a commit was made on bad is what tells.
    const head = (await git.raw(['rev-parse', 'HEAD'])).trim();
    if (failure === undefined && head !== bad) return { applied: true, dir: this.revertDir, commit: head };
    const conflicted = (await git.raw(['diff', '--name-only', '--diff-filter=U']).catch(() => '')).split('\n').filter((f) => f !== '');
    await git.raw(['revert', '--abort']).catch(() => undefined);
    await this.removeRevert(mirror);
    if (conflicted.length > 0) return { applied: false, reason: `reverting ${culprit} on ${bad} conflicts in ${conflicted.join(', ')}` };
    if (failure === undefined) return { applied: false, reason: `reverting ${culprit} on ${bad} changes nothing: its change is no longer in ${bad}` };
    return { applied: false, reason: `reverting ${culprit} on ${bad} failed: ${gitMessage(failure)}` };
  }

  /** Removes the scratch work tree. */
  async removeRevert(mirror = gitMirrorDir(this.cacheDir, this.repo)): Promise<void> {
    await rm(this.revertDir, { recursive: true, force: true });
    if (await isDir(mirror)) await gitIn(mirror).raw(['worktree', 'prune']);
  }

  /** A new work tree at `dir` on `commit`, replacing whatever is there. */
  private async addWorktree(mirror: string, dir: string, commit: string, progress: Progress = this.progress): Promise<void> {
    await rm(dir, { recursive: true, force: true });
    await mkdir(path.dirname(dir), { recursive: true });
    const git = gitIn(mirror, progress);
    // Forget trees that are gone; twice --force: a path still registered, even one a killed `add` left
    // locked, is taken over.
    await git.raw(['worktree', 'prune']);
    progress.step(`git worktree add ${dir} ${commit.slice(0, 12)}`);
    try {
      await git.raw(['worktree', 'add', '--force', '--force', '--detach', '--quiet', '--', dir, commit]);
    } catch (error) {
      throw new Error(`cannot make a work tree of ${this.tree} at ${commit} in ${dir}: ${gitMessage(error)}`, { cause: error });
    }
  }
}

/** The work tree for bisecting `tree`, under `cacheDir` beside the tree's mirror. */
export function bisectWorktree(cacheDir: string, tree: string, progress?: Progress): BisectWorktree {
  return new BisectWorktree(cacheDir, tree, progress);
}

function checkCommit(value: string, name: string, tree: string): void {
  if (typeof value !== 'string' || !COMMIT.test(value)) throw new Error(`${name} ${JSON.stringify(String(value).slice(0, 80))} is not a full commit id (in ${tree})`);
}

/** A work tree whose repository is this mirror (checked by `.git` first: git would otherwise look upwards). */
async function isWorktreeOf(dir: string, mirror: string): Promise<boolean> {
  if (!(await stat(path.join(dir, '.git')).then((s) => s.isFile(), () => false))) return false;
  const common = await gitIn(dir).raw(['rev-parse', '--path-format=absolute', '--git-common-dir']).then((out) => out.trim(), () => '');
  if (common === '') return false;
  const real = (p: string) => realpath(p).catch(() => path.resolve(p));
  return (await real(common)) === (await real(mirror));
}

async function isDir(dir: string): Promise<boolean> {
  return stat(dir).then((s) => s.isDirectory(), () => false);
}
