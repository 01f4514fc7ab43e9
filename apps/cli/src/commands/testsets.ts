// `testlab testsets coverage [--json]`: for each test set, per INDEX group, how many of the TAHI ids it
// stands for our engine implements (`v6LC.2.1.x: 12/22 implemented`), and which are missing.
import path from 'node:path';
import type { Command } from 'commander';
import { coverageOf, readIndexFiles, type SetCoverage } from '@testlab/engine-tahi';
import { listTestSets, loadTestSet } from '@testlab/testsets';
import type { LabPaths } from '../lab-paths.js';

export async function testsetCoverage(testsetsDir: string, only?: string): Promise<SetCoverage[]> {
  const names = only ? [only] : await listTestSets(testsetsDir);
  const out: SetCoverage[] = [];
  for (const name of names) {
    const testset = await loadTestSet(testsetsDir, name);
    if (testset.index.length === 0) continue;
    const ids = await readIndexFiles(path.join(testsetsDir, 'tahi-index'), testset.index);
    // Implemented for this set: the set runs it (its loader checked each listed case against its engine).
    out.push(coverageOf(name, ids, (id) => testset.cases.includes(id), testset.cases));
  }
  return out;
}

export function formatCoverage(sets: readonly SetCoverage[]): string {
  const lines: string[] = [];
  for (const s of sets) {
    lines.push(`${s.testset}: ${s.implemented}/${s.total} implemented`);
    for (const g of s.groups) {
      lines.push(`  ${g.group}: ${g.implemented.length}/${g.total} implemented`);
      if (g.missing.length > 0) lines.push(`    missing: ${g.missing.join(' ')}`);
    }
    if (s.notInIndex.length > 0) lines.push(`  listed but not in its INDEX files: ${s.notInIndex.join(' ')}`);
    lines.push('');
  }
  return lines.join('\n');
}

export function registerTestsets(program: Command, paths: () => LabPaths): void {
  const testsets = program.command('testsets').description('test set definitions and what the engine covers of them');
  testsets
    .command('coverage')
    .description('per test set and INDEX group: implemented ids out of the TAHI INDEX ids, and the missing ones')
    .option('--testset <name>', 'one test set only')
    .option('--json', 'JSON for scripts')
    .action(async (opts: { testset?: string; json?: boolean }) => {
      const sets = await testsetCoverage(paths().testsets, opts.testset);
      process.stdout.write(opts.json ? `${JSON.stringify(sets, null, 2)}\n` : formatCoverage(sets));
    });
}
