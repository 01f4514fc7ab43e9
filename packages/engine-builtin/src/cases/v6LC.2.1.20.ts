// v6LC.2.1.20 Neighbor Advertisement Processing, NCE State PROBE (RFC 4861 §7.2.5), parts A-R.
import type { CaseDefinition } from '../runner/case.js';
import { naWithEntryParts } from '../vocabulary/na-with-entry.js';

// "Processsing" is how the INDEX spells it.
export const cases: CaseDefinition[] = naWithEntryParts('2.1.20', 'Neighbor Advertisement Processsing, NCE State PROBE', 'PROBE');
