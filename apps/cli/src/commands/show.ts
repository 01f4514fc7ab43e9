// `testlab show <run>`: what the lab stored about one run, for people (tables) and scripts (--json).
// `testlab runs` is in runs.ts.
import path from 'node:path';
import type { CaseResult, LabStore, RunSummary, StageRecord } from '@testlab/core';
import { formatDuration, table } from '../format.js';

export interface ShowOptions {
  json?: boolean;
  /** List every artifact; without it one line says how many there are and where. */
  artifacts?: boolean;
}

export async function showRunCommand(store: LabStore, idText: string, opts: ShowOptions): Promise<number> {
  if (!/^[1-9][0-9]{0,9}$/.test(idText)) {
    process.stderr.write(`testlab: run id must be a positive number, got ${JSON.stringify(idText.slice(0, 40))}\n`);
    return 2;
  }
  const found = await printRun(store, Number(idText), opts);
  return found ? 0 : 3;
}

export async function printRun(store: LabStore, runId: number, opts: ShowOptions): Promise<boolean> {
  const run = await store.getRun(runId);
  if (!run) {
    process.stderr.write(`testlab: no run ${runId}\n`);
    return false;
  }
  const [stages, results, artifacts] = await Promise.all([store.stagesOf(runId), store.resultsOf(runId), store.artifactsOf(runId)]);
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ run, stages, results, artifacts }, null, 2)}\n`);
    return true;
  }
  const w = writeRunTables(run, stages, results);
  if (results.length > 0) {
    const c = run.counts;
    w(`\n${results.length} cases: ${c.PASS} PASS, ${c.FAIL} FAIL, ${c.WARN} WARN, ${c.NA} N/A, ${c.ERROR} ERROR`);
  }
  writeArtifacts(w, runId, artifacts.map((a) => ({ kind: a.kind, where: a.path })), opts.artifacts === true, commonFolder(artifacts.map((a) => a.path)));
  return true;
}

/**
 * A run keeps hundreds of artifacts (a pcap per case and link): listed only when asked for (--artifacts);
 * otherwise one line says how many and where, so a run's output ends with its results.
 */
export function writeArtifacts(w: (line: string) => void, runId: number, artifacts: readonly { kind: string; where: string }[], list: boolean, under: string | undefined): void {
  if (artifacts.length === 0) return;
  if (list) {
    w('\nartifacts:');
    for (const a of artifacts) w(`  ${a.kind.padEnd(12)} ${a.where}`);
    return;
  }
  w(`\n${artifacts.length} artifacts${under ? ` under ${under}` : ''} (list them: testlab show ${runId} --artifacts)`);
}

/** The deepest folder holding every path (a run's are all under runs/run-<id>/). */
function commonFolder(paths: readonly string[]): string | undefined {
  if (paths.length === 0) return undefined;
  const split = paths.map((p) => path.dirname(p).split(path.sep));
  const first = split[0]!;
  let n = 0;
  while (n < first.length && split.every((parts) => parts[n] === first[n])) n++;
  const folder = first.slice(0, n).join(path.sep);
  return folder === '' ? undefined : folder;
}

type RunHeader = Pick<RunSummary, 'id' | 'kernelVersion' | 'sourceLabel' | 'testset' | 'nut' | 'status' | 'failedStage' | 'error'>;
type StageLine = Pick<StageRecord, 'stage' | 'status' | 'durationMs' | 'detail'>;
type ResultRow = Pick<CaseResult, 'caseId' | 'verdict' | 'durationMs' | 'title' | 'reason'>;

/** A run as people read it, from the local store or the lab's API: header, stages, results. Returns the writer. */
export function writeRunTables(run: RunHeader, stages: readonly StageLine[], results: readonly ResultRow[]): (line: string) => void {
  const w = (line: string) => process.stdout.write(`${line}\n`);
  w(`run ${run.id}: kernel ${run.kernelVersion ?? '(not identified)'} from ${run.sourceLabel}`);
  w(`test set ${run.testset} on ${run.nut}; status ${run.status}${run.failedStage ? ` at stage ${run.failedStage}` : ''}`);
  if (run.error) w(`error: ${run.error}`);
  w('');
  w(table(['STAGE', 'STATUS', 'TIME', 'DETAIL'], stages.map((s) => [s.stage, s.status, s.durationMs === null ? '-' : formatDuration(s.durationMs), s.detail ?? ''])));
  if (results.length > 0) {
    w('');
    w(table(['CASE', 'VERDICT', 'TIME', 'TITLE / REASON'], results.map((r) => [r.caseId, r.verdict, formatDuration(r.durationMs), `${r.title}: ${r.reason}`])));
  }
  return w;
}
