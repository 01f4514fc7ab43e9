// The parts of v6LC.2.2.10 (an RS to a router) and v6LC.2.2.16 (an RA to a host): a neighbor entry is put in
// a state (none, INCOMPLETE, REACHABLE, STALE, PROBE), a message arrives with the same, another or no Source
// Link-Layer Address, and the entry is judged on the wire (entry-outcome.ts).
import type { NutMode } from '@testlab/core';
import { fail, type CaseDefinition } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { echoFrom } from './echo.js';
import { judgeEntry, multicastNsFor, type EntryOutcome } from './entry-outcome.js';
import { enterState, entryCaseTimeoutMs, type Start } from './neighbor-entry.js';
import { OTHER_MAC, type BareNode } from './tester-nodes.js';
import { ANSWER_WINDOW_MS, sleep } from './timing.js';

export interface EntryPart {
  letter: string;
  title: string;
  start: Start | 'NONE' | 'INCOMPLETE';
  slla: 'same' | 'different' | 'none';
  outcome: EntryOutcome;
}

export interface EntryTest {
  /** `v6LC.2.2.10`: the parts' ids add `-<letter>`. */
  id: string;
  title: string;
  rfc: string;
  appliesTo: readonly NutMode[];
  /** The node whose entry is judged, and who sends the message. */
  node: BareNode;
  /** `RS`, `RA`: named in the log and the reasons. */
  message: string;
  setUp?(ctx: CaseContext): Promise<void>;
  /** Sends the message with this SLLA (null: none), its Ethernet source the SLLA or the node's own. */
  send(ctx: CaseContext, slla: string | null, what: string): Promise<void>;
}

/** The outcome "STALE at a different address" (OTHER_MAC) and "STALE at the node's own". */
export const staleAt = (node: BareNode) => ({ diff: { stale: OTHER_MAC }, same: { stale: node.mac } });

export function entryPart(t: EntryTest, p: EntryPart): CaseDefinition {
  return {
    id: `${t.id}-${p.letter}`,
    title: `${t.title}: Part ${p.letter}: ${p.title}`,
    rfc: t.rfc,
    appliesTo: t.appliesTo,
    // Entering STALE waits for REACHABLE to time out (TAHI's way): entryCaseTimeoutMs says how long.
    timeoutMs: p.start === 'REACHABLE' || p.start === 'STALE' || p.start === 'PROBE' ? Math.max(40_000, entryCaseTimeoutMs(p.start) + 15_000) : 40_000,
    async run(ctx) {
      await t.setUp?.(ctx);
      if (p.start === 'INCOMPLETE') {
        await echoFrom(ctx, t.node, 7, `${t.node.name} pings; nobody answers the NUT's NS: the entry is INCOMPLETE`);
        if (!(await ctx.link().expect(multicastNsFor(t.node), ANSWER_WINDOW_MS))) return fail('RFC 4861 §7.2.2', `a Neighbor Solicitation for ${t.node.name} (setup)`, ctx.link().seenSinceSend());
      } else if (p.start !== 'NONE') {
        const failed = await enterState(ctx, p.start, t.node);
        if (failed) return failed;
      }
      const slla = p.slla === 'none' ? null : p.slla === 'same' ? t.node.mac : OTHER_MAC;
      const what = `an ${t.message} ${slla ? `with SLLA ${slla}` : 'without SLLA'} (entry ${p.start})`;
      await t.send(ctx, slla, what);
      if (p.start !== 'PROBE' && p.start !== 'INCOMPLETE') await sleep(300);
      return judgeEntry(ctx, t.node, p.outcome, what, t.rfc, { queued: p.start === 'INCOMPLETE' });
    },
  };
}
