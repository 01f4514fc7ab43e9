// v6LC.2.1.23 Fragment Header in Neighbor Solicitation and Neighbor Advertisement (RFC 6980 §5): an NS or
// NA that arrives in fragments is silently ignored, even once reassembled.
import type { CaseDefinition } from '../runner/case.js';
import { fragmentedNaIgnored, fragmentedNsIgnored } from '../vocabulary/fragmented-nd.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';

const TEST = 'Fragment Header in Neighbor Solicitation and Neighbor Advertisement';

// "Soliciation" in Part A is how the INDEX spells it.
export const cases: CaseDefinition[] = [
  { id: 'v6LC.2.1.23-A', title: `${TEST}: Part A: Neighbor Soliciation with Fragment Header`, rfc: 'RFC 6980 §5', appliesTo: ALL_MODES, run: (ctx) => fragmentedNsIgnored(ctx, 'two') },
  { id: 'v6LC.2.1.23-B', title: `${TEST}: Part B: Neighbor Advertisement with Fragment Header`, rfc: 'RFC 6980 §5', appliesTo: ALL_MODES, run: (ctx) => fragmentedNaIgnored(ctx, 'two') },
];
