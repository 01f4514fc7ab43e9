// v6LC.1.1.5 Payload Length (RFC 8200 §3): the NUT answers Echo Requests whose Payload Length is odd (A) or
// even (C); a router forwards the odd one unchanged (B).
import type { CaseDefinition } from '../runner/case.js';
import { forwardedIntact } from '../vocabulary/forwarding.js';
import { answeredDespite } from '../vocabulary/ignored-header-fields.js';
import { pattern } from '../vocabulary/payload.js';

// Payload Length 8 + 9 = 17 (odd) and 8 + 10 = 18 (even): both exact, both answered.
const payloadLengthOdd = answeredDespite({
  id: 'v6LC.1.1.5-A',
  title: 'Payload Length: Part A: Payload Length Odd',
  rfc: 'RFC 8200 §3',
  what: 'an odd Payload Length (17)',
  field: {},
  dataLength: 9,
});

const payloadLengthOddForwarded = forwardedIntact({
  id: 'v6LC.1.1.5-B',
  title: 'Payload Length: Part B: RUT forwards Payload Length Odd (Routers Only)',
  rfc: 'RFC 8200 §3',
  what: 'an Echo Request with an odd Payload Length (17)',
  n: 0x15,
  shape: (r) => (r.icmpv6?.type === 'echo-request' ? { ...r, icmpv6: { ...r.icmpv6, data: pattern(9) } } : r),
});

const payloadLengthEven = answeredDespite({
  id: 'v6LC.1.1.5-C',
  title: 'Payload Length: Part C: Payload Length Even',
  rfc: 'RFC 8200 §3',
  what: 'an even Payload Length (18)',
  field: {},
  dataLength: 10,
});

export const cases: CaseDefinition[] = [payloadLengthOdd, payloadLengthOddForwarded, payloadLengthEven];
