// Neighbor Advertisement processing with an entry already there (RFC 4861 §7.2.5), as TAHI's nd.p2 judges
// it (V6LC_2_1_18..20): the NA leaves the entry REACHABLE, STALE or PROBE, holding the old or the
// advertised link-layer address, as the RFC's rules give it; the state is read from the NUT's behaviour
// (vocabulary/neighbor-state.ts), so a NUT that ignores the NA is caught wherever the RFC changes the entry.
import { pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { enterState, entryCaseTimeoutMs, type Start } from './neighbor-entry.js';
import { expectState, type EntryState } from './neighbor-state.js';
import { naFrom } from './nd-messages.js';
import { ALL_MODES } from './nut-modes.js';
import { ND_TN1, OTHER_MAC } from './tester-nodes.js';

const RFC = 'RFC 4861 §7.2.5';

type Tlla = 'none' | 'same' | 'different';
interface Na { multicast: boolean; s: boolean; o: boolean; tlla: Tlla }

/**
 * RFC 4861 §7.2.5 on an entry that has an address: a different TLLA without O is not taken (REACHABLE
 * becomes STALE, other states stay); otherwise the address is taken, S makes the entry REACHABLE, a changed
 * address without S makes it STALE, and anything else leaves the state alone.
 */
export function naOutcome(start: Start, na: Na): { state: EntryState; lla: string } {
  if (na.tlla === 'different' && !na.o) return { state: start === 'REACHABLE' ? 'STALE' : start, lla: ND_TN1.mac };
  const lla = na.tlla === 'different' ? OTHER_MAC : ND_TN1.mac;
  if (na.s) return { state: 'REACHABLE', lla };
  if (na.tlla === 'different') return { state: 'STALE', lla };
  return { state: start, lla };
}

async function naWithEntry(ctx: CaseContext, start: Start, na: Na): Promise<CaseVerdict> {
  const failed = await enterState(ctx, start);
  if (failed) return failed;
  const tlla = na.tlla === 'none' ? null : na.tlla === 'same' ? ND_TN1.mac : OTHER_MAC;
  const what = `a ${na.multicast ? 'multicast' : 'unicast'} NA with S = ${Number(na.s)}, O = ${Number(na.o)} and ${na.tlla === 'none' ? 'no' : na.tlla} TLLA (entry ${start})`;
  await ctx.link().send(naFrom(ctx, ND_TN1, { solicited: na.s, override: na.o, tlla, ...(na.multicast ? { dst: 'ff02::1' } : {}) }), what);
  const { state, lla } = naOutcome(start, na);
  const wrong = await expectState(ctx, state, ND_TN1, lla, 2, what);
  if (wrong) return wrong;
  return pass(`after ${what} the entry is ${state} with ${lla}`);
}

/** The 18 parts (A-R) of v6LC.2.1.18-20, in INDEX order. */
export function naWithEntryParts(testNumber: string, test: string, start: Start): CaseDefinition[] {
  const combos: Na[] = [];
  for (const tlla of ['none', 'same', 'different'] as const) for (const [s, o] of [[false, false], [false, true], [true, false], [true, true]] as const) combos.push({ multicast: false, s, o, tlla });
  for (const tlla of ['same', 'different', 'none'] as const) for (const o of [false, true]) combos.push({ multicast: true, s: false, o, tlla });
  const words = { none: 'no TLLA', same: 'the same TLLA', different: 'a different TLLA' };
  return combos.map((c, i) => {
    const letter = String.fromCharCode(65 + i);
    const tllaWords = c.multicast && c.tlla === 'none' ? 'NO TLLA' : words[c.tlla];
    return {
      id: `v6LC.${testNumber}-${letter}`,
      title: `${test}: Part ${letter}: Receiving ${c.multicast ? 'Multicast' : 'Unicast'} NA with S = ${Number(c.s)}, O = ${Number(c.o)} and ${tllaWords}`,
      rfc: RFC,
      appliesTo: ALL_MODES,
      timeoutMs: entryCaseTimeoutMs(start),
      run: (ctx) => naWithEntry(ctx, start, c),
    };
  });
}
