// `testlab bisect --good <run|ref> --bad <run|ref> [--case <id>]... [--testset <name>] [--tree <repo>]`:
// finds the commit that made the cases fail, on this machine's lab (its store, a QEMU NUT), and proves it
// before saying so. Each step is a run of the lab, so its build, console, case logs and captures are where
// every run's are; the steps' runs are stored as test set `bisect-<set>`, so they never become a baseline
// or a point of the set's history. Killed, the same command resumes the bisection at the step it was at.
import path from 'node:path';
import type { Command } from 'commander';
import { bisectionKey, estimatedSteps, type BisectionRecord, type BisectionStep, type LabStores } from '@testlab/core';
import { pipelineStepRunner, runBisection, stepTesterOnRuns, type StepRunner } from '@testlab/bisect';
import { bisectRepository, bisectWorktree, kernelSourceFrom, validateBisectRange } from '@testlab/kernel-sources';
import { loadTestSet } from '@testlab/testsets';
import { labPaths, type LabPaths } from '../lab-paths.js';
import { labDrivers, openLocalStores } from '../wiring.js';
import { createStageReporter } from '../stage-reporter.js';
import { table } from '../format.js';
import { agreed, bisectEnd, casesToBisect } from './bisect-ends.js';

export interface BisectOptions {
  good: string;
  bad: string;
  case?: string[];
  testset?: string;
  tree?: string;
  confirmRuns?: number;
  maxSteps?: number;
  json?: boolean;
}

