// v6LC.1.1.4 Flow Label Non-Zero (RFC 8200 §6, RFC 6437 §3): part A, the NUT answers an Echo Request with
// a flow label; part B, a router forwards the flow label unchanged.
import type { CaseDefinition } from '../runner/case.js';
import { forwardedIntact } from '../vocabulary/forwarding.js';
import { answeredDespite } from '../vocabulary/ignored-header-fields.js';

const flowLabelNonZero = answeredDespite({
  id: 'v6LC.1.1.4-A',
  title: 'Flow Label Non-Zero: Part A: NUT receives Non-Zero Flow Label',
  rfc: 'RFC 8200 §6',
  what: 'flow label 0x34567',
  field: { flowLabel: 0x34567 },
});

const flowLabelForwarded = forwardedIntact({
  id: 'v6LC.1.1.4-B',
  title: 'Flow Label Non-Zero: Part B: RUT forwards Non-Zero Flow Label (Routers Only)',
  rfc: 'RFC 8200 §6, RFC 6437 §3',
  what: 'an Echo Request with flow label 0x34567',
  n: 0x14,
  shape: (r) => ({ ...r, ipv6: { ...r.ipv6!, flowLabel: 0x34567 } }),
});

export const cases: CaseDefinition[] = [flowLabelNonZero, flowLabelForwarded];
