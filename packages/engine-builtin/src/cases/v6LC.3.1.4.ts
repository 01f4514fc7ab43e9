// v6LC.3.1.4 Validation of DAD Neighbor Advertisements (RFC 4862 §5.4.4, RFC 4861 §7.1.2): an invalid NA for the
// tentative address is ignored (the NUT keeps the address); a valid one with unusual fields is not.
import type { FrameSpec } from '@testlab/packet';
import type { CaseDefinition } from '../runner/case.js';
import { dadCase, dadNa } from '../vocabulary/dad-answers.js';
import { ND_TN1 } from '../vocabulary/tester-nodes.js';

type NaIcmp = Extract<NonNullable<FrameSpec['icmpv6']>, { type: 'neighbor-advertisement' }>;
const na = (s: FrameSpec) => s.icmpv6 as NaIcmp;

const T4 = 'Validation of DAD Neighbor Advertisements';
export const cases: CaseDefinition[] = [
  dadCase('v6LC.3.1.4-A', `${T4}: Part A: NUT receives invalid DAD NA (ICMP length < 24 octets)`, 'kept', 'a DAD NA of 20 octets', (_c, d) => {
    const s = dadNa(d);
    return { ...s, icmpv6: { type: 'other', icmpType: 136, body: Uint8Array.of(0x20, 0, 0, 0, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) } };
  }),
  dadCase('v6LC.3.1.4-B', `${T4}: Part B: NUT receives invalid DAD NA (HopLimit != 255)`, 'kept', 'a DAD NA with hop limit 254', (_c, d) => { const s = dadNa(d); return { ...s, ipv6: { ...s.ipv6!, hopLimit: 254 } }; }),
  dadCase('v6LC.3.1.4-C', `${T4}: Part C: NUT receives invalid DAD NA (ICMP code!= zero)`, 'kept', 'a DAD NA with ICMPv6 code 1', (_c, d) => { const s = dadNa(d); return { ...s, icmpv6: { ...na(s), code: 1 } }; }),
  dadCase('v6LC.3.1.4-D', `${T4}: Part D: NUT receives invalid DAD NA (Invalid Checksum)`, 'kept', 'a DAD NA with a wrong checksum', (_c, d) => { const s = dadNa(d); return { ...s, icmpv6: { ...na(s), checksum: 0x0bad } }; }),
  dadCase('v6LC.3.1.4-E', `${T4}: Part E: NUT receives invalid DAD NA (SolicitedFlag ==1)`, 'kept', 'a DAD NA to all-nodes with the Solicited flag', (_c, d) => { const s = dadNa(d); return { ...s, icmpv6: { ...na(s), solicited: true } }; }),
  dadCase('v6LC.3.1.4-F', `${T4}: Part F: NUT receives invalid DAD NA (target == multicast address)`, 'kept', 'a DAD NA for a multicast target', (_c, d) => { const s = dadNa(d); return { ...s, icmpv6: { ...na(s), target: 'ff02::1' } }; }),
  dadCase('v6LC.3.1.4-G', `${T4}: Part G: NUT receives invalid DAD NA (option length ==zero)`, 'kept', 'a DAD NA with an option of length 0', (_c, d) => { const s = dadNa(d); return { ...s, icmpv6: { ...na(s), options: [{ type: 'target-lla', mac: ND_TN1.mac, length: 0 }] } }; }),
  dadCase('v6LC.3.1.4-H', `${T4}: Part H: NUT receives valid DAD NA (Reserved Field)`, 'duplicate', 'a DAD NA with a non-zero Reserved field', (_c, d) => { const s = dadNa(d); return { ...s, icmpv6: { ...na(s), reserved: 0x1fffffff } }; }),
  dadCase('v6LC.3.1.4-I', `${T4}: Part I: NUT receives valid DAD NA (contains SLL)`, 'duplicate', 'a DAD NA with an SLLA option too', (_c, d) => {
    const s = dadNa(d);
    return { ...s, icmpv6: { ...na(s), options: [{ type: 'source-lla', mac: ND_TN1.mac }, { type: 'target-lla', mac: ND_TN1.mac }] } };
  }),
];
