// Whose fault a failed run is. The kernel's: it did not boot, panicked or oopsed, or hung (the watchdog
// fired). The lab's: the source could not be fetched, the build host failed, the NUT could not be reached
// or started before the kernel under test ever ran. Only the lab's failures are worth a retry.
import type { StageName } from '@testlab/core';
import type { ConsoleFinding } from './console-markers.js';

export type FailureKind = 'boot-failure' | 'panic' | 'hang' | 'download' | 'build-host' | 'nut-unreachable' | 'lab-error';

export interface Classification {
  owner: 'kernel' | 'lab';
  kind: FailureKind;
  /** One line for the operator and the job's error column. */
  summary: string;
}

export interface FailedRunFacts {
  stage: StageName;
  error: string;
  /** What the console showed (panic/oops markers), read after the run. */
  console?: ConsoleFinding;
  /** Bytes of console output the NUT produced: zero means the kernel never started printing. */
  consoleBytes?: number;
  /** The per-case or boot watchdog ended the NUT. */
  watchdog?: { reason: string };
}

// The QEMU driver's words for failures of the lab itself rather than of the kernel it was starting.
const LAB_BOOT_ERRORS = /invalid boot request|base initramfs .* is missing|did not start|port was taken|Could not set up host forwarding|host key of .* refused|the NUT's \/init failed|unreachable before install/i;

export function classifyFailure(facts: FailedRunFacts): Classification {
  const tag = (owner: Classification['owner'], kind: FailureKind, text: string): Classification => ({ owner, kind, summary: `${kind}: ${text}` });
  if (facts.console?.what === 'panic') return tag('kernel', facts.stage === 'boot' ? 'boot-failure' : 'panic', `${facts.console.line} (stage ${facts.stage})`);
  if (facts.console?.what === 'oops') return tag('kernel', 'panic', `oops on the console: ${facts.console.line} (stage ${facts.stage})`);
  if (facts.watchdog !== undefined) return tag('kernel', 'hang', `${facts.watchdog.reason} (stage ${facts.stage})`);
  switch (facts.stage) {
    case 'unpack':
      return tag('lab', 'download', facts.error);
    case 'configure':
    case 'build':
      return tag('lab', 'build-host', facts.error);
    case 'boot':
      if (LAB_BOOT_ERRORS.test(facts.error)) return tag('lab', 'nut-unreachable', facts.error);
      // The kernel was handed over and never became ready: no marker, no SSH, wrong uname -r.
      if (facts.consoleBytes === 0) return tag('lab', 'nut-unreachable', `no console output at all: ${facts.error}`);
      return tag('kernel', 'boot-failure', facts.error);
    case 'test':
      return tag('lab', 'lab-error', facts.error);
  }
}
