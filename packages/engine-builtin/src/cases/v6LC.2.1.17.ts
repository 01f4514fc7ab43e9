// v6LC.2.1.17 Neighbor Advertisement Processing, NCE State INCOMPLETE (RFC 4861 §7.2.5): an NA with a
// TLLA completes resolution whatever S and O say (queued packets leave); one without a TLLA is discarded.
import type { CaseDefinition } from '../runner/case.js';
import { naCompletesResolution, naIgnoredWhileIncomplete } from '../vocabulary/na-while-incomplete.js';
import { naFrom } from '../vocabulary/nd-messages.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { ND_TN1, OTHER_MAC } from '../vocabulary/tester-nodes.js';

const TEST = 'Neighbor Advertisement Processing, NCE State INCOMPLETE';
const RFC = 'RFC 4861 §7.2.5';

function accepted(letter: string, s: boolean, o: boolean): CaseDefinition {
  return {
    id: `v6LC.2.1.17-${letter}`,
    title: `${TEST}: Part ${letter}: Receiving NA with S = ${Number(s)} and O = ${Number(o)}`,
    rfc: RFC,
    appliesTo: ALL_MODES,
    // The TLLA differs from the Ethernet source: the NUT must record the advertised address.
    run: (ctx) => naCompletesResolution(ctx, `S = ${Number(s)}, O = ${Number(o)} and a TLLA`, naFrom(ctx, ND_TN1, { solicited: s, override: o, tlla: OTHER_MAC }), OTHER_MAC),
  };
}

export const cases: CaseDefinition[] = [
  accepted('A', true, true),
  accepted('B', true, false),
  accepted('C', false, true),
  accepted('D', false, false),
  {
    id: 'v6LC.2.1.17-E',
    title: `${TEST}: Part E: Receiving NA without Target Link-Layer Address Option`,
    rfc: RFC,
    appliesTo: ALL_MODES,
    run: (ctx) => naIgnoredWhileIncomplete(ctx, 'no TLLA option', naFrom(ctx, ND_TN1, { solicited: true, override: true, tlla: null }), RFC),
  },
];
