// v6LC.1.2.10 Unrecognized Routing Type - Intermediate Node (RFC 8200 §4.4, RFC 5095): with Segments Left
// above 0 an unknown Routing header draws Parameter Problem code 0 pointing at the Routing Type.
import type { CaseDefinition } from '../runner/case.js';
import { routingTypeCase } from '../vocabulary/routing-header.js';

export const cases: CaseDefinition[] = [
  routingTypeCase('v6LC.1.2.10', 'Unrecognized Routing Type - Intermediate Node', 'A', 33, 1),
  routingTypeCase('v6LC.1.2.10', 'Unrecognized Routing Type - Intermediate Node', 'B', 0, 1),
];
