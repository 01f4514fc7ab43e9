// v6LC.2.3.19 Fragment Header in Redirect (RFC 6980 §5, RFC 4861 §8.1): an on-link Redirect sent in two
// fragments (16 octets, then the rest, as TAHI cuts it) is ignored even though it reassembles: TN1's next
// Echo Reply still goes through TR1. The same Redirect unfragmented (the control) then sends it to TN1.
import type { CaseDefinition } from '../runner/case.js';
import { fragmentedRedirectIgnored } from '../vocabulary/redirect-fragments.js';

export const cases: CaseDefinition[] = [
  fragmentedRedirectIgnored({ id: 'v6LC.2.3.19', title: 'Fragment Header in Redirect (Host Only)', what: 'a Redirect in two fragments', pieces: (length) => [{ start: 0, end: 16 }, { start: 16, end: length }] }),
];
