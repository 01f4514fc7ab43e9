// Bisecting a regression to the commit that caused it. A run of a kernel from a git tree regressed against a
// baseline from the same tree; the lab tests commits between the two (only the regressed cases, each commit
// `confirmRuns` times so a flaky case cannot steer the search), and before anyone is told it proves the
// culprit: it fails every time, its parent passes every time, and the bad kernel with the culprit reverted
// passes. What was tested, with which verdicts, is stored step by step, so a lab process killed mid-way
// resumes at the step it was at and a reader can check every conclusion against its evidence.
import type { Verdict } from './results.js';

/** queued: waiting for a worker; running; found: culprit proved; inconclusive: evidence kept, nobody blamed; failed: the lab's trouble (tree unreachable...). */
export type BisectionStatus = 'queued' | 'running' | 'found' | 'inconclusive' | 'failed';

export const BISECTION_STATUSES: readonly BisectionStatus[] = ['queued', 'running', 'found', 'inconclusive', 'failed'];

/** What to bisect: one range of one tree, for one test set on one kind of NUT. */
export interface BisectionSpec {
  /** The repository the commits are in (as the git source driver takes it: a URL or a local path). */
  tree: string;
  /** The last commit known good (full SHA-1) and, when it came from one, the run that showed it. */
  good: { commit: string; runId: number | null };
  /** The first commit known bad (full SHA-1) and the run that showed it. */
  bad: { commit: string; runId: number | null };
  testset: string;
  /** The NUT profile the runs used (the kind of NUT the steps run on). */
  profile: string;
  /** The regressed cases: only these are run at each step. */
  cases: string[];
  /** Attempts per step; every attempt must agree (default 3). */
  confirmRuns: number;
  /** Steps of the search allowed before it stops as inconclusive (the proof's steps are not counted). */
  maxSteps: number;
  /** `auto` (labd found regressions) or `cli` (someone asked). */
  requestedBy: string;
}

/** The culprit, as a kernel developer reads it in an email. */
export interface CommitIdentity {
  commit: string;
  subject: string;
  author: string;
}

export interface BisectionRecord extends BisectionSpec {
  id: number;
  /** One bisection per range and set: `bisect:<tree>:<good>..<bad>:<testset>@<profile>`. */
  key: string;
  status: BisectionStatus;
  /** Commits in good..bad when the bisection started (the estimate of steps is log2 of it). */
  commitsInRange: number | null;
  culprit: CommitIdentity | null;
  /** Why it is inconclusive or failed; for `found`, how the proof went. */
  reason: string | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
}

/**
 * search: a commit the search tests; culprit / parent: the proof's runs of the culprit and its first parent;
 * revert: the bad commit with the culprit reverted.
 */
export type StepRole = 'search' | 'culprit' | 'parent' | 'revert';

/** good: every case passed every attempt; bad: a case failed every attempt; skip: not built or not booted (as `git bisect skip`); disagree: attempts gave different verdicts. */
export type StepOutcome = 'good' | 'bad' | 'skip' | 'disagree';

export interface BisectionStep {
  bisectionId: number;
  /** 1, 2, ... in the order the steps were taken. */
  n: number;
  role: StepRole;
  /** The commit tested (for `revert`: the bad commit the culprit was reverted on). */
  commit: string;
  /** Each attempt's verdicts, case id -> verdict, as they were recorded. */
  attempts: Record<string, Verdict>[];
  /** Null while the step runs. */
  outcome: StepOutcome | null;
  /** Why a step was skipped or disagreed, in words (the build's last error line, the boot failure). */
  reason: string | null;
  buildMs: number | null;
  bootMs: number | null;
  testMs: number | null;
  /** The lab run that tested this step's kernel (its stages, console, case logs and captures), once there is one. */
  runId: number | null;
  /** The step's logs (build, console, case logs), paths under the lab's runs folder. */
  logs: string[];
  startedAt: string;
  endedAt: string | null;
}

