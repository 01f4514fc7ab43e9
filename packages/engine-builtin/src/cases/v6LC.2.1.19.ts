// v6LC.2.1.19 Neighbor Advertisement Processing, NCE State STALE (RFC 4861 §7.2.5), parts A-R.
import type { CaseDefinition } from '../runner/case.js';
import { naWithEntryParts } from '../vocabulary/na-with-entry.js';

export const cases: CaseDefinition[] = naWithEntryParts('2.1.19', 'Neighbor Advertisement Processing, NCE State STALE', 'STALE');
