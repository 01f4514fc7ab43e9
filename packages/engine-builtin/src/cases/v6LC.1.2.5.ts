// v6LC.1.2.5 Option Processing Order (RFC 8200 §4.2): options are processed in order, so a skippable
// unknown option is passed over and the next one decides.
import type { CaseDefinition } from '../runner/case.js';
import { echoBehind, optionOutcome } from '../vocabulary/extension-headers.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { unknown, UNKNOWN_OPTION } from '../vocabulary/unknown-options.js';

// v6LC.1.2.5: an unknown 00b option first, the tested one second: the first must be skipped, the second acted on.
// Layout: header bytes 40-41, first option 42-47, second option from 48.
export const cases: CaseDefinition[] = (
  [
    ['A', '01', 'silence'],
    ['B', '10', { pointer: 48 }],
    ['C', '11', { pointer: 48 }],
  ] as const
).map(([part, bits, outcome]) => ({
  id: `v6LC.1.2.5-${part}`,
  title: `Option Processing Order: Part ${part}: First Option has Most Significant Bits 00b, Next has Most Significant Bits ${bits}b`,
  rfc: 'RFC 8200 §4.2',
  appliesTo: ALL_MODES,
  run: (ctx) =>
    optionOutcome(ctx, echoBehind(ctx, [{ type: 'destination-options', options: [unknown('00'), unknown(bits)] }]), outcome, 'RFC 8200 §4.2', `options 0x1e (00b) then 0x${UNKNOWN_OPTION[bits].toString(16)} (${bits}b)`),
}));
