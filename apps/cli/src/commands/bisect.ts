// `testlab bisect --good <run|ref> --bad <run|ref> [--case <id>]... [--testset <name>] [--tree <repo>]`:
// finds the commit that made the cases fail, on this machine's lab (its store, a QEMU NUT), and proves it
// before saying so. Each step is a run of the lab, so its build, console, case logs and captures are where
// every run's are; the steps' runs are stored as test set `bisect-<set>`, so they never become a baseline
// or a point of the set's history. Killed, the same command resumes the bisection at the step it was at.
// With --lab the request goes to a running lab instead, which checks it the same way (bisect's
// startBisection), queues it for one of its NUTs, and is followed from here until it ends.
import path from 'node:path';
import type { Command } from 'commander';
import { estimatedSteps, type BisectionRecord, type LabStores } from '@testlab/core';
import { BisectionRefused, pipelineStepRunner, runBisection, startBisection, stepTesterOnRuns, type BisectionDesk, type StepRunner } from '@testlab/bisect';
import { bisectRepository, bisectWorktree, kernelSourceFrom, validateBisectRange } from '@testlab/kernel-sources';
import { loadTestSet } from '@testlab/testsets';
import { compareRuns } from '@testlab/diff';
import { labPaths, type LabPaths } from '../lab-paths.js';
import { labDrivers, openLocalStores } from '../wiring.js';
import { createStageReporter } from '../stage-reporter.js';
import { printBisection } from './bisect-report.js';
import { remoteBisectCommand } from './bisect-remote.js';
import { OPTION_NAMES, requestOf, type BisectOptions } from './bisect-request.js';

/** 0: the bisection ended (found or inconclusive: the output says which); 1: the lab failed; 2: bad input. */
export async function bisectCommand(paths: LabPaths, opts: BisectOptions): Promise<number> {
  if (opts.tokenFile !== undefined || opts.poll !== undefined) {
    process.stderr.write('testlab bisect: --token-file and --poll apply with --lab only\n');
    return 2;
  }
  const stores = await openLocalStores(paths);
  try {
    let bisection: BisectionRecord;
    try {
      ({ bisection } = await startBisection(localDesk(paths, stores), { ...requestOf(opts), requestedBy: 'cli' }));
    } catch (error) {
      if (!(error instanceof BisectionRefused)) throw error;
      process.stderr.write(`testlab bisect: ${error.message}\n`);
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

/** This machine's lab, as a request is checked against it: sets from testsets/, trees mirrored in the cache, QEMU NUTs. */
function localDesk(paths: LabPaths, stores: LabStores): BisectionDesk {
  return {
    results: stores.results,
    bisections: stores.bisections,
    names: OPTION_NAMES,
    defaults: { confirmRuns: 3, maxSteps: 30 },
    testset: (name) => loadTestSet(paths.testsets, name),
    range: (tree, good, bad) => validateBisectRange(bisectRepository(paths.cache, tree), good, bad),
    compare: (good, bad) => compareRuns(stores.results, good, bad),
    profile: (_set, asked) => {
      const profile = asked ?? 'qemu';
      if (profile !== 'qemu') throw new BisectionRefused(`NUT profile ${profile}: testlab bisect on this machine boots QEMU NUTs only (give --lab to bisect on a lab that has such NUTs)`);
      return profile;
    },
  };
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

export function registerBisect(program: Command, positiveInt: (v: string) => number): void {
  program
    .command('bisect')
    .description('find the commit that made cases fail between a good and a bad kernel of a git tree, and prove it (the culprit fails every time, its parent passes, the bad kernel with it reverted passes); here, or on a running lab with --lab (exit 0: it ended, found or inconclusive; 1: the lab failed or could not be reached; 2: bad input, also when the lab refuses it; 4: no valid lab token)')
    .requiredOption('--good <run|ref>', 'a run of this lab, or a ref in the tree, that passes the cases')
    .requiredOption('--bad <run|ref>', 'a run of this lab, or a ref in the tree, that fails them')
    .option('--case <id>', 'a case to bisect (repeatable; default: the bad run\'s regressions against the good run)', (v: string, prev: string[] = []) => [...prev, v])
    .option('--testset <name>', 'the test set (default: the runs\')')
    .option('--tree <repository>', 'the git tree (default: the runs\')')
    .option('--nut <profile>', 'the NUT profile the steps run on (default: the runs\'; here only qemu; on a lab, the one profile whose NUTs offer the set\'s mode)')
    .option('--confirm-runs <n>', 'attempts per step, all of which must agree (default 3; on a lab, its bisect.confirmRuns)', positiveInt)
    .option('--max-steps <n>', 'search steps before giving up as inconclusive (default 30; on a lab, its bisect.maxSteps)', positiveInt)
    .option('--json', 'print the bisection and its steps as JSON')
    .option('--lab <url>', 'start the bisection on this running lab (POST /api/bisections, with the lab token) and follow it until it ends; Ctrl-C stops following, not the bisection')
    .option('--token-file <path>', 'with --lab: file holding the lab API token (default: $TESTLAB_TOKEN)')
    .option('--poll <seconds>', 'with --lab: seconds between two looks at the bisection (default 5)', positiveInt)
    .action(async (opts: BisectOptions) => {
      process.exitCode = opts.lab !== undefined ? await remoteBisectCommand(opts) : await bisectCommand(labPaths(), opts);
    });
}
