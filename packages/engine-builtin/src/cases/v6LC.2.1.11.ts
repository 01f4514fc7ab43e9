// v6LC.2.1.11 Neighbor Solicitation Processing, NCE State STALE (RFC 4861 §7.2.3): the entry TN1's first
// solicitation created is updated by the next one's SLLA.
import type { CaseDefinition } from '../runner/case.js';
import { nsWithEntryParts } from '../vocabulary/ns-with-entry.js';

export const cases: CaseDefinition[] = nsWithEntryParts('2.1.11', 'Neighbor Solicitation Processing, NCE State STALE', 'STALE');
