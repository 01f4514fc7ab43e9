// v6LC.1.2.6 Options Processing, Hop-by-Hop Options Header - End Node (RFC 8200 §4.2): Pad1, PadN and unknown
// options with each action of the two high-order bits, in a Hop-by-Hop header.
import type { CaseDefinition } from '../runner/case.js';
import { OPTION_PARTS, optionCase } from '../vocabulary/unknown-options.js';

export const cases: CaseDefinition[] = OPTION_PARTS.map((p) => optionCase('hop-by-hop', 'v6LC.1.2.6', 'Options Processing, Hop-by-Hop Options Header - End Node', p));
