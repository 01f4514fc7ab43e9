// Section 3 Group 1, RFC 4862 §5.4: Duplicate Address Detection of the link-local address, on a fresh NUT
// whose interface is restarted (as at boot). v6LC.3.1.1 checks the probe; 3.1.2-3.1.5 answer it with
// DAD NS/NA, valid (the NUT must give the address up) or invalid (the NUT must ignore them and keep it).
import { multicastMac, solicitedNodeMulticast, type FrameSpec } from '@testlab/packet';
import { fail, type CaseDefinition } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { dadCase, dadNa, dadNs } from '../vocabulary/dad-answers.js';
import { dadProbeCase, probeTarget } from '../vocabulary/dad-outcome.js';
import { isNaFor } from '../vocabulary/nd-messages.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { bareNode } from '../vocabulary/tester-nodes.js';

const RFC_DAD = 'RFC 4862 §5.4.3';
/** The other node claiming (or not) the NUT's address. */
const TN1 = bareNode('TN1', '00:00:00:00:01:00');
const OTHER_TARGET = 'fe80::200:ff:fe00:999';

type NsIcmp = Extract<NonNullable<FrameSpec['icmpv6']>, { type: 'neighbor-solicitation' }>;
type NaIcmp = Extract<NonNullable<FrameSpec['icmpv6']>, { type: 'neighbor-advertisement' }>;

const ns = (s: FrameSpec) => s.icmpv6 as NsIcmp;
const na = (s: FrameSpec) => s.icmpv6 as NaIcmp;

export const dadSuccess: CaseDefinition = {
  id: 'v6LC.3.1.1',
  title: 'Address Autoconfiguration and Duplicate Address Detection',
  rfc: 'RFC 4862 §5.4.2',
  appliesTo: ALL_MODES,
  needsFreshNut: true,
  run: (ctx) =>
    dadProbeCase(ctx, {
      rfc: 'RFC 4862 §5.4',
      expected: 'kept',
      checkProbe: (c, dad) => {
        const rfc = 'RFC 4862 §5.4.2';
        const ll = c.nutOn().linkLocal;
        const f = dad.frame;
        const m = f.icmpv6;
        if (m?.type !== 'neighbor-solicitation') throw new Error('unreachable');
        if (f.ipv6?.dst !== solicitedNodeMulticast(ll)) return fail(rfc, `the DAD probe sent to ${solicitedNodeMulticast(ll)}`, `destination ${f.ipv6?.dst}`);
        if (f.ipv6.hopLimit !== 255) return fail('RFC 4861 §7.1.1', 'hop limit 255 on the DAD probe', `hop limit ${f.ipv6.hopLimit}`);
        if (m.options.some((o) => o.type === 'source-lla')) return fail('RFC 4861 §7.2.2', 'no SLLA option in an NS from the unspecified address', 'an SLLA option');
        // Until DAD ends the address is not used: nothing may leave from it (MLD reports go from ::).
        const early = c.link().seenSinceSend((x) => x.ipv6?.src === ll);
        if (early !== 'nothing') return fail('RFC 4862 §5.4', `nothing sent from ${ll} while it is tentative`, early);
        return undefined;
      },
    }),
};

export const dadReceiveCases: CaseDefinition[] = [
  dadCase('v6LC.3.1.2-A', 'Receiving DAD Neighbor Solicitations and Advertisements: Part A: NUT receives DAD NS (target != NUT)', 'kept', "TN1's DAD probe for another address", (_c, d) => dadNs(d, OTHER_TARGET)),
  dadCase('v6LC.3.1.2-B', 'Receiving DAD Neighbor Solicitations and Advertisements: Part B: NUT receives DAD NS (target == NUT)', 'duplicate', "TN1's DAD probe for the NUT's tentative address", (_c, d) => dadNs(d)),
  dadCase('v6LC.3.1.2-C', 'Receiving DAD Neighbor Solicitations and Advertisements: Part C: NUT receives DAD NA (target != NUT)', 'kept', 'an NA from TN1 for another address', (_c, d) => dadNa(d, OTHER_TARGET)),
  dadCase('v6LC.3.1.2-D', 'Receiving DAD Neighbor Solicitations and Advertisements: Part D: NUT receives DAD NA (target == NUT)', 'duplicate', "an NA from TN1 defending the NUT's tentative address", (_c, d) => dadNa(d)),
];

const T3 = 'Validation of DAD Neighbor Solicitations';
export const dadNsValidationCases: CaseDefinition[] = [
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
  dadCase('v6LC.3.1.3-H', `${T3}: Part H: NUT receives invalid DAD NS (contains SLL)`, 'kept', 'a DAD NS with an SLLA option', (_c, d) => { const s = dadNs(d); return { ...s, icmpv6: { ...ns(s), options: [{ type: 'source-lla', mac: TN1.mac }] } }; }),
  dadCase('v6LC.3.1.3-I', `${T3}: Part I: NUT receives valid DAD NS (Reserved Field)`, 'duplicate', 'a DAD NS with a non-zero Reserved field', (_c, d) => { const s = dadNs(d); return { ...s, icmpv6: { ...ns(s), reserved: 0xffffffff } }; }),
  dadCase('v6LC.3.1.3-J', `${T3}: Part J: NUT receives valid DAD NS (contains TLL)`, 'duplicate', 'a DAD NS with a TLLA option', (_c, d) => { const s = dadNs(d); return { ...s, icmpv6: { ...ns(s), options: [{ type: 'target-lla', mac: TN1.mac }] } }; }),
];

