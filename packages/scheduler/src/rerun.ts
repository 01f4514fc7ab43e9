// Reruns of a finished run's cases on the NUT the run job still holds. The pipeline knows how (its kernel,
// mode, suite); the scheduler knows when: between the run's end and the NUT's known-good restore, while no
// other job can have the NUT. The results service decides which cases (those that newly fail) and how
// many times. Reruns are watched like the run was: a case that hangs or panics the kernel powers the NUT
// off, and the worker then restores it at once.
import type { NutDriver, RerunCases, RerunOnNut } from '@testlab/core';
import { RunWatchdog, type WatchdogOptions } from './watchdog.js';

export interface BoundRerun {
  /** The rerun hook handed to onRunFinished: the NUT and the watchdog are already chosen. */
  rerun: RerunCases;
  /** Why the watchdog powered the NUT off during a rerun, if it did (the NUT then needs restoring). */
  broke(): string | undefined;
  /** The job lets go of the NUT: a later call is refused rather than booting a NUT another job may hold. */
  close(): void;
}

export function bindRerun(
  rerunOnNut: RerunOnNut,
  driver: NutDriver,
  watchdogOptions: WatchdogOptions,
  onStep: (text: string) => void,
): BoundRerun {
  let fired: string | undefined;
  let closed = false;
  return {
    broke: () => fired,
    close: () => {
      closed = true;
    },
    rerun: async (caseIds, times) => {
      if (closed) throw new Error('reruns are possible only while the run job holds its NUT (during onRunFinished)');
      if (fired !== undefined || caseIds.length === 0 || times < 1) return new Map();
      const watchdog = new RunWatchdog(watchdogOptions);
      try {
        return await rerunOnNut({
          caseIds, times,
          nutDriver: watchdog.wrap(driver),
          progress: { step: onStep, fraction() {} },
          caseFinished: () => watchdog.caseFinished(),
        });
      } finally {
        await watchdog.stop();
        // A rerun that hung or panicked the kernel still counts as the case failing (the attempt's verdicts
        // are kept), but the NUT is down: the worker restores it before its next job.
        fired = watchdog.fired?.reason;
      }
    },
  };
}
