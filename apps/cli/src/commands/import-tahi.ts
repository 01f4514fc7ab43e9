// `testlab import tahi <folder> --kernel <version>`: a finished TAHI result folder (made on a tester host
// outside the lab, or by an older run) stored as a run of that kernel, and its cases printed.
import path from 'node:path';
import type { Command } from 'commander';
import { InvalidKernelVersion, parseKernelVersion } from '@testlab/core';
import { importTahiResults, TahiReportError, type TahiImport } from '@testlab/engine-tahi';
import type { LabPaths } from '../lab-paths.js';
import { openLabStore } from '../wiring.js';
import { table } from '../format.js';

export interface ImportTahiOptions {
  kernel: string;
  json?: boolean;
}

export async function importTahiCommand(paths: LabPaths, folder: string, opts: ImportTahiOptions): Promise<number> {
  // The operator's --kernel is outside input: parsed before anything is opened (InvalidKernelVersion: exit 2).
  const kernel = parseKernelVersion(opts.kernel);
  const store = await openLabStore(paths);
  let imported: TahiImport;
  try {
    imported = await importTahiResults(store, folder, { kernel, artifactsRoot: path.join(paths.home, 'runs') });
  } finally {
    await store.close();
  }
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(toJson(imported), null, 2)}\n`);
    return 0;
  }
  const w = (s: string) => process.stdout.write(`${s}\n`);
  w(`run ${imported.run.id}: TAHI results of kernel ${imported.kernelVersion.text} imported from ${path.resolve(folder)}`);
  for (const { report, cases } of imported.sections) {
    w('');
    w(`${report.section}: ${report.title}${report.unfinished ? ' (autorun had not finished: no End time)' : ''}`);
    w(table(['NO', 'ID', 'TAHI RESULT', 'VERDICT', 'TITLE'], cases.map((c) => [String(c.row.no), c.result.caseId, c.row.label, c.result.verdict, c.row.title])));
    const setup = report.rows.length - cases.length;
    if (setup > 0) w(`(not cases: ${setup} setup row${setup > 1 ? 's' : ''}, e.g. Initialization)`);
    const s = report.summary?.counts;
    if (s) w(`summary.html: TOTAL ${s.TOTAL}, PASS ${s.PASS}, FAIL ${s.FAIL}, WARN ${s.WARN}, SKIP ${s.SKIP}, N/A ${s['N/A']}${s.TBD ? `, TBD ${s.TBD}` : ''} (matches the rows)`);
    else w('no summary counts (autorun ran without -tiny)');
  }
  const c = imported.run.counts;
  w(`\nstored: ${c.PASS} PASS, ${c.FAIL} FAIL, ${c.WARN} WARN, ${c.NA} N/A, ${c.ERROR} ERROR; artifacts in ${imported.artifactsDir}`);
  return 0;
}

function toJson(i: TahiImport) {
  return {
    run: i.run,
    kernel: i.kernelVersion.text,
    artifactsDir: i.artifactsDir,
    sections: i.sections.map(({ report, cases }) => ({
      section: report.section,
      title: report.title,
      unfinished: report.unfinished,
      summary: report.summary,
      cases: cases.map((c) => ({ no: c.row.no, id: c.row.id, caseId: c.result.caseId, title: c.row.title, tahiResult: c.row.result, exitCode: c.row.exitCode ?? null, verdict: c.result.verdict })),
      setupRows: report.rows.filter((r) => r.setup).map((r) => ({ no: r.no, title: r.title, tahiResult: r.result })),
    })),
  };
}

/**
 * Adds `import tahi` under the `import` command (created here unless another importer made it first).
 * Exit codes: 0 stored; 1 the report was refused (nothing stored); 2 bad arguments (e.g. the version).
 */
export function registerImportTahi(program: Command, paths: () => LabPaths): void {
  const parent = program.commands.find((c) => c.name() === 'import') ?? program.command('import').description('store results made outside the lab as runs');
  parent
    .command('tahi')
    .description("store a finished TAHI result folder (one section's, or a suite's with section subfolders) as a run of a kernel")
    .argument('<folder>', 'the folder holding report.html/summary.html (or spec.p2/, nd.p2/, ... holding them)')
    .requiredOption('--kernel <version>', 'the kernel the NUT ran, e.g. 6.1.192')
    .option('--json', 'print the parsed cases and the run as JSON')
    .action(async (folder: string, opts: ImportTahiOptions) => {
      try {
        process.exitCode = await importTahiCommand(paths(), folder, opts);
      } catch (error) {
        if (error instanceof InvalidKernelVersion || error instanceof TahiReportError) {
          process.stderr.write(`testlab: ${error.message}${error instanceof TahiReportError ? ' (nothing was stored)' : ''}\n`);
          process.exitCode = error instanceof TahiReportError ? 1 : 2;
          return;
        }
        throw error;
      }
    });
}
