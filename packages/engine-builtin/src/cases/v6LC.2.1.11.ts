// v6LC.2.1.11 Neighbor Solicitation Processing, NCE State STALE (RFC 4861 §7.2.3): the entry TN1's first
// solicitation created is updated by the next one's SLLA.
import { nsWithEntryParts } from '../vocabulary/ns-with-entry.js';

export const nsStaleCases = nsWithEntryParts('2.1.11', 'Neighbor Solicitation Processing, NCE State STALE', 'STALE');
