// How a conformance case is written: an id and title from the Ready Logo INDEX files, the RFC section it
// checks, the NUT types it applies to, and a body that talks to the NUT through a CaseContext.
import type { NutMode, Verdict } from '@testlab/core';
import type { CaseContext } from './context.js';

export interface CaseDefinition {
  /** `v6LC.5.1.2-A`: the Ready Logo id, with the part letter where the test has parts. */
  id: string;
  /** The INDEX title, with the part's title after a colon. */
  title: string;
  /** What the case checks, e.g. `RFC 4443 §4.1`: quoted in every FAIL/WARN reason. */
  rfc: string;
  /** NUT modes the case applies to; elsewhere its verdict is NA without running. */
  appliesTo: readonly NutMode[];
  /**
   * The case needs a NUT nobody used before, as after a reboot, and may leave it in any state (DAD
   * failure, interface restarts): the suite boots one for it and discards it afterwards.
   */
  needsFreshNut?: boolean;
  /**
   * The verdict rests on when the NUT's timers fire (reassembly time, RS delays, address lifetimes), timed
   * on the tester's clock: the pool runs only a few such cases at once (case-queue.ts) so a loaded host
   * still sends and reads their frames on time.
   */
  timerBound?: boolean;
  /** The longest the case may take before the engine calls it an ERROR (harness trouble). */
  timeoutMs?: number;
  run(ctx: CaseContext): Promise<CaseVerdict>;
}

export interface CaseVerdict {
  verdict: Exclude<Verdict, 'ERROR'>;
  reason: string;
}

export const pass = (reason: string): CaseVerdict => ({ verdict: 'PASS', reason });

/** A FAIL states what the RFC expects and what the NUT did. */
export const fail = (rfc: string, expected: string, seen: string): CaseVerdict => ({
  verdict: 'FAIL',
  reason: `expected ${expected}; seen ${seen} (${rfc})`,
});

export const warn = (rfc: string, expected: string, seen: string): CaseVerdict => ({
  verdict: 'WARN',
  reason: `expected ${expected}; seen ${seen} (${rfc})`,
});