const T4 = 'Validation of DAD Neighbor Advertisements';
export const dadNaValidationCases: CaseDefinition[] = [
  dadCase('v6LC.3.1.4-A', `${T4}: Part A: NUT receives invalid DAD NA (ICMP length < 24 octets)`, 'kept', 'a DAD NA of 20 octets', (_c, d) => {
    const s = dadNa(d);
    return { ...s, icmpv6: { type: 'other', icmpType: 136, body: Uint8Array.of(0x20, 0, 0, 0, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) } };
  }),
  dadCase('v6LC.3.1.4-B', `${T4}: Part B: NUT receives invalid DAD NA (HopLimit != 255)`, 'kept', 'a DAD NA with hop limit 254', (_c, d) => { const s = dadNa(d); return { ...s, ipv6: { ...s.ipv6!, hopLimit: 254 } }; }),
  dadCase('v6LC.3.1.4-C', `${T4}: Part C: NUT receives invalid DAD NA (ICMP code!= zero)`, 'kept', 'a DAD NA with ICMPv6 code 1', (_c, d) => { const s = dadNa(d); return { ...s, icmpv6: { ...na(s), code: 1 } }; }),
  dadCase('v6LC.3.1.4-D', `${T4}: Part D: NUT receives invalid DAD NA (Invalid Checksum)`, 'kept', 'a DAD NA with a wrong checksum', (_c, d) => { const s = dadNa(d); return { ...s, icmpv6: { ...na(s), checksum: 0x0bad } }; }),
  dadCase('v6LC.3.1.4-E', `${T4}: Part E: NUT receives invalid DAD NA (SolicitedFlag ==1)`, 'kept', 'a DAD NA to all-nodes with the Solicited flag', (_c, d) => { const s = dadNa(d); return { ...s, icmpv6: { ...na(s), solicited: true } }; }),
  dadCase('v6LC.3.1.4-F', `${T4}: Part F: NUT receives invalid DAD NA (target == multicast address)`, 'kept', 'a DAD NA for a multicast target', (_c, d) => { const s = dadNa(d); return { ...s, icmpv6: { ...na(s), target: 'ff02::1' } }; }),
  dadCase('v6LC.3.1.4-G', `${T4}: Part G: NUT receives invalid DAD NA (option length ==zero)`, 'kept', 'a DAD NA with an option of length 0', (_c, d) => { const s = dadNa(d); return { ...s, icmpv6: { ...na(s), options: [{ type: 'target-lla', mac: TN1.mac, length: 0 }] } }; }),
  dadCase('v6LC.3.1.4-H', `${T4}: Part H: NUT receives valid DAD NA (Reserved Field)`, 'duplicate', 'a DAD NA with a non-zero Reserved field', (_c, d) => { const s = dadNa(d); return { ...s, icmpv6: { ...na(s), reserved: 0x1fffffff } }; }),
  dadCase('v6LC.3.1.4-I', `${T4}: Part I: NUT receives valid DAD NA (contains SLL)`, 'duplicate', 'a DAD NA with an SLLA option too', (_c, d) => {
    const s = dadNa(d);
    return { ...s, icmpv6: { ...na(s), options: [{ type: 'source-lla', mac: TN1.mac }, { type: 'target-lla', mac: TN1.mac }] } };
  }),
];

/** An address-resolution NS (unicast source) for the tentative address: ignored, not answered (RFC 4862 §5.4.3). */
function resolutionNs(c: CaseContext, d: ReceivedFrame, unicastDst: boolean): FrameSpec {
  const t = probeTarget(d);
  const dst = unicastDst ? t : solicitedNodeMulticast(t);
  return {
    eth: { src: TN1.mac, dst: unicastDst ? c.nutOn().mac : multicastMac(dst) },
    ipv6: { src: TN1.address, dst, hopLimit: 255 },
    icmpv6: { type: 'neighbor-solicitation', target: t, options: [{ type: 'source-lla', mac: TN1.mac }] },
  };
}

const T5 = 'Receiving Neighbor Solicitations for Address Resolution';
const noNa = (c: CaseContext) => isNaFor(c.nutOn().linkLocal);
export const dadResolutionNsCases: CaseDefinition[] = [
  dadCase('v6LC.3.1.5-A', `${T5}: Part A: NUT receives NS (src == unicast)`, 'kept', 'an address-resolution NS for the tentative address', (c, d) => resolutionNs(c, d, false)),
  dadCase('v6LC.3.1.5-B', `${T5}: Part B: NUT receives NS (Src == unicast && Dst == NUT's tentative address)`, 'kept', 'an address-resolution NS sent to the tentative address', (c, d) => resolutionNs(c, d, true)),
].map((def) => ({
  ...def,
  run: (ctx: CaseContext) =>
    dadProbeCase(ctx, {
      rfc: RFC_DAD,
      expected: 'kept',
      inject: { what: def.id.endsWith('A') ? 'an address-resolution NS for the tentative address' : 'an address-resolution NS sent to the tentative address', frame: (c, d) => resolutionNs(c, d, def.id.endsWith('B')) },
      mustNotAnswer: noNa,
    }),
}));

export const section31Cases: CaseDefinition[] = [dadSuccess, ...dadReceiveCases, ...dadNsValidationCases, ...dadNaValidationCases, ...dadResolutionNsCases];
