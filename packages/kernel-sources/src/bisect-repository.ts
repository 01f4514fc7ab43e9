// core's BisectRepository on the lab's git mirror: the git side of bisecting a regression, so the commits
// the lab tests are the ones `git bisect` would have chosen and a kernel developer can replay the search.
//
// `next` asks git for what `git bisect` computes internally (bisect.c, bisect_next_all) rather than
// re-deriving it: with no skipped commit, `rev-list --bisect` (the same find_bisection call, which may stop
// early at a commit that is "close enough" to halfway); once any commit was skipped, `git bisect` ranks every
// commit (`rev-list --bisect-all`: by distance, best first, ties by id) and, when the best is skipped, does
// not take the next best but jumps a pseudo-random way down the list (skip_away), so that it leaves the
// untestable area. That jump is reproduced here bit for bit; test/bisect-repository.test.ts checks every
// choice against a real `git bisect` run on the same history.
//
// No string from outside reaches a shell: git gets argument arrays, every commit argument is a full id
// (checked), and a ref is a plain name (validateGitRef: never an option) handed over after --end-of-options.
import { stat } from 'node:fs/promises';
import { execa } from 'execa';
import type { BisectRepository, CommitIdentity, Progress } from '@testlab/core';
import { silentProgress } from '@testlab/core';
import { COMMIT, gitEnv, gitIn, gitMirrorDir, normalizeRepo, repoLabel, updateGitMirror } from './git-mirror.js';
import { validateGitRef } from './validate.js';

export type BisectNext = { test: string } | { culprit: string } | { onlySkipped: string[] };

/** A ref that names no commit in the tree (`role`: which end of a range it was given as). */
export class UnknownRefError extends Error {
  constructor(readonly ref: string, readonly tree: string, role?: 'good' | 'bad') {
    // The ref passed validateGitRef: a plain name, shown as it is.
    super(`${role === undefined ? '' : `${role} `}ref ${ref} does not exist in ${tree}`);
    this.name = 'UnknownRefError';
  }
}

/** The mirror could not be cloned or fetched; the message is git's own. */
export class TreeUnreachableError extends Error {
  constructor(readonly tree: string, cause: unknown) {
    super(`the tree ${tree} cannot be reached: ${gitMessage(cause)}`, { cause });
    this.name = 'TreeUnreachableError';
  }
}

/**
 * One tree's bisection repository. It clones or fetches the mirror at most once, and not at all while the
 * commits it is asked about are already there (a bisection resumed after a crash needs no network).
 */
export class GitBisectRepository implements BisectRepository {
  /** The tree as messages show it (a URL without credentials, or a path). */
  readonly tree: string;
  private readonly repo: string;
  private readonly dir: string;
  private fetched: Promise<string> | undefined;
  /** Commits seen in the mirror: each step asks about the same few (gc keeps even a dropped branch's for weeks). */
  private readonly known = new Set<string>();

  constructor(private readonly cacheDir: string, tree: string, private readonly progress: Progress = silentProgress) {
    this.repo = normalizeRepo(tree);
    this.tree = repoLabel(this.repo);
    this.dir = gitMirrorDir(cacheDir, this.repo);
  }

