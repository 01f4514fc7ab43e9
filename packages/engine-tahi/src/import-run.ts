// A finished TAHI result folder stored as a run of a kernel. Its section folders are copied first (regular
// files only: a link or a FIFO refuses the import) into a staging folder beside the runs, the copy is parsed
// completely in a worker (a report that fails to parse, or is too slow to, stores nothing), the run is
// stored in one transaction, and the copy becomes its artifacts: the evidence outlives the folder, and what
// was parsed is exactly what is kept.
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CaseResult, KernelVersion, LabStore, RunSummary } from '@testlab/core';
import type { TahiCase } from './case-results.js';
import { parseSectionsIsolated } from './isolated-parse.js';
import { copyRegularFiles } from './plain-files.js';
import { sectionFolders } from './result-folder.js';
import type { SectionReport } from './section-report.js';

export interface ImportedSection {
  report: SectionReport;
  cases: TahiCase[];
}

export interface TahiImport {
  run: RunSummary;
  kernelVersion: KernelVersion;
  sections: ImportedSection[];
  /** Where the copy of the folder lives. */
  artifactsDir: string;
}

/** What the kernel of an imported run is recorded as coming from: TAHI saw only the NUT, not a tree. */
export const TAHI_IMPORT_SOURCE = 'tahi import';

export async function importTahiResults(
  store: LabStore,
  folder: string,
  options: { kernel: KernelVersion; artifactsRoot: string; ownerPid?: number },
): Promise<TahiImport> {
  const version = options.kernel;
  const source = path.resolve(folder);
  const folders = await sectionFolders(source);
  await mkdir(options.artifactsRoot, { recursive: true });
  const staging = await mkdtemp(path.join(options.artifactsRoot, '.tahi-import-'));
  try {
    const copies: string[] = [];
    for (const dir of folders) {
      copies.push(path.join(staging, path.basename(dir)));
      await copyRegularFiles(dir, copies.at(-1)!);
    }
    // In a worker under a time limit: a page built to be slow to parse is refused, not waited for.
    const staged = await parseSectionsIsolated(copies);
    const evidence = await Promise.all(staged.map((s) => evidenceOf(s.report.dir)));
    const total = staged.reduce((n, s) => n + s.cases.length, 0);
    // One section: its files are the run's tahi/ folder; several: one subfolder each.
    const single = staged.length === 1;
    const placed = (runId: number) => path.join(options.artifactsRoot, `run-${runId}`, 'tahi');
    const destOf = (runId: number, report: SectionReport) => (single ? placed(runId) : path.join(placed(runId), report.section));
    let sections: ImportedSection[] = [];
    // The store ties a run to a kernel through a build; an imported kernel was built outside the lab.
    const run = await store.recordImportedRun({
      kernel: { version, sourceLabel: TAHI_IMPORT_SOURCE, sourceHash: 'external' },
      build: { cacheKey: `external:${TAHI_IMPORT_SOURCE}`, kernelRelease: version.text, fromCache: false },
      run: {
        testset: `tahi:${staged.map((s) => s.report.section).join('+')}`.slice(0, 200),
        nut: 'external',
        sourceLabel: `${TAHI_IMPORT_SOURCE} ${source}`,
        ownerPid: options.ownerPid ?? process.pid,
      },
      stage: 'test',
      detail: `imported ${total} TAHI cases from ${source}`,
      contents: (runId) => {
        sections = staged.map(({ report, cases }) => {
          const dest = destOf(runId, report);
          const moved = (p: string) => path.join(dest, path.relative(report.dir, p));
          return { report: { ...report, dir: dest }, cases: cases.map((c) => ({ ...c, result: { ...c.result, pcaps: c.result.pcaps.map(moved) } })) };
        });
        const artifacts = staged.flatMap(({ report }, i) => evidence[i]!.map((a) => ({ ...a, path: path.join(destOf(runId, report), a.path) })));
        return { results: sections.flatMap((s) => s.cases.map((c) => c.result)), artifacts };
      },
    });
    // The files follow the committed run (killed in between: the run keeps its results and logs, its
    // artifact files stay in the staging folder).
    const artifactsDir = placed(run.id);
    await mkdir(path.dirname(artifactsDir), { recursive: true });
    await rename(single ? staged[0]!.report.dir : staging, artifactsDir);
    return { run, kernelVersion: version, sections, artifactsDir };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The files of a section folder the run records as artifacts, by name relative to the folder. */
async function evidenceOf(dir: string): Promise<{ kind: string; path: string; sizeBytes: number }[]> {
  const out: { kind: string; path: string; sizeBytes: number }[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const info = await stat(path.join(dir, name));
    const kind = artifactKind(name);
    if (info.isFile() && kind) out.push({ kind, path: name, sizeBytes: info.size });
  }
  return out;
}

function artifactKind(name: string): string | undefined {
  if (['report.html', 'summary.html', 'index.html'].includes(name)) return 'tahi-report';
  if (/^[0-9]+\.html$/.test(name)) return 'case-log';
  if (/^[0-9]+\.comment\.html$/.test(name)) return 'tahi-why';
  if (/\.pcap$|\.dump$/.test(name)) return 'pcap';
  if (/_pcap\.txt$/.test(name)) return 'pcap-text';
  return undefined;
}

export type { CaseResult };
