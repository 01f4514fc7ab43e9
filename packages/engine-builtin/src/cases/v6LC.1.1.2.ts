// v6LC.1.1.2 Traffic Class Non-Zero - End Node (RFC 8200 §7): an end node answers an Echo Request whatever
// its traffic class.
import type { CaseDefinition } from '../runner/case.js';
import { answeredDespite } from '../vocabulary/ignored-header-fields.js';

const trafficClassEndNode = answeredDespite({
  id: 'v6LC.1.1.2',
  title: 'Traffic Class Non-Zero - End Node',
  rfc: 'RFC 8200 §7',
  what: 'traffic class 0x12',
  field: { trafficClass: 0x12 },
});

export const cases: CaseDefinition[] = [trafficClassEndNode];
