// v6LC.3.1.3 Validation of DAD Neighbor Solicitations (RFC 4862 §5.4.3, RFC 4861 §7.1.1): an invalid DAD NS for
// the tentative address is ignored (the NUT keeps the address); a valid one with unusual fields is not.
import { multicastMac, type FrameSpec } from '@testlab/packet';
import type { CaseDefinition } from '../runner/case.js';
import { dadCase, dadNs } from '../vocabulary/dad-answers.js';
import { probeTarget } from '../vocabulary/dad-outcome.js';
import { ND_TN1 } from '../vocabulary/tester-nodes.js';

type NsIcmp = Extract<NonNullable<FrameSpec['icmpv6']>, { type: 'neighbor-solicitation' }>;
const ns = (s: FrameSpec) => s.icmpv6 as NsIcmp;

const T3 = 'Validation of DAD Neighbor Solicitations';
export const cases: CaseDefinition[] = [
  dadCase('v6LC.3.1.3-A', `${T3}: Part A: NUT receives invalid DAD NS (ICMP length < 24 octets)`, 'kept', 'a DAD NS of 20 octets', (_c, d) => {
    const s = dadNs(d);
    return { ...s, icmpv6: { type: 'other', icmpType: 135, body: Uint8Array.of(0, 0, 0, 0, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) } };
  }),
  dadCase('v6LC.3.1.3-B', `${T3}: Part B: NUT receives invalid DAD NS (HopLimit !=255)`, 'kept', 'a DAD NS with hop limit 254', (_c, d) => { const s = dadNs(d); return { ...s, ipv6: { ...s.ipv6!, hopLimit: 254 } }; }),
  dadCase('v6LC.3.1.3-C', `${T3}: Part C: NUT receives invalid DAD NS (Dst = NUT's tentative address)`, 'kept', 'a DAD NS sent to the tentative address itself', (c, d) => {
    const s = dadNs(d);
    return { ...s, eth: { ...s.eth, dst: c.nutOn().mac }, ipv6: { ...s.ipv6!, dst: probeTarget(d) } };
  }),
  dadCase('v6LC.3.1.3-D', `${T3}: Part D: NUT receives invalid DAD NS (Dst = allnode)`, 'kept', 'a DAD NS sent to all-nodes', (_c, d) => {
    const s = dadNs(d);
    return { ...s, eth: { ...s.eth, dst: multicastMac('ff02::1') }, ipv6: { ...s.ipv6!, dst: 'ff02::1' } };
  }),
  dadCase('v6LC.3.1.3-E', `${T3}: Part E: NUT receives invalid DAD NS (ICMP code!= zero)`, 'kept', 'a DAD NS with ICMPv6 code 1', (_c, d) => { const s = dadNs(d); return { ...s, icmpv6: { ...ns(s), code: 1 } }; }),
  dadCase('v6LC.3.1.3-F', `${T3}: Part F: NUT receives invalid DAD NS (Invalid Checksum)`, 'kept', 'a DAD NS with a wrong checksum', (_c, d) => { const s = dadNs(d); return { ...s, icmpv6: { ...ns(s), checksum: 0x0bad } }; }),
  dadCase('v6LC.3.1.3-G', `${T3}: Part G: NUT receives invalid DAD NS (target == multicast address)`, 'kept', 'a DAD NS for a multicast target', (_c, d) => { const s = dadNs(d); return { ...s, icmpv6: { ...ns(s), target: 'ff02::1' } }; }),
  dadCase('v6LC.3.1.3-H', `${T3}: Part H: NUT receives invalid DAD NS (contains SLL)`, 'kept', 'a DAD NS with an SLLA option', (_c, d) => { const s = dadNs(d); return { ...s, icmpv6: { ...ns(s), options: [{ type: 'source-lla', mac: ND_TN1.mac }] } }; }),
  dadCase('v6LC.3.1.3-I', `${T3}: Part I: NUT receives valid DAD NS (Reserved Field)`, 'duplicate', 'a DAD NS with a non-zero Reserved field', (_c, d) => { const s = dadNs(d); return { ...s, icmpv6: { ...ns(s), reserved: 0xffffffff } }; }),
  dadCase('v6LC.3.1.3-J', `${T3}: Part J: NUT receives valid DAD NS (contains TLL)`, 'duplicate', 'a DAD NS with a TLLA option', (_c, d) => { const s = dadNs(d); return { ...s, icmpv6: { ...ns(s), options: [{ type: 'target-lla', mac: ND_TN1.mac }] } }; }),
];
