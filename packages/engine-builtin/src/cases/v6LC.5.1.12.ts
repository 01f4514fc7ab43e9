// v6LC.5.1.12 Error Condition With Non-Unique Source - Multicast (RFC 4443 §2.4 (e.6)): no ICMPv6 error about a
// packet from a multicast address: port unreachable (A), too big for the next link (B, routers), reassembly
// timeout (C, 65 s of the NUT's clock), unknown option (D).
import type { CaseDefinition } from '../runner/case.js';
import { nonUniqueSource } from '../vocabulary/non-unique-source.js';

const TITLE = 'Error Condition With Non-Unique Source - Multicast';
const GLOBAL_MULTICAST = 'ff1e::1:2';

export const cases: CaseDefinition[] = [
  nonUniqueSource('v6LC.5.1.12', TITLE, GLOBAL_MULTICAST, 'A', '(Routers and Hosts)'),
  nonUniqueSource('v6LC.5.1.12', TITLE, GLOBAL_MULTICAST, 'B', '(Routers Only)'),
  nonUniqueSource('v6LC.5.1.12', TITLE, GLOBAL_MULTICAST, 'C', '(Routers and Hosts)'),
  nonUniqueSource('v6LC.5.1.12', TITLE, GLOBAL_MULTICAST, 'D', '(Routers and Hosts)'),
];
