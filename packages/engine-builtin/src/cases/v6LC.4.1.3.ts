// v6LC.4.1.3 Non-zero ICMPv6 Code (RFC 4443 §3.2, RFC 8201 §4): a Packet Too Big with a code other than 0 is
// still taken in.
import type { CaseDefinition } from '../runner/case.js';
import { reduced } from '../vocabulary/path-mtu.js';
import { MIN_MTU } from '../vocabulary/tahi-network.js';

const nonZeroCode = reduced({ id: 'v6LC.4.1.3', title: 'Non-zero ICMPv6 Code', n: 0x30, mtu: MIN_MTU, expected: MIN_MTU, code: 0x5a, rfc: 'RFC 4443 §3.2, RFC 8201 §4' });

export const cases: CaseDefinition[] = [nonZeroCode];
