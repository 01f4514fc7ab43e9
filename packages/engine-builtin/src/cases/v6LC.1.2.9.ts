// v6LC.1.2.9 Unrecognized Routing Type - End Node (RFC 8200 §4.4, RFC 5095): with Segments Left 0 an unknown
// Routing header is ignored and the packet answered.
import type { CaseDefinition } from '../runner/case.js';
import { routingTypeCase } from '../vocabulary/routing-header.js';

export const cases: CaseDefinition[] = [
  routingTypeCase('v6LC.1.2.9', 'Unrecognized Routing Type - End Node', 'A', 33, 0),
  routingTypeCase('v6LC.1.2.9', 'Unrecognized Routing Type - End Node', 'B', 0, 0),
];
