// A test set as the lab runs it: which cases, on a NUT in which mode, with which kernel options, on which
// engine with which engine settings. Loaded once from testsets/<name>.yaml (packages/testsets); every
// process passes this along instead of reading the file again.
import type { NutMode } from './nuts.js';

export interface TestSet {
  /** File name without extension: `phase2-host`. Lower-case letters, digits and dashes only. */
  name: string;
  title: string;
  mode: NutMode;
  /** Engine registry id: `builtin`, `tahi`, `kselftest`. */
  engine: string;
  /**
   * The set's section named after its engine (`builtin:`, `tahi:`, `kselftest:`) as that engine's
   * parseSection returned it; only that engine reads it.
   */
  engineSection: unknown;
  /** Number of test links the NUT needs (host 1, router 2). */
  links: number;
  /** Sysctls set on the NUT before the set runs. */
  sysctls: Record<string, string>;
  /** Case ids in run order, each in the engine's catalogue (checked at load). */
  cases: string[];
  /** TAHI INDEX files (under testsets/tahi-index/) the set stands for, in autorun order: what coverage counts against. */
  index: string[];
  /** The test set's kconfig fragment text and where it came from. */
  kernelConfig: { origin: string; text: string };
}
