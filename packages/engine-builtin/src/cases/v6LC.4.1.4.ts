// v6LC.4.1.4 Reduce PMTU On-link (RFC 8201 §4): after a Packet Too Big with MTU 1400 from an on-link node, the
// NUT's replies to it fit 1400 octets.
import type { CaseDefinition } from '../runner/case.js';
import { reduced } from '../vocabulary/path-mtu.js';

const reduceOnLink = reduced({ id: 'v6LC.4.1.4', title: 'Reduce PMTU On-link', n: 0x40, mtu: 1400, expected: 1400 });

export const cases: CaseDefinition[] = [reduceOnLink];
