// A linear history and kernels that behave as a test says, for the search's unit tests. The real git side
// (kernel-sources' bisect repository, checked against `git bisect` itself) and real kernels are the e2e's.
import type { BisectRepository, Verdict } from '@testlab/core';
import { StepNotTestable, type StepRequest, type StepTester } from '../src/index.js';

/** Commit ids `c00..cNN` padded to 40 hex-ish characters so they look like what the store holds. */
export function commitIds(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `c${String(i).padStart(2, '0')}`.padEnd(40, '0'));
}

/** `git bisect` on a line: the untested commit nearest the middle of (newest good, bad). */
export class LinearRepository implements BisectRepository {
  readonly nextCalls: string[] = [];
  constructor(readonly commits: string[]) {}

  private at(commit: string): number {
    const i = this.commits.indexOf(commit);
    if (i < 0) throw new Error(`no commit ${commit}`);
    return i;
  }
  async resolve(ref: string) {
    return this.commits[this.at(ref)]!;
  }
  async isAncestor(a: string, d: string) {
    return this.at(a) <= this.at(d);
  }
  async countRange(good: string, bad: string) {
    return this.at(bad) - this.at(good);
  }
  async next(bad: string, goods: string[], skipped: string[]) {
    const lo = Math.max(...goods.map((g) => this.at(g)));
    const hi = this.at(bad);
    const left = this.commits.slice(lo + 1, hi);
    this.nextCalls.push(`${lo}..${hi}`);
    if (left.length === 0) return { culprit: bad };
    const untested = left.filter((c) => !skipped.includes(c));
    if (untested.length === 0) return { onlySkipped: [...left, bad] };
    const middle = (lo + hi) / 2;
    untested.sort((a, b) => Math.abs(this.at(a) - middle) - Math.abs(this.at(b) - middle) || this.at(a) - this.at(b));
    return { test: untested[0]! };
  }
  async identity(commit: string) {
    return { commit, subject: `change ${this.at(commit)}`, author: 'A U Thor <author@example.org>' };
  }
  async firstParent(commit: string) {
    const i = this.at(commit);
    return i === 0 ? null : this.commits[i - 1]!;
  }
}

export interface KernelBehaviour {
  /** The verdict of `caseId` on `commit` at its `attempt`-th run (1-based); `revertOf` for a revert step. */
  verdict(commit: string, caseId: string, attempt: number, revertOf?: string): Verdict;
  /** A reason when the commit's kernel cannot be built or booted. */
  untestable?(commit: string, revertOf?: string): string | undefined;
}

/** Runs every owed attempt as the behaviour says, recording each; counts every attempt it ran. */
export class ScriptedTester implements StepTester {
  readonly ran: { n: number; role: string; commit: string }[] = [];
  /** Throw (a dying lab process) after this many attempts in total. */
  crashAfter: number | undefined;

  /** `makeRun` stores a run for each step (the store refuses a step naming a run it does not have). */
  constructor(
    private readonly behaviour: KernelBehaviour,
    private readonly makeRun?: () => Promise<number>,
  ) {}

  async test(request: StepRequest) {
    const { step, bisection } = request;
    const why = this.behaviour.untestable?.(step.commit, request.revertOf);
    if (why !== undefined) throw new StepNotTestable(why, { buildMs: 1000 }, [`build-${step.n}.log`]);
    const runId = this.makeRun ? await this.makeRun() : undefined;
    for (let i = 0; i < request.attempts; i++) {
      if (this.crashAfter !== undefined && this.ran.length >= this.crashAfter) throw new Error('the lab process died');
      const attempt = step.attempts.length + i + 1;
      this.ran.push({ n: step.n, role: step.role, commit: step.commit });
      const verdicts = Object.fromEntries(bisection.cases.map((c) => [c, this.behaviour.verdict(step.commit, c, attempt, request.revertOf)]));
      if (!(await request.onAttempt(verdicts, { buildMs: 2000, bootMs: 3000, testMs: 4000, ...(runId !== undefined ? { runId } : {}) }))) break;
    }
    return { logs: [`step-${step.n}.log`] };
  }
}