  async resolve(ref: string): Promise<string> {
    try {
      validateGitRef(ref);
    } catch (error) {
      throw new Error(`${(error as Error).message} (in ${this.tree})`, { cause: error });
    }
    const dir = await this.mirror(COMMIT.test(ref) ? ref : undefined);
    // --quiet: a missing ref is exit 1 with no output, not an error message to parse.
    const out = (await this.git(dir, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], `resolving ${JSON.stringify(ref)}`)).trim();
    if (out === '') throw new UnknownRefError(ref, this.tree);
    if (!COMMIT.test(out)) throw new Error(`git rev-parse gave ${JSON.stringify(out.slice(0, 80))} for ${JSON.stringify(ref)} in ${this.tree}, not a commit id`);
    return out;
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    this.commits({ ancestor, descendant });
    const dir = await this.mirror(descendant);
    // The answer is the exit code, which simple-git does not report (exit 1 without stderr passes for
    // success): this one command runs through execa, with the same environment as every other.
    const run = await execa('git', ['merge-base', '--is-ancestor', ancestor, descendant], { cwd: dir, env: gitEnv(), extendEnv: false, reject: false, stdin: 'ignore' });
    if (run.exitCode === 0) return true;
    if (run.exitCode === 1) return false;
    throw new Error(`git merge-base --is-ancestor ${ancestor} ${descendant} in ${this.tree} failed (exit ${run.exitCode ?? '?'}): ${gitMessage(String(run.stderr))}`);
  }

  async countRange(good: string, bad: string): Promise<number> {
    this.commits({ good, bad });
    const dir = await this.mirror(bad);
    const out = (await this.git(dir, ['rev-list', '--count', bad, '--not', good, '--'], `counting ${good}..${bad}`)).trim();
    if (!/^\d+$/.test(out)) throw new Error(`git rev-list --count gave ${JSON.stringify(out.slice(0, 80))} for ${good}..${bad} in ${this.tree}`);
    return Number(out);
  }

  async next(bad: string, goods: string[], skipped: string[]): Promise<BisectNext> {
    this.commits({ bad });
    goods.forEach((good) => this.commits({ good }));
    skipped.forEach((skip) => this.commits({ skip }));
    if (skipped.includes(bad)) throw new Error(`the bad commit ${bad} is also in skipped (in ${this.tree})`);
    const dir = await this.mirror(bad);
    // `git bisect` reads refs/bisect/good-<id> in name order and walks from them in that order; the walk's
    // order decides ties, so the goods go in the same order here.
    const negatives = [...new Set(goods)].sort();
    const args = ['rev-list', skipped.length > 0 ? '--bisect-all' : '--bisect', bad, '--not', ...negatives, '--'];
    const out = await this.git(dir, args, `choosing the next commit in ${negatives.join(' ') || '(no good)'}..${bad}`);
    // --bisect-all prints `<id> (dist=N)`, with refs among the decorations: only the id counts.
    const ranked = out.split('\n').map((line) => line.trim().split(/\s/)[0] ?? '').filter((id) => id !== '');
    const strange = ranked.find((id) => !COMMIT.test(id));
    if (strange !== undefined) throw new Error(`git rev-list gave ${JSON.stringify(strange.slice(0, 80))} in ${this.tree}, not a commit id`);
    if (ranked.length === 0) throw new Error(`no commit is left between ${negatives.join(' ')} and ${bad} in ${this.tree}: the bad commit is reachable from a good one`);
    return chooseLikeGitBisect(bad, ranked, new Set(skipped));
  }

  async identity(commit: string): Promise<CommitIdentity> {
    this.commits({ commit });
    const dir = await this.mirror(commit);
    const out = await this.git(dir, ['log', '-1', '--format=%s%x00%an <%ae>', commit, '--'], `reading commit ${commit}`);
    const [subject, author] = out.replace(/\n$/, '').split('\0');
    if (subject === undefined || author === undefined) throw new Error(`git log gave no subject and author for ${commit} in ${this.tree}`);
    return { commit, subject, author };
  }

  async firstParent(commit: string): Promise<string | null> {
    this.commits({ commit });
    const dir = await this.mirror(commit);
    const parent = (await this.git(dir, ['log', '-1', '--format=%P', commit, '--'], `reading the parents of ${commit}`)).trim().split(' ')[0] ?? '';
    if (parent === '') return null;
    if (!COMMIT.test(parent)) throw new Error(`git log gave ${JSON.stringify(parent.slice(0, 80))} as the parent of ${commit} in ${this.tree}`);
    return parent;
  }

  /** The mirror's folder, fetched first unless `commit` is already in it. */
  private async mirror(commit?: string): Promise<string> {
    if (this.fetched === undefined && commit !== undefined && (await this.has(commit))) return this.dir;
    this.fetched ??= updateGitMirror(this.cacheDir, this.repo, this.progress).catch((error: unknown) => {
      this.fetched = undefined;
      throw new TreeUnreachableError(this.tree, (error as Error).cause ?? error);
    });
    return this.fetched;
  }

  private async has(commit: string): Promise<boolean> {
    if (this.known.has(commit)) return true;
    if (!(await stat(this.dir).then((s) => s.isDirectory(), () => false))) return false;
    const has = await gitIn(this.dir).raw(['cat-file', '-e', `${commit}^{commit}`]).then(() => true, () => false);
    if (has) this.known.add(commit);
    return has;
  }

  private async git(dir: string, args: string[], doing: string): Promise<string> {
    try {
      return await gitIn(dir, this.progress).raw(args);
    } catch (error) {
      throw new Error(`${doing} in ${this.tree}: ${gitMessage(error)}`, { cause: error });
    }
  }

  /** Throws unless every value is a full commit id; the key names it in the message. */
  private commits(named: Record<string, string>): void {
    for (const [name, value] of Object.entries(named)) {
      if (typeof value !== 'string' || !COMMIT.test(value)) throw new Error(`${name} ${JSON.stringify(String(value).slice(0, 80))} is not a full commit id (in ${this.tree})`);
    }
  }
}

