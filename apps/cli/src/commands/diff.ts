// `testlab diff <runA> <runB> --lab URL`: how run B differs from run A, case by case. Exit 5 when B has
// regressions against A, so a script can gate on it.
import type { Command } from 'commander';
import type { DiffCounts, DiffEntry, RunSummary } from '@testlab/core';
import { table } from '../format.js';
import { EXIT, labClient, printJson, remote, RemoteError, withLabOptions, type LabOptions } from './remote.js';

/** The lab's /api/compare answer. */
export interface Comparison {
  a: RunSummary;
  b: RunSummary;
  counts: DiffCounts;
  entries: DiffEntry[];
}

const RUN_ID = /^[1-9][0-9]{0,9}$/;

export async function diffCommand(a: string, b: string, opts: LabOptions & { json?: boolean; all?: boolean }): Promise<number> {
  return remote(async () => {
    for (const id of [a, b]) {
      if (!RUN_ID.test(id)) throw new RemoteError(`run ids are positive numbers, got ${JSON.stringify(id.slice(0, 40))}`, EXIT.usage);
    }
    const c = await labClient(opts).get<Comparison>(`/api/compare?a=${a}&b=${b}`);
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

export function registerDiff(program: Command): void {
  withLabOptions(
    program
      .command('diff')
      .description('how run B differs from run A, case by case (exit 5: B regressed, 3: no such run, 1: lab unreachable)')
      .argument('<runA>', 'the run compared against (e.g. the baseline)')
      .argument('<runB>', 'the run to judge'),
  )
    .option('--all', 'also list cases failing on both sides')
    .option('--json', 'JSON for scripts')
    .action(async (a: string, b: string, opts) => {
      process.exitCode = await diffCommand(a, b, opts);
    });
}
