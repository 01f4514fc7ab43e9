// v6LC.2.1.22 Atomic Fragments in Neighbor Soliciation and Neighbor Advertisment (RFC 6980 §5): an NS or NA
// in an atomic fragment (Fragment Header with offset 0 and M = 0) is silently ignored.
import type { CaseDefinition } from '../runner/case.js';
import { fragmentedNaIgnored, fragmentedNsIgnored } from '../vocabulary/fragmented-nd.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';

// "Soliciation" and "Advertisment" are how the INDEX spells them.
const TEST = 'Atomic Fragments in Neighbor Soliciation and Neighbor Advertisment';

export const cases: CaseDefinition[] = [
  { id: 'v6LC.2.1.22-A', title: `${TEST}: Part A: Neighbor Soliciation with Atomic Fragment`, rfc: 'RFC 6980 §5', appliesTo: ALL_MODES, run: (ctx) => fragmentedNsIgnored(ctx, 'atomic') },
  { id: 'v6LC.2.1.22-B', title: `${TEST}: Part B: Neighbor Advertisement with Atomic Fragment`, rfc: 'RFC 6980 §5', appliesTo: ALL_MODES, run: (ctx) => fragmentedNaIgnored(ctx, 'atomic') },
];
