// The one way a bisection is requested, whoever asks: `testlab bisect` on this machine's lab, POST
// /api/bisections on a running one. Every input is checked before anything is stored (a refused request
// stores nothing), then the bisection is created, or the one of the same range and set is found. Where test
// sets, trees and NUTs are differs between the callers, so it comes in: this package needs no test set
// loader, no git and no diff package (the layering table keeps bisect on core and pipeline).
import { bisectionKey, type BisectionRecord, type BisectionSpec, type BisectionStore, type ResultsQuery, type TestSet } from '@testlab/core';
import { agreed, bisectEnd, BisectionRefused, casesToBisect, type CompareRuns, type InputNames } from './bisection-ends.js';

export interface BisectionRequest {
  /** A run id of this lab, or a ref in the tree. */
  good: string;
  bad: string;
  /** Default: the bad run's regressions against the good run (both ends must then be runs). */
  cases?: readonly string[];
  /** Default: the runs' (tree and test set); needed when neither end is a run. */
  testset?: string;
  tree?: string;
  /** The NUT profile the steps run on; default: the runs', else the caller's (`profile`). */
  nut?: string;
  confirmRuns?: number;
  maxSteps?: number;
  /** `cli`, `api`: who asked (stored with the bisection). */
  requestedBy: string;
}

/** What a lab gives to check a request against itself. */
export interface BisectionDesk {
  results: ResultsQuery;
  bisections: BisectionStore;
  /** How the caller spells each input, for the messages. */
  names: InputNames;
  /** Attempts per step and search steps when the request names none. */
  defaults: { confirmRuns: number; maxSteps: number };
  /** The set as this lab would run it; an error (naming the set) when it has none such: a refusal. */
  testset(name: string): Promise<TestSet>;
  /** Both refs resolved in the tree, good an older ancestor of bad (kernel-sources' validateBisectRange on the lab's mirror); an error is a refusal. */
  range(tree: string, good: string, bad: string): Promise<{ good: string; bad: string; commitsInRange: number }>;
  compare: CompareRuns;
  /**
   * The NUT profile the steps will run on: `asked` (given, or the runs' NUT kind) or the lab's choice when
   * undefined; a BisectionRefused naming why when this lab has no NUT that could run the set so.
   */
  profile(set: TestSet, asked: string | undefined): string;
}

/** As the lab config's `bisect:` section allows: more attempts prove nothing more, more steps than 2^100 commits there are not. */
export const BISECTION_LIMITS = { confirmRuns: 10, maxSteps: 100 } as const;

export async function startBisection(desk: BisectionDesk, request: BisectionRequest): Promise<{ bisection: BisectionRecord; created: boolean }> {
  const { names } = desk;
  const confirmRuns = bounded(names.confirmRuns, request.confirmRuns ?? desk.defaults.confirmRuns, BISECTION_LIMITS.confirmRuns);
  const maxSteps = bounded(names.maxSteps, request.maxSteps ?? desk.defaults.maxSteps, BISECTION_LIMITS.maxSteps);
  const good = await bisectEnd(desk.results, 'good', request.good, names);
  const bad = await bisectEnd(desk.results, 'bad', request.bad, names);
  const tree = agreed('tree', good, bad, request.tree);
  if (tree === undefined) throw new BisectionRefused(`which tree? give ${names.tree} (a git repository) when neither end is a run`);
  const testsetName = agreed('testset', good, bad, request.testset);
  if (testsetName === undefined) throw new BisectionRefused(`which test set? give ${names.testset} when neither end is a run`);
  const testset = await refusal(() => desk.testset(testsetName));
  // A step runs only the bisected cases: TAHI and kselftest sets name targets and programs, not cases.
  if (testset.engine !== 'builtin') throw new BisectionRefused(`test set ${testset.name} runs on engine ${testset.engine}, whose cases a step cannot run alone (only builtin-engine sets can be bisected)`);
  const profile = desk.profile(testset, agreed('nut', good, bad, request.nut));
  const cases = await casesToBisect(desk.compare, good, bad, request.cases ?? [], names);
  const unknown = cases.filter((c) => !testset.cases.includes(c));
  if (unknown.length > 0) throw new BisectionRefused(`test set ${testset.name} has no case ${unknown.join(', ')}`);
  // Last: it may fetch the tree (or clone it, the first time).
  const range = await refusal(() => desk.range(tree, good.ref, bad.ref));
  const spec: BisectionSpec = {
    tree,
    good: { commit: range.good, runId: good.runId },
    bad: { commit: range.bad, runId: bad.runId },
    testset: testset.name,
    profile,
    cases,
    confirmRuns,
    maxSteps,
    requestedBy: request.requestedBy,
  };
  const existing = await desk.bisections.byKey(bisectionKey(spec));
  if (existing && existing.cases.join() !== cases.join()) {
    throw new BisectionConflict(existing, `bisection ${existing.id} of this range and set bisects ${existing.cases.join(', ')}, not ${cases.join(', ')}`);
  }
  const { bisection, created } = await desk.bisections.create(spec);
  // The range's size is stored when a worker starts; the estimate is known now.
  return { bisection: bisection.commitsInRange === null ? { ...bisection, commitsInRange: range.commitsInRange } : bisection, created };
}

/** The range and set are bisected already, for other cases (one bisection per range and set): the API's 409. */
export class BisectionConflict extends BisectionRefused {
  constructor(readonly existing: BisectionRecord, message: string) {
    super(message);
    this.name = 'BisectionConflict';
  }
}

function bounded(name: string, value: number, most: number): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > most) throw new BisectionRefused(`${name} must be a whole number from 1 to ${most}, got ${value}`);
  return value;
}

/** What the caller's test set or tree could not do with the request is the request's fault, told in its words. */
async function refusal<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BisectionRefused) throw error;
    throw new BisectionRefused((error as Error).message, { cause: error });
  }
}
