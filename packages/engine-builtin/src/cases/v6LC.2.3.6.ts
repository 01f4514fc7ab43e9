// v6LC.2.3.6 Redirected to Alternate Router: Invalid (RFC 4861 §8.1): a Redirect to TR2 that fails one
// validity check is ignored (TN1's next Echo Reply still goes through TR1); the same Redirect valid is then
// followed.
import type { CaseDefinition } from '../runner/case.js';
import { invalidRedirectsIgnored } from '../vocabulary/redirect-followed.js';
import { TR2 } from '../vocabulary/redirect-network.js';

export const cases: CaseDefinition[] = invalidRedirectsIgnored({ test: 'v6LC.2.3.6', testTitle: 'Redirected to Alternate Router: Invalid (Hosts Only)', to: 'TR2', tlla: TR2.mac });
