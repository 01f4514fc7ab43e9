// One run of one kernel through one test set, as the pipeline reports it, ends it and offers it for reruns.
// The pipeline makes these; the scheduler, labd and `testlab run` read them; the results service asks for
// reruns through them.
import type { NutDriver } from './nuts.js';
import type { Progress } from './progress.js';
import type { CaseResult, Verdict } from './results.js';
import type { StageName } from './stages.js';

/** How a run shows itself while it goes (the CLI prints it; labd logs it and feeds its watchdog). */
export interface RunReporter {
  runStarted(runId: number, runDir: string): void;
  stageStarted(stage: StageName): Progress;
  stageFinished(stage: StageName, how: 'done' | 'cached' | 'failed', detail?: string): void;
  caseFinished(result: CaseResult): void;
}

/** Per case id, the verdict of each extra attempt; cases that could not be rerun are left out. */
export type RerunVerdicts = ReadonlyMap<string, readonly Verdict[]>;

export interface RerunRequest {
  caseIds: readonly string[];
  /** Attempts after the first (the run itself). */
  times: number;
  /** The driver to boot with: the scheduler's, wrapped in a fresh watchdog. */
  nutDriver: NutDriver;
  progress: Progress;
  /** Called as each rerun case ends (the watchdog's liveness signal). */
  caseFinished?: () => void;
}

/** What a finished run offers: its cases again on its own kernel, on NUTs of the given driver. */
export type RerunOnNut = (request: RerunRequest) => Promise<RerunVerdicts>;

/** The same, bound by whoever holds a NUT for the run (the scheduler's job, `testlab run`): ids and attempts only. */
export type RerunCases = (caseIds: readonly string[], times: number) => Promise<RerunVerdicts>;

export type RunOutcome =
  /** `rerun`: more attempts at cases of this run on its own kernel, for whoever still holds the NUT. */
  | { runId: number; status: 'done'; runDir: string; rerun?: RerunOnNut }
  | { runId: number; status: 'failed'; stage: StageName; error: string; logPath?: string; runDir: string };
