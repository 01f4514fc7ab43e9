// v6LC.2.3.3 Redirected On-link: Invalid (RFC 4861 §8.1): an on-link Redirect that fails one validity check
// is ignored (TN1's next Echo Reply still goes through TR1); the same Redirect valid is then followed.
import type { CaseDefinition } from '../runner/case.js';
import { invalidRedirectsIgnored } from '../vocabulary/redirect-followed.js';
import { TN1 } from '../vocabulary/tester-nodes.js';

export const cases: CaseDefinition[] = invalidRedirectsIgnored({ test: 'v6LC.2.3.3', testTitle: 'Redirected On-link: Invalid (Hosts Only)', to: 'on-link', tlla: TN1.mac });
