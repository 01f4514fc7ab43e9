// v6LC.1.2.8 Option Processing, Destination Options Header (RFC 8200 §4.2): the parts of v6LC.1.2.6, in a
// Destination Options header.
import type { CaseDefinition } from '../runner/case.js';
import { OPTION_PARTS, optionCase } from '../vocabulary/unknown-options.js';

export const cases: CaseDefinition[] = OPTION_PARTS.map((p) => optionCase('destination-options', 'v6LC.1.2.8', 'Option Processing, Destination Options Header', p));
