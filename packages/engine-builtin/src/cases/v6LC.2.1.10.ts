// v6LC.2.1.10 Neighbor Solicitation Processing, NCE State REACHABLE (RFC 4861 §7.2.3): a solicitation
// with a different SLLA replaces the recorded address (and makes the entry STALE); the same SLLA keeps it.
import type { CaseDefinition } from '../runner/case.js';
import { nsWithEntryParts } from '../vocabulary/ns-with-entry.js';

export const cases: CaseDefinition[] = nsWithEntryParts('2.1.10', 'Neighbor Solicitation Processing, NCE State REACHABLE', 'REACHABLE');
