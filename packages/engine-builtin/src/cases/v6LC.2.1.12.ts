// v6LC.2.1.12 Neighbor Solicitation Processing, NCE State PROBE (RFC 4861 §7.2.3): as in REACHABLE and
// STALE, the solicitation's SLLA is recorded when it differs.
import type { CaseDefinition } from '../runner/case.js';
import { nsWithEntryParts } from '../vocabulary/ns-with-entry.js';

export const cases: CaseDefinition[] = nsWithEntryParts('2.1.12', 'Neighbor Solicitation Processing, NCE State PROBE', 'PROBE');
