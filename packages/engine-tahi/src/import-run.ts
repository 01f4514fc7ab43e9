// A finished TAHI result folder stored as a run of a kernel. Its section folders are copied first (regular
// files only: a link or a FIFO refuses the import) into a staging folder beside the runs, the copy is parsed
// completely in a worker (a report that fails to parse, or is too slow to, stores nothing), and the copy becomes the run's artifacts, so the
// evidence outlives the folder and what was parsed is exactly what is kept.
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { parseKernelVersion, type CaseResult, type LabStore, type RunSummary } from '@testlab/core';
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
  kernelVersion: string;
  sections: ImportedSection[];
  /** Where the copy of the folder lives. */
  artifactsDir: string;
}

/** What the kernel of an imported run is recorded as coming from: TAHI saw only the NUT, not a tree. */
export const TAHI_IMPORT_SOURCE = 'tahi import';

export async function importTahiResults(
  store: LabStore,
  folder: string,
  options: { kernel: string; artifactsRoot: string; ownerPid?: number },
): Promise<TahiImport> {
  const version = parseKernelVersion(options.kernel);
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
    const kernel = await store.upsertKernel({ version: version.text, kind: version.kind, sourceLabel: TAHI_IMPORT_SOURCE, sourceHash: 'external' });
    // The store ties a run to a kernel through a build; an imported kernel was built outside the lab.
    const build = await store.recordBuild({ kernelId: kernel.id, cacheKey: `external:${TAHI_IMPORT_SOURCE}`, kernelRelease: version.text, fromCache: false });
    const run = await store.startRun({
      testset: `tahi:${staged.map((s) => s.report.section).join('+')}`.slice(0, 200),
      nut: 'external',
      sourceLabel: `${TAHI_IMPORT_SOURCE} ${source}`,
      ownerPid: options.ownerPid ?? process.pid,
    });
    const artifactsDir = path.join(options.artifactsRoot, `run-${run.id}`, 'tahi');
    try {
      await mkdir(path.dirname(artifactsDir), { recursive: true });
      // One section: its files are the run's tahi/ folder; several: one subfolder each.
      await rename(staged.length === 1 ? path.join(staging, staged[0]!.report.section) : staging, artifactsDir);
      await store.attachKernel(run.id, kernel.id, build.id);
      await store.startStage(run.id, 'test');
      const sections: ImportedSection[] = [];
      for (const { report, cases } of staged) {
        const dest = staged.length === 1 ? artifactsDir : path.join(artifactsDir, report.section);
        const moved = (p: string) => path.join(dest, path.relative(report.dir, p));
        const section = { report: { ...report, dir: dest }, cases: cases.map((c) => ({ ...c, result: { ...c.result, pcaps: c.result.pcaps.map(moved) } })) };
        for (const c of section.cases) await store.addResult(run.id, c.result);
        await recordArtifacts(store, run.id, dest);
        sections.push(section);
      }
      const total = sections.reduce((n, s) => n + s.cases.length, 0);
      await store.finishStage(run.id, 'test', 'done', `imported ${total} TAHI cases from ${source}`);
      await store.finishRun(run.id, { status: 'done' });
      const stored = await store.getRun(run.id);
      if (!stored) throw new Error(`run ${run.id} vanished from the store right after the import`);
      return { run: stored, kernelVersion: version.text, sections, artifactsDir };
    } catch (error) {
      await store.finishRun(run.id, { status: 'failed', stage: 'test', error: `TAHI import failed: ${(error as Error).message}` });
      throw error;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function recordArtifacts(store: LabStore, runId: number, dir: string): Promise<void> {
  for (const name of (await readdir(dir)).sort()) {
    const file = path.join(dir, name);
    const info = await stat(file);
    if (!info.isFile()) continue;
    const kind = artifactKind(name);
    if (kind) await store.addArtifact({ runId, kind, path: file, sizeBytes: info.size });
  }
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