/** 0: the bisection ended (found or inconclusive: the output says which); 1: the lab failed; 2: bad input. */
export async function bisectCommand(paths: LabPaths, opts: BisectOptions): Promise<number> {
  const stores = await openLocalStores(paths);
  try {
    let bisection: BisectionRecord;
    try {
      bisection = await prepare(paths, stores, opts);
    } catch (error) {
      process.stderr.write(`testlab bisect: ${(error as Error).message}\n`);
      return 2;
    }
    const say = (text: string) => void process.stderr.write(`[bisect ${bisection.id}] ${text}\n`);
    say(`${bisection.cases.join(', ')} on ${bisection.testset}@${bisection.profile}: ${bisection.commitsInRange ?? '?'} commits from ${bisection.good.commit.slice(0, 12)} to ${bisection.bad.commit.slice(0, 12)}, about ${estimatedSteps(bisection.commitsInRange ?? 0)} steps`);
    const end = await runBisection(bisection.id, {
      store: stores.bisections,
      repo: bisectRepository(paths.cache, bisection.tree),
      tester: stepTesterOnRuns(stores.store, await stepRunner(paths, stores, bisection)),
      progress: { step: say, fraction: () => undefined },
    });
    const steps = await stores.bisections.steps(end.id);
    if (opts.json) process.stdout.write(`${JSON.stringify({ bisection: end, steps }, null, 2)}\n`);
    else printBisection(end, steps);
    return 0;
  } catch (error) {
    process.stderr.write(`testlab bisect: the lab failed: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await stores.close();
  }
}

/** Checks every input and stores the bisection (or finds the one of the same range and set). */
async function prepare(paths: LabPaths, stores: LabStores, opts: BisectOptions): Promise<BisectionRecord> {
  const good = await bisectEnd(stores.results, 'good', opts.good);
  const bad = await bisectEnd(stores.results, 'bad', opts.bad);
  const tree = agreed('tree', good, bad, opts.tree);
  if (tree === undefined) throw new Error('which tree? give --tree <repository> when neither end is a run');
  const testsetName = agreed('testset', good, bad, opts.testset);
  if (testsetName === undefined) throw new Error('which test set? give --testset <name> when neither end is a run');
  const profile = agreed('nut', good, bad) ?? 'qemu';
  if (profile !== 'qemu') throw new Error(`the runs were on NUT kind ${profile}: testlab bisect on this machine boots QEMU NUTs only`);
  const testset = await loadTestSet(paths.testsets, testsetName);
  const cases = await casesToBisect(stores.results, good, bad, opts.case ?? []);
  const unknown = cases.filter((c) => !testset.cases.includes(c));
  if (unknown.length > 0) throw new Error(`test set ${testset.name} has no case ${unknown.join(', ')}`);
  const range = await validateBisectRange(bisectRepository(paths.cache, tree), good.ref, bad.ref);
  const spec = {
    tree,
    good: { commit: range.good, runId: good.runId },
    bad: { commit: range.bad, runId: bad.runId },
    testset: testset.name,
    profile,
    cases,
    confirmRuns: opts.confirmRuns ?? 3,
    maxSteps: opts.maxSteps ?? 30,
    requestedBy: 'cli',
  };
  const existing = await stores.bisections.byKey(bisectionKey(spec));
  if (existing && existing.cases.join() !== cases.join()) throw new Error(`bisection ${existing.id} of this range and set bisects ${existing.cases.join(', ')}, not ${cases.join(', ')}`);
  const { bisection } = await stores.bisections.create(spec);
  return bisection.commitsInRange === null ? { ...bisection, commitsInRange: range.commitsInRange } : bisection;
}

/** Each step a run of the set's kernel config at the step's commit, with only the bisected cases (the runner labd uses too). */
async function stepRunner(paths: LabPaths, stores: LabStores, bisection: BisectionRecord): Promise<StepRunner> {
  const workTree = bisectWorktree(paths.cache, bisection.tree);
  return pipelineStepRunner({
    store: stores.store,
    testset: await loadTestSet(paths.testsets, bisection.testset),
    artifactsRoot: path.join(paths.home, 'runs'),
    sourceOf: (commit) => kernelSourceFrom(bisection.tree, commit),
    // The revert is made in the bisection's scratch work tree (its objects are the mirror's).
    revertOnto: (bad, culprit) => workTree.revertOnto(bad, culprit),
    workTree,
    pipelineFor: (source, testset) => labDrivers(paths, { testset, source }),
    reporter: createStageReporter,
    rerunProgress: { step: (text: string) => void process.stderr.write(`[rerun] ${text}\n`), fraction: () => undefined },
  });
}

function printBisection(b: BisectionRecord, steps: BisectionStep[]): void {
  const w = (s: string) => process.stdout.write(`${s}\n`);
  w(table(
    ['STEP', 'ROLE', 'COMMIT', 'OUTCOME', 'BUILD', 'BOOT', 'TEST', 'RUN', 'WHY'],
    steps.map((s) => [String(s.n), s.role, s.commit.slice(0, 12), s.outcome ?? 'running', secs(s.buildMs), secs(s.bootMs), secs(s.testMs), s.runId === null ? '-' : String(s.runId), s.reason ?? '']),
  ));
  if (b.status === 'found' && b.culprit) {
    w(`culprit: ${b.culprit.commit}`);
    w(`  ${b.culprit.subject}`);
    w(`  author: ${b.culprit.author}`);
    w(`proof: ${b.reason}`);
  } else {
    w(`${b.status}: ${b.reason ?? ''}`);
  }
}

function secs(ms: number | null): string {
  return ms === null ? '-' : `${Math.round(ms / 1000)} s`;
}

export function registerBisect(program: Command, positiveInt: (v: string) => number): void {
  program
    .command('bisect')
    .description('find the commit that made cases fail between a good and a bad kernel of a git tree, and prove it (the culprit fails every time, its parent passes, the bad kernel with it reverted passes)')
    .requiredOption('--good <run|ref>', 'a run of this lab, or a ref in the tree, that passes the cases')
    .requiredOption('--bad <run|ref>', 'a run of this lab, or a ref in the tree, that fails them')
    .option('--case <id>', 'a case to bisect (repeatable; default: the bad run\'s regressions against the good run)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--testset <name>', 'the test set (default: the runs\')')
    .option('--tree <repository>', 'the git tree (default: the runs\')')
    .option('--confirm-runs <n>', 'attempts per step, all of which must agree (default 3)', positiveInt)
    .option('--max-steps <n>', 'search steps before giving up as inconclusive (default 30)', positiveInt)
    .option('--json', 'print the bisection and its steps as JSON')
    .action(async (opts: BisectOptions) => {
      process.exitCode = await bisectCommand(labPaths(), opts);
    });
}
