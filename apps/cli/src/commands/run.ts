// `testlab run`: one kernel source through one test set, with progress per stage.
import path from 'node:path';
import type { BuildWorkTree, TestSet } from '@testlab/core';
import { bisectWorktree, GitSource, kernelSourceFrom } from '@testlab/kernel-sources';
import { loadTestSet } from '@testlab/testsets';
import { runKernelTestSet } from '@testlab/pipeline';
import { recordRunDiffs, RunNotDiffableError } from '@testlab/diff';
import type { LabPaths } from '../lab-paths.js';
import { labDrivers, openLocalLab } from '../wiring.js';
import { createStageReporter } from '../stage-reporter.js';
import { printRun } from './show.js';

export interface RunOptions {
  source: string;
  ref?: string;
  testset: string;
  cmdline?: string[];
  sysctl?: string[];
  bootDeadline?: number;
  /** `--reruns <n>`: attempts after the first for a case that newly fails, as labd's diff.reruns. */
  reruns?: number;
  /** `--tahi-tester <file.yaml>`: the TAHI tester host (engine tahi). */
  tahiTester?: string;
  json?: boolean;
}

/** Exit 0 when the lab did its job (whatever the verdicts); 1 when a stage of the lab failed. */
export async function runCommand(paths: LabPaths, opts: RunOptions): Promise<number> {
  const testset = await loadTestSet(paths.testsets, opts.testset);
  const source = kernelSourceFrom(opts.source, opts.ref);
  const { store, results } = await openLocalLab(paths);
  try {
    const { build, ...drivers } = await labDrivers(paths, { testset, source, ...(opts.tahiTester ? { tahiTester: opts.tahiTester } : {}) });
    const workTree = source instanceof GitSource ? gitWorkTree(paths, opts.source, source, testset) : undefined;
    const outcome = await runKernelTestSet(
      { store, ...drivers, artifactsRoot: path.join(paths.home, 'runs'), reporter: createStageReporter() },
      {
        build: workTree ? { ...build, workTree } : build,
        testset,
        extraCmdline: opts.cmdline ?? [],
        extraSysctls: parseSysctls(opts.sysctl ?? []),
        ...(opts.bootDeadline ? { bootDeadlineMs: opts.bootDeadline * 1000 } : {}),
      },
    );
    // Diffs are stored when a run ends (as labd does), so the dashboard shows them for CLI runs too; a run
    // that failed before its kernel was known has nothing to compare.
    // With --reruns, a newly failing case is run again on fresh NUTs of the same kernel first (labd's
    // diff.reruns): passing once makes it flaky, failing every time a regression with fail:runs.
    const rerun = outcome.status === 'done' ? outcome.rerun : undefined;
    const reruns = rerun ? (opts.reruns ?? 0) : 0;
    const progress = { step: (text: string) => void process.stderr.write(`[rerun] ${text}\n`), fraction: () => undefined };
    await recordRunDiffs(results, outcome.runId, {
      reruns,
      ...(rerun && reruns > 0 ? { rerun: (caseIds: readonly string[], times: number) => rerun({ caseIds, times, nutDriver: drivers.nutDriver, progress }) } : {}),
    }).catch((e: unknown) => {
      if (!(e instanceof RunNotDiffableError)) throw e;
    });
    await printRun(store, outcome.runId, { json: Boolean(opts.json) });
    if (outcome.status === 'failed') {
      process.stderr.write(`testlab: the lab failed at stage ${outcome.stage}: ${outcome.error}\n`);
      if (outcome.logPath) process.stderr.write(`testlab: see ${outcome.logPath}\n`);
      return 1;
    }
    return 0;
  } finally {
    await store.close();
  }
}

/**
 * A run of a git tree builds in the tree's kept work tree, the one its bisections build in: the runs of nearby
 * commits (a bisection's good and bad ends, the steps after them) then compile only what changed. Not for sets
 * whose engine builds from the tree itself (kselftest): the work tree moves with the next build.
 */
function gitWorkTree(paths: LabPaths, tree: string, source: GitSource, testset: TestSet): BuildWorkTree | undefined {
  if (testset.engine !== 'builtin') return undefined;
  return bisectWorktree(paths.cache, tree).forBuild(async (progress) => (await source.identify(paths.cache, progress)).hash.slice('git:'.length));
}

function parseSysctls(words: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq <= 0) throw new Error(`--sysctl ${JSON.stringify(w)}: expected key=value`);
    out[w.slice(0, eq)] = w.slice(eq + 1);
  }
  return out;
}
