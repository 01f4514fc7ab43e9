// v6LC.3.1.2 Receiving DAD Neighbor Solicitations and Advertisements (RFC 4862 §5.4.3, §5.4.4): another node's
// DAD NS or NA for the NUT's tentative address makes it a duplicate; one for another address does not.
import type { CaseDefinition } from '../runner/case.js';
import { dadCase, dadNa, dadNs } from '../vocabulary/dad-answers.js';

const OTHER_TARGET = 'fe80::200:ff:fe00:999';

export const cases: CaseDefinition[] = [
  dadCase('v6LC.3.1.2-A', 'Receiving DAD Neighbor Solicitations and Advertisements: Part A: NUT receives DAD NS (target != NUT)', 'kept', "TN1's DAD probe for another address", (_c, d) => dadNs(d, OTHER_TARGET)),
  dadCase('v6LC.3.1.2-B', 'Receiving DAD Neighbor Solicitations and Advertisements: Part B: NUT receives DAD NS (target == NUT)', 'duplicate', "TN1's DAD probe for the NUT's tentative address", (_c, d) => dadNs(d)),
  dadCase('v6LC.3.1.2-C', 'Receiving DAD Neighbor Solicitations and Advertisements: Part C: NUT receives DAD NA (target != NUT)', 'kept', 'an NA from TN1 for another address', (_c, d) => dadNa(d, OTHER_TARGET)),
  dadCase('v6LC.3.1.2-D', 'Receiving DAD Neighbor Solicitations and Advertisements: Part D: NUT receives DAD NA (target == NUT)', 'duplicate', "an NA from TN1 defending the NUT's tentative address", (_c, d) => dadNa(d)),
];
