// v6LC.5.1.12 Error Condition With Non-Unique Source - Multicast (RFC 4443 §2.4 (e.6)): no ICMPv6 error about a
// packet from a multicast address.
import type { CaseDefinition } from '../runner/case.js';
import { nonUniqueSource } from '../vocabulary/non-unique-source.js';

const TITLE_MULTICAST = 'Error Condition With Non-Unique Source - Multicast';
const GLOBAL_MULTICAST = 'ff1e::1:2';

export const cases: CaseDefinition[] = [
  nonUniqueSource('v6LC.5.1.12', TITLE_MULTICAST, GLOBAL_MULTICAST, 'A'),
  nonUniqueSource('v6LC.5.1.12', TITLE_MULTICAST, GLOBAL_MULTICAST, 'D'),
];
