// v6LC.5.1.11 Error Condition With Non-Unique Source - Unspecified (RFC 4443 §2.4 (e.6)): no ICMPv6 error about
// a packet from the unspecified address: port unreachable (A), too big for the next link (B, routers),
// reassembly timeout (C, 65 s of the NUT's clock), unknown option (D).
import type { CaseDefinition } from '../runner/case.js';
import { nonUniqueSource } from '../vocabulary/non-unique-source.js';

const TITLE = 'Error Condition With Non-Unique Source - Unspecified';

export const cases: CaseDefinition[] = [
  nonUniqueSource('v6LC.5.1.11', TITLE, '::', 'A', '(Routers and Hosts)'),
  nonUniqueSource('v6LC.5.1.11', TITLE, '::', 'B', '(Routers Only)'),
  nonUniqueSource('v6LC.5.1.11', TITLE, '::', 'C', '(Routers and Hosts)'),
  nonUniqueSource('v6LC.5.1.11', TITLE, '::', 'D', '(Routers and Hosts)'),
];
