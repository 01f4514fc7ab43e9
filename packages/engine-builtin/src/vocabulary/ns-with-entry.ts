// Neighbor Solicitation processing with an entry already there (RFC 4861 §7.2.3, §7.2.4), as TAHI's nd.p2
// judges it (V6LC_2_1_11..13): the NUT answers with a proper solicited NA, records a different SLLA (the
// entry then becomes STALE), and keeps a same SLLA without touching the entry's state. The state after it
// is read from the NUT's behaviour (vocabulary/neighbor-state.ts).
import { pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { expectNaAnswer } from './na-answer.js';
import { enterState, entryCaseTimeoutMs, type Start } from './neighbor-entry.js';
import { expectState, type EntryState } from './neighbor-state.js';
import { nsToNut } from './nd-messages.js';
import { ALL_MODES } from './nut-modes.js';
import { ND_TN1, OTHER_MAC } from './tester-nodes.js';

const RFC = 'RFC 4861 §7.2.3';

/** A different SLLA is recorded and makes the entry STALE; the same one leaves the state as it was. */
const stateAfter = (start: Start, sameSlla: boolean): EntryState => (sameSlla ? start : 'STALE');

export async function nsWithEntry(ctx: CaseContext, start: Start, o: { unicast: boolean; sameSlla: boolean }): Promise<CaseVerdict> {
  const failed = await enterState(ctx, start);
  if (failed) return failed;
  const slla = o.sameSlla ? ND_TN1.mac : OTHER_MAC;
  const what = `a ${o.unicast ? 'unicast' : 'multicast'} NS with ${o.sameSlla ? 'the same' : 'a different'} SLLA (entry ${start})`;
  await ctx.link().send(nsToNut(ctx, ND_TN1, { unicast: o.unicast, slla }), what);
  const wrongNa = await expectNaAnswer(ctx, ND_TN1, what, { lla: slla, multicastNs: !o.unicast });
  if (wrongNa) return wrongNa;
  const state = stateAfter(start, o.sameSlla);
  const wrongState = await expectState(ctx, state, ND_TN1, slla, 2, what);
  if (wrongState) return wrongState;
  return pass(`${what} answered; the entry is ${state} with ${slla}`);
}

export function nsWithEntryParts(testNumber: string, test: string, start: Start): CaseDefinition[] {
  const parts: Array<[string, boolean, boolean]> = [['A', true, true], ['B', true, false], ['C', false, true], ['D', false, false]];
  return parts.map(([letter, unicast, sameSlla]) => ({
    id: `v6LC.${testNumber}-${letter}`,
    title: `${test}: Part ${letter}: ${unicast ? 'Unicast' : 'Multicast'} Neighbor Solicitation with ${sameSlla ? 'the same' : 'a different'} SLLA`,
    rfc: RFC,
    appliesTo: ALL_MODES,
    timeoutMs: entryCaseTimeoutMs(start),
    run: (ctx) => nsWithEntry(ctx, start, { unicast, sameSlla }),
  }));
}
