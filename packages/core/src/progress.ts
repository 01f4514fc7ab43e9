// How long work tells the operator where it is.

export interface Progress {
  /** A step inside the current stage, e.g. "make -j2 bzImage". */
  step(text: string): void;
  /**
   * How far the stage is, 0..1, when it can be known (build object count against the previous build);
   * `detail` is shown beside it. Calls may come often: the reporter rate-limits the display.
   */
  fraction(value: number | undefined, detail?: string): void;
}

/** For callers that do not display anything (tests, library use). */
export const silentProgress: Progress = { step() {}, fraction() {} };
