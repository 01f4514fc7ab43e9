// Reports from outside the lab (an imported folder, a tester host's) are parsed in a worker thread: the
// parser's work is bounded page by page (report-html.ts), and the worker bounds the whole: a time limit
// ends it, a memory limit stops it, and the lab's own event loop (SIGTERM, leases, the dashboard) keeps
// running meanwhile. Nothing comes back but plain data or the reason it was refused.
import { Worker } from 'node:worker_threads';
import type { TahiCase } from './case-results.js';
import { TahiReportError } from './report-errors.js';
import type { SectionReport } from './section-report.js';

export interface ParsedSection {
  report: SectionReport;
  /** Empty when asked for the report only. */
  cases: TahiCase[];
}

export interface IsolatedParseOptions {
  /** For all the folders of one call; default 60 s (a real section parses in well under a second). */
  timeLimitMs?: number;
  /** The worker's heap; default 512 MiB. */
  memoryMiB?: number;
  /** Read the case logs into cases too (default true); false for the report pages alone. */
  cases?: boolean;
}

type Answer = { ok: true; sections: ParsedSection[] } | { ok: false; file: string; problem: string } | { ok: false; message: string };

/** parseSectionReport (and caseResultsOf) of each folder, in a worker; TahiReportError when a page is refused. */
export function parseSectionsIsolated(dirs: readonly string[], options: IsolatedParseOptions = {}): Promise<ParsedSection[]> {
  const timeLimitMs = options.timeLimitMs ?? 60_000;
  const memoryMiB = options.memoryMiB ?? 512;
  const where = dirs[0] ?? '(no folder)';
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./parse-worker.js', import.meta.url), {
      workerData: { dirs: [...dirs], cases: options.cases ?? true },
      resourceLimits: { maxOldGenerationSizeMb: memoryMiB },
    });
    let settled = false;
    const settle = (act: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      act();
      void worker.terminate();
    };
    const timer = setTimeout(
      () => settle(() => reject(new TahiReportError(where, `parsing took longer than ${timeLimitMs / 1000} s: refused (a page built to be slow to parse?)`))),
      timeLimitMs,
    );
    worker.once('message', (answer: Answer) =>
      settle(() => {
        if (answer.ok) resolve(answer.sections);
        else if ('problem' in answer) reject(new TahiReportError(answer.file, answer.problem));
        else reject(new Error(answer.message));
      }),
    );
    worker.once('error', (error: Error & { code?: string }) =>
      settle(() =>
        reject(error.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new TahiReportError(where, `parsing needed more than ${memoryMiB} MiB: refused`) : error),
      ),
    );
    worker.once('exit', (code) => settle(() => reject(new Error(`the report parser stopped (exit ${code}) before it answered`))));
  });
}
