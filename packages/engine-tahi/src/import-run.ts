// A finished TAHI result folder stored as a run of a kernel: parsed completely first (a report that fails
// to parse stores nothing), then copied under the run's artifacts so the evidence outlives the folder.
import { cp, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { CaseResult, KernelVersion, LabStore, RunSummary } from '@testlab/core';
import { caseResultsOf, type TahiCase } from './case-results.js';
import { parseResultFolder } from './result-folder.js';
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
  const reports = await parseResultFolder(folder);
  const source = path.resolve(folder);
  const kernel = await store.upsertKernel({ version, sourceLabel: TAHI_IMPORT_SOURCE, sourceHash: 'external' });
  // The store ties a run to a kernel through a build; an imported kernel was built outside the lab.
  const build = await store.recordBuild({ kernelId: kernel.id, cacheKey: `external:${TAHI_IMPORT_SOURCE}`, kernelRelease: version.text, fromCache: false });
  const run = await store.startRun({
    testset: `tahi:${reports.map((r) => r.section).join('+')}`.slice(0, 200),
    nut: 'external',
    sourceLabel: `${TAHI_IMPORT_SOURCE} ${source}`,
    ownerPid: options.ownerPid ?? process.pid,
  });
  const artifactsDir = path.join(options.artifactsRoot, `run-${run.id}`, 'tahi');
  try {
    await store.attachKernel(run.id, kernel.id, build.id);
    await store.startStage(run.id, 'test');
    const sections: ImportedSection[] = [];
    for (const report of reports) {
      const dest = reports.length === 1 ? artifactsDir : path.join(artifactsDir, report.section);
      await cp(report.dir, dest, { recursive: true, dereference: false, errorOnExist: false });
      const moved: SectionReport = { ...report, dir: dest };
      const cases = caseResultsOf(moved);
      for (const c of cases) await store.addResult(run.id, c.result);
      await recordArtifacts(store, run.id, dest);
      sections.push({ report: moved, cases });
    }
    const total = sections.reduce((n, s) => n + s.cases.length, 0);
    await store.finishStage(run.id, 'test', 'done', `imported ${total} TAHI cases from ${source}`);
    await store.finishRun(run.id, { status: 'done' });
    const stored = await store.getRun(run.id);
    if (!stored) throw new Error(`run ${run.id} vanished from the store right after the import`);
    return { run: stored, kernelVersion: version, sections, artifactsDir };
  } catch (error) {
    await store.finishRun(run.id, { status: 'failed', stage: 'test', error: `TAHI import failed: ${(error as Error).message}` });
    throw error;
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
