// v6LC.1.3.5 Overlapping Fragments (RFC 8200 §4.5, RFC 5722): a datagram with overlapping fragments is
// discarded whole, in either order.
import type { CaseDefinition } from '../runner/case.js';
import { cutFragments, type Piece } from '../vocabulary/fragments.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { echoTo, FRAGMENT_ID, notReassembled, tn } from '../vocabulary/reassembly.js';

// Overlap: the second fragment starts 16 bytes inside the first. RFC 8200 §4.5 (RFC 5722): the whole
// datagram is discarded, nothing answered.
const OVERLAPPING: Piece[] = [
  { start: 0, end: 64 },
  { start: 48, end: 136 },
];

export const cases: CaseDefinition[] = [
  {
    id: 'v6LC.1.3.5-A',
    title: "Overlapping Fragments: Part A: Overlapping fragments (Link-Local)",
    rfc: 'RFC 8200 §4.5, RFC 5722 §4',
    appliesTo: ALL_MODES,
    run(ctx) {
      const from = tn(ctx, 0x5a);
      return notReassembled(ctx, from, cutFragments(echoTo(ctx, from, 128), FRAGMENT_ID, OVERLAPPING), 'two overlapping fragments', 'RFC 8200 §4.5, RFC 5722 §4');
    },
  },
  {
    id: 'v6LC.1.3.5-B',
    title: 'Overlapping Fragments: Part B: Reverse Order Fragments (Link-Local)',
    rfc: 'RFC 8200 §4.5, RFC 5722 §4',
    appliesTo: ALL_MODES,
    run(ctx) {
      const from = tn(ctx, 0x5b);
      return notReassembled(ctx, from, cutFragments(echoTo(ctx, from, 128), FRAGMENT_ID, OVERLAPPING).reverse(), 'two overlapping fragments, last first', 'RFC 8200 §4.5, RFC 5722 §4');
    },
  },
];
