// A bisection as its pages show it: the record with what a reader checks it by (the estimate, the time it
// took) and each step with its attempts laid out per case, so every conclusion sits beside its evidence.
import path from 'node:path';
import { ENDED_BISECTION_STATUSES, estimatedSteps, type BisectionRecord, type BisectionStep, type ResultsQuery, type Verdict } from '@testlab/core';

export interface ShownBisection extends BisectionRecord {
  ended: boolean;
  /** `git bisect`'s estimate for the range, once the range is known. */
  estimatedSteps: number | null;
  /** From the start to the end, or to now while it runs. */
  elapsedMs: number | null;
}

export function shownBisection(b: BisectionRecord, now = Date.now()): ShownBisection {
  const ended = ENDED_BISECTION_STATUSES.includes(b.status);
  const until = b.endedAt !== null ? Date.parse(b.endedAt) : ended ? null : now;
  return {
    ...b,
    ended,
    estimatedSteps: b.commitsInRange === null ? null : estimatedSteps(b.commitsInRange),
    elapsedMs: b.startedAt === null || until === null ? null : Math.max(0, until - Date.parse(b.startedAt)),
  };
}

/** An ended bisection never changes (the store refuses it), so its pages are kept by this for good. */
export function bisectionValidator(b: BisectionRecord): string | undefined {
  return ENDED_BISECTION_STATUSES.includes(b.status) ? `"bisection-${b.id}-${b.status}-${b.endedAt ?? ''}"` : undefined;
}

export interface ShownStep extends BisectionStep {
  /** One row per case of the bisection: its verdict in each attempt (null: that attempt did not record it). */
  verdicts: { caseId: string; attempts: (Verdict | null)[] }[];
  /** The step's logs by name; those the step's run recorded as artifacts link to them. */
  shownLogs: { name: string; artifactId: number | null }[];
}

/** The steps with their verdicts per case; one artifact query per step run, to link the logs it kept. */
export async function shownSteps(results: ResultsQuery, runsDir: string, b: BisectionRecord, steps: BisectionStep[]): Promise<ShownStep[]> {
  return Promise.all(steps.map(async (step) => {
    const artifacts = step.runId !== null && step.logs.length > 0 ? await results.artifactsWithIds(step.runId) : [];
    const byPath = new Map(artifacts.map((a) => [a.path, a.id]));
    return {
      ...step,
      verdicts: b.cases.map((caseId) => ({ caseId, attempts: step.attempts.map((a) => a[caseId] ?? null) })),
      shownLogs: step.logs.map((p) => ({ name: logName(runsDir, p), artifactId: byPath.get(p) ?? null })),
    };
  }));
}

/** A log under the runs folder by its place there; any other by its file name (the server's layout is not the reader's). */
function logName(runsDir: string, p: string): string {
  const relative = path.relative(runsDir, p);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : path.basename(p);
}

/** The bisections of a run as the run and case pages list them: which end of each this run is. */
export function runBisections(runId: number, bisections: BisectionRecord[]): (BisectionRecord & { side: 'good' | 'bad' })[] {
  return bisections.map((b) => ({ ...b, side: b.bad.runId === runId ? 'bad' : 'good' }));
}
