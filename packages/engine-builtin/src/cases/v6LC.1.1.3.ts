// v6LC.1.1.3 Traffic Class Non-Zero - Intermediate Node (RFC 8200 §7): a router forwards the traffic class
// unchanged.
import type { CaseDefinition } from '../runner/case.js';
import { forwardedIntact } from '../vocabulary/forwarding.js';

const trafficClassForwarded = forwardedIntact({
  id: 'v6LC.1.1.3',
  title: 'Traffic Class Non-Zero - Intermediate Node (Routers Only)',
  rfc: 'RFC 8200 §7',
  what: 'an Echo Request with traffic class 0x12',
  n: 0x13,
  shape: (r) => ({ ...r, ipv6: { ...r.ipv6!, trafficClass: 0x12 } }),
});

export const cases: CaseDefinition[] = [trafficClassForwarded];
