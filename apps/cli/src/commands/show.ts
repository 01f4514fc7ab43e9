// `testlab show <run>`: what the lab stored about one run, for people (tables) and scripts (--json).
// `testlab runs` is in runs.ts.
import type { CaseResult, LabStore, RunSummary, StageRecord } from '@testlab/core';
import { formatDuration, table } from '../format.js';

export async function showRunCommand(store: LabStore, idText: string, opts: { json?: boolean }): Promise<number> {
  if (!/^[1-9][0-9]{0,9}$/.test(idText)) {
    process.stderr.write(`testlab: run id must be a positive number, got ${JSON.stringify(idText.slice(0, 40))}\n`);
    return 2;
  }
  const found = await printRun(store, Number(idText), Boolean(opts.json));
  return found ? 0 : 3;
}

export async function printRun(store: LabStore, runId: number, json: boolean): Promise<boolean> {
  const run = await store.getRun(runId);
  if (!run) {
    process.stderr.write(`testlab: no run ${runId}\n`);
    return false;
  }
  const [stages, results, artifacts] = await Promise.all([store.stagesOf(runId), store.resultsOf(runId), store.artifactsOf(runId)]);
  if (json) {
    process.stdout.write(`${JSON.stringify({ run, stages, results, artifacts }, null, 2)}\n`);
    return true;
  }
  const w = writeRunTables(run, stages, results);
  if (results.length > 0) {
    const c = run.counts;
    w(`\n${results.length} cases: ${c.PASS} PASS, ${c.FAIL} FAIL, ${c.WARN} WARN, ${c.NA} N/A, ${c.ERROR} ERROR`);
  }
  if (artifacts.length > 0) {
    w('\nartifacts:');
    for (const a of artifacts) w(`  ${a.kind.padEnd(12)} ${a.path}`);
  }
  return true;
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
