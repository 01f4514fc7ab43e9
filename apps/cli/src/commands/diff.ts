// `testlab diff <runA> <runB> [--lab URL]`: how run B differs from run A, case by case, from the local store
// or a running lab's /api/compare: both answers come from @testlab/diff's compareRuns. Exit 5 when B has
// regressions against A, so a script can gate on it.
import type { Command } from 'commander';
import type { RunSummary } from '@testlab/core';
import { compareRuns, NoSuchRunError, type Comparison } from '@testlab/diff';
import { table } from '../format.js';
import type { LabPaths } from '../lab-paths.js';
import { withLocalLab } from '../wiring.js';
import { EXIT, labClient, labGiven, printJson, remote, RemoteError, withLabOptions, type LabOptions } from './remote.js';

const RUN_ID = /^[1-9][0-9]{0,9}$/;

async function localComparison(paths: LabPaths, a: number, b: number): Promise<Comparison> {
  try {
    return await withLocalLab(paths, (lab) => compareRuns(lab.results, a, b));
  } catch (error) {
    if (error instanceof NoSuchRunError) throw new RemoteError(error.message, EXIT.notFound);
    throw error;
  }
}

export async function diffCommand(a: string, b: string, opts: LabOptions & { json?: boolean; all?: boolean }, paths: () => LabPaths): Promise<number> {
  return remote(async () => {
    for (const id of [a, b]) {
      if (!RUN_ID.test(id)) throw new RemoteError(`run ids are positive numbers, got ${JSON.stringify(id.slice(0, 40))}`, EXIT.usage);
    }
    const c = labGiven(opts)
      ? await labClient(opts).get<Comparison>(`/api/compare?a=${a}&b=${b}`)
      : await localComparison(paths(), Number(a), Number(b));
    const verdict = c.counts.regression > 0 ? EXIT.regressions : EXIT.ok;
    if (opts.json) {
      printJson(c);
      return verdict;
    }
    const w = (s: string) => process.stdout.write(`${s}\n`);
    const name = (r: RunSummary) => `run ${r.id} (${r.kernelVersion ?? r.sourceLabel}, ${r.testset} on ${r.nut})`;
    w(`${name(c.b)} against ${name(c.a)}`);
    const counts = Object.entries(c.counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`);
    w(counts.length > 0 ? counts.join(', ') : 'no difference');
    // Still-failing cases are the same on both sides: shown only with --all.
    const shown = c.entries.filter((e) => opts.all || e.class !== 'still-failing');
    if (shown.length > 0) {
      w('');
      w(table(['CASE', 'CHANGE', `RUN ${c.a.id}`, `RUN ${c.b.id}`, 'TITLE'], shown.map((e) => [e.caseId, e.class, e.before ?? '-', e.after ?? '-', e.title])));
    }
    return verdict;
  });
}

export function registerDiff(program: Command, paths: () => LabPaths): void {
  withLabOptions(
    program
      .command('diff')
      .description('how run B differs from run A, case by case, from the local store or a lab (exit 5: B regressed, 3: no such run, 2: bad id, 1: lab unreachable)')
      .argument('<runA>', 'the run compared against (e.g. the baseline)')
      .argument('<runB>', 'the run to judge'),
    true,
  )
    .option('--all', 'also list cases failing on both sides')
    .option('--json', 'JSON for scripts')
    .action(async (a: string, b: string, opts) => {
      process.exitCode = await diffCommand(a, b, opts, paths);
    });
}
