// A conformance suite driver: our built-in engine today; TAHI and kselftest beside it later.
import type { BootedNut, NutMode } from './nuts.js';
import type { CaseResult } from './results.js';
import type { Progress } from './progress.js';
import type { ModeSettings } from './testsets.js';

export interface SuiteContext {
  nut: BootedNut;
  /** The mode the NUT was booted into: cases for other modes are NA. */
  mode: NutMode;
  /** Case ids of the test set, in order. */
  cases: readonly string[];
  /** A folder that belongs to this run: pcaps and case logs go here. */
  artifactsDir: string;
  progress: Progress;
  /**
   * Boots another NUT with the same kernel, mode, links and sysctls (for cases that need a fresh NUT, and
   * to run independent cases side by side). The caller shuts it down. Absent: the suite has one NUT only.
   */
  bootNut?: () => Promise<BootedNut>;
  /** Daemons the test set's mode runs on the NUT (radvd for router sets), applied by the suite after boot. */
  modeSettings?: ModeSettings;
  /** Called as each case ends, so results are stored as they come (a crash loses at most one case). */
  onResult(result: CaseResult): Promise<void>;
}

export interface Suite {
  /** Registry id, e.g. `builtin`. */
  readonly id: string;
  /** Every case id this suite can run, with its title: the test set loader checks names against it. */
  catalogue(): ReadonlyMap<string, string>;
  run(context: SuiteContext): Promise<CaseResult[]>;
}
