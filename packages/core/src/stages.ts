// The stages of one run, in the order a kernel goes through them.

export const STAGES = ['unpack', 'configure', 'build', 'boot', 'test'] as const;
export type StageName = (typeof STAGES)[number];

/** A run is `running` while a lab process works on it; `unfinished` if that process died. */
export type RunStatus = 'running' | 'done' | 'failed' | 'unfinished';
export type StageStatus = 'running' | 'done' | 'cached' | 'failed' | 'unfinished';

/** An error that names the stage and the cause, so `testlab run` can tell the operator what broke. */
export class StageError extends Error {
  constructor(
    readonly stage: StageName,
    message: string,
    /** A log file that holds the details (build log, console log). */
    readonly logPath?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'StageError';
  }
}
