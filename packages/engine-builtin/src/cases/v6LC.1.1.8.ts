// v6LC.1.1.8 Hop Limit Zero - End Node (RFC 8200 §3): only forwarding checks the hop limit; an end node
// answers an Echo Request with hop limit 0.
import type { CaseDefinition } from '../runner/case.js';
import { answeredDespite } from '../vocabulary/ignored-header-fields.js';

const hopLimitZeroEndNode = answeredDespite({
  id: 'v6LC.1.1.8',
  title: 'Hop Limit Zero - End Node',
  rfc: 'RFC 8200 §3',
  what: 'hop limit 0 (only forwarding decrements and checks it)',
  field: { hopLimit: 0 },
});

export const cases: CaseDefinition[] = [hopLimitZeroEndNode];
