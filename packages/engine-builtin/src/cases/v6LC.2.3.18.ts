// v6LC.2.3.18 Atomic Fragments in Redirect (RFC 6980 §5, RFC 4861 §8.1): an on-link Redirect carried in an
// atomic fragment (Fragment header, offset 0, M = 0) is ignored: TN1's next Echo Reply still goes through
// TR1. The same Redirect without the Fragment header (the control) then sends it to TN1 itself.
import type { CaseDefinition } from '../runner/case.js';
import { fragmentedRedirectIgnored } from '../vocabulary/redirect-fragments.js';

export const cases: CaseDefinition[] = [
  fragmentedRedirectIgnored({ id: 'v6LC.2.3.18', title: 'Atomic Fragments in Redirect (Host Only)', what: 'a Redirect in an atomic fragment', pieces: (length) => [{ start: 0, end: length, more: false }] }),
];