export interface BisectionFinish {
  status: Extract<BisectionStatus, 'found' | 'inconclusive' | 'failed'>;
  culprit?: CommitIdentity;
  reason: string;
}

export interface BisectionStore {
  /** Records a bisection to do; a spec whose key exists returns the existing one (`created: false`). */
  create(spec: BisectionSpec): Promise<{ bisection: BisectionRecord; created: boolean }>;
  get(id: number): Promise<BisectionRecord | undefined>;
  byKey(key: string): Promise<BisectionRecord | undefined>;
  /** Newest first. */
  list(options?: { status?: BisectionStatus; limit?: number }): Promise<BisectionRecord[]>;
  /** The bisections whose good or bad run is this run (the run page links them). */
  forRun(runId: number): Promise<BisectionRecord[]>;
  /** A worker starts (or resumes) it: status running, the range's size. */
  start(id: number, commitsInRange: number): Promise<BisectionRecord>;
  /**
   * Begins a step. When the newest step is unfinished with the same role and commit (a lab process died
   * during it), that step is returned as it is, with the attempts it recorded: nothing is run twice.
   */
  beginStep(id: number, step: { role: StepRole; commit: string }): Promise<BisectionStep>;
  /** Adds one attempt's verdicts to an unfinished step (and the facts known so far). */
  recordAttempt(id: number, n: number, verdicts: Record<string, Verdict>, facts?: StepFacts): Promise<BisectionStep>;
  /** Ends a step with its outcome; an ended step cannot be changed. */
  finishStep(id: number, n: number, end: { outcome: StepOutcome; reason?: string; facts?: StepFacts; logs?: string[] }): Promise<BisectionStep>;
  steps(id: number): Promise<BisectionStep[]>;
  /** Ends the bisection; an ended bisection cannot be changed. */
  finish(id: number, end: BisectionFinish): Promise<BisectionRecord>;
}

/** What a step learned besides verdicts: its timings and its run. A field given replaces the stored one. */
export interface StepFacts {
  buildMs?: number;
  bootMs?: number;
  testMs?: number;
  runId?: number;
}

/** The key that makes a bisection one per range and set. */
export function bisectionKey(spec: Pick<BisectionSpec, 'tree' | 'good' | 'bad' | 'testset' | 'profile'>): string {
  return `bisect:${spec.tree}:${spec.good.commit}..${spec.bad.commit}:${spec.testset}@${spec.profile}`;
}

/** `git bisect`'s estimate: about log2(n) steps for n commits in range. */
export function estimatedSteps(commitsInRange: number): number {
  return commitsInRange <= 1 ? 0 : Math.ceil(Math.log2(commitsInRange));
}

/**
 * The git side of a bisection, over one tree. Implemented on the lab's git mirror (kernel-sources); every
 * argument is a full commit id the lab already resolved, and every error names the ref or tree it is about.
 */
export interface BisectRepository {
  /** A ref (tag, branch, SHA-1, `describe` name) as a full commit id; an error naming the ref when it does not exist. */
  resolve(ref: string): Promise<string>;
  isAncestor(ancestor: string, descendant: string): Promise<boolean>;
  /** Commits in good..bad (reachable from bad, not from good). */
  countRange(good: string, bad: string): Promise<number>;
  /**
   * The next commit to test, as `git bisect` would choose it between `bad` and the `goods`, never one in
   * `skipped`: `{ test }`; `{ culprit }` when only `bad` is left; `{ onlySkipped }` (with `bad`) when every
   * commit left was skipped.
   */
  next(bad: string, goods: string[], skipped: string[]): Promise<{ test: string } | { culprit: string } | { onlySkipped: string[] }>;
  identity(commit: string): Promise<CommitIdentity>;
  /** The first parent, or null for a root commit. */
  firstParent(commit: string): Promise<string | null>;
}
