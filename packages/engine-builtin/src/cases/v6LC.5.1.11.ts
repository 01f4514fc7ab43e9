// v6LC.5.1.11 Error Condition With Non-Unique Source - Unspecified (RFC 4443 §2.4 (e.6)): no ICMPv6 error about
// a packet from the unspecified address.
import type { CaseDefinition } from '../runner/case.js';
import { nonUniqueSource } from '../vocabulary/non-unique-source.js';

const TITLE_UNSPECIFIED = 'Error Condition With Non-Unique Source - Unspecified';

export const cases: CaseDefinition[] = [
  nonUniqueSource('v6LC.5.1.11', TITLE_UNSPECIFIED, '::', 'A'),
  nonUniqueSource('v6LC.5.1.11', TITLE_UNSPECIFIED, '::', 'D'),
];