/** The lab's BisectRepository for a tree (a URL or a local path, as the git source driver takes it). */
export function bisectRepository(cacheDir: string, tree: string, progress?: Progress): GitBisectRepository {
  return new GitBisectRepository(cacheDir, tree, progress);
}

/**
 * What `git bisect` does with the commits find_bisection ranked (best first): the first when it is not
 * skipped; else a pseudo-random jump into the untested ones (skip_away); the bad commit means the culprit,
 * or, when skipped commits stand between it and the goods, "only skipped commits left to test".
 */
export function chooseLikeGitBisect(bad: string, ranked: readonly string[], skipped: ReadonlySet<string>): BisectNext {
  const first = ranked[0];
  if (first === undefined) throw new Error('no commit ranked');
  if (!skipped.has(first)) return first === bad ? { culprit: bad } : { test: first };
  const tried = ranked.filter((c) => skipped.has(c));
  const untested = ranked.filter((c) => !skipped.has(c));
  const pick = skipAway(untested, bad);
  return pick === bad ? { onlySkipped: [...tried, bad] } : { test: pick };
}

const PRN_MODULO = 32768;

/** bisect.c's skip_away: index = (count * prn / M) * sqrti(prn) / sqrti(M), in C's int arithmetic. */
function skipAway(untested: readonly string[], bad: string): string {
  const count = untested.length;
  const prn = gitPrn(count);
  const index = cDiv(Math.imul(cDiv(Math.imul(count, prn), PRN_MODULO), sqrti(prn)), sqrti(PRN_MODULO));
  const head = untested[0] as string;
  const at = untested[index];
  if (index < 0 || at === undefined) return head;
  if (at !== bad) return at;
  return index > 0 ? (untested[index - 1] as string) : head;
}

/** bisect.c's get_prn: `man 3 rand`'s generator seeded with the count, in unsigned 32-bit arithmetic. */
export function gitPrn(count: number): number {
  const next = (Math.imul(count, 1103515245) + 12345) >>> 0;
  return Math.floor(next / 65536) % PRN_MODULO;
}

/** bisect.c's sqrti: Newton's method in single-precision floats, truncated. */
export function sqrti(value: number): number {
  if (value === 0) return 0;
  const f = Math.fround;
  const v = f(value);
  let x = v;
  let d: number;
  do {
    const y = f(f(x + f(v / x)) / 2);
    d = f(y > x ? y - x : x - y);
    x = y;
  } while (d >= 0.5);
  return Math.trunc(x);
}

/** C's int division: truncates toward zero. */
function cDiv(a: number, b: number): number {
  return Math.trunc(a / b) | 0;
}

export interface BisectRange {
  good: string;
  bad: string;
  /** Commits in good..bad. */
  commitsInRange: number;
}

/** Resolves a range to bisect and checks it is one: good an older ancestor of bad. */
export async function validateBisectRange(repo: BisectRepository & { readonly tree: string }, goodRef: string, badRef: string): Promise<BisectRange> {
  const resolve = async (role: 'good' | 'bad', ref: string) => {
    try {
      return await repo.resolve(ref);
    } catch (error) {
      if (error instanceof UnknownRefError) throw new UnknownRefError(ref, repo.tree, role);
      throw error;
    }
  };
  const good = await resolve('good', goodRef);
  const bad = await resolve('bad', badRef);
  if (good === bad) throw new Error(`good ref ${goodRef} and bad ref ${badRef} are the same commit ${good} in ${repo.tree}: there is nothing to bisect`);
  if (!(await repo.isAncestor(good, bad))) throw new Error(`${goodRef} is not an ancestor of ${badRef} (good must be older than bad) in ${repo.tree}`);
  return { good, bad, commitsInRange: await repo.countRange(good, bad) };
}

/** The line of git's output that says what went wrong: its last `fatal:`/`error:` line, else the first line. */
export function gitMessage(error: unknown): string {
  const text = (error instanceof Error ? error.message : String(error)).trim();
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
  return lines.findLast((line) => /^(fatal|error):/.test(line)) ?? lines[0] ?? text;
}
