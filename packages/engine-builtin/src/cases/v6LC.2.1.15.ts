// v6LC.2.1.15 Invalid Neighbor Advertisement Handling (RFC 4861 §7.1.2): the NUT resolves TN1; an NA
// that fails validation must not complete the resolution.
import type { FrameSpec } from '@testlab/packet';
import type { CaseDefinition } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { naIgnoredWhileIncomplete } from '../vocabulary/na-while-incomplete.js';
import { naFrom } from '../vocabulary/nd-messages.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { ND_TN1 } from '../vocabulary/tester-nodes.js';

const TEST = 'Invalid Neighbor Advertisement Handling';
type NaIcmp = Extract<NonNullable<FrameSpec['icmpv6']>, { type: 'neighbor-advertisement' }>;
const icmp = (s: FrameSpec) => s.icmpv6 as NaIcmp;

function part(letter: string, partTitle: string, what: string, build: (ctx: CaseContext) => FrameSpec): CaseDefinition {
  return {
    id: `v6LC.2.1.15-${letter}`,
    title: `${TEST}: Part ${letter}: ${partTitle}`,
    rfc: 'RFC 4861 §7.1.2',
    appliesTo: ALL_MODES,
    run: (ctx) => naIgnoredWhileIncomplete(ctx, what, build(ctx)),
  };
}

const valid = (ctx: CaseContext) => naFrom(ctx, ND_TN1, { solicited: true, override: true });

export const cases: CaseDefinition[] = [
  part('A', 'NUT receives invalid NA (Solicited Flag ==1)', 'the Solicited flag set and a multicast destination', (ctx) => naFrom(ctx, ND_TN1, { solicited: true, override: true, dst: 'ff02::1' })),
  part('B', 'NUT receives invalid NA (Hop Limit == 254)', 'hop limit 254', (ctx) => { const s = valid(ctx); return { ...s, ipv6: { ...s.ipv6!, hopLimit: 254 } }; }),
  part('C', 'NUT receives invalid NA (Invalid Checksum)', 'a wrong ICMPv6 checksum', (ctx) => { const s = valid(ctx); return { ...s, icmpv6: { ...icmp(s), checksum: 0x0bad } }; }),
  part('D', 'NUT receives invalid NA (ICMP code != zero)', 'ICMPv6 code 1', (ctx) => { const s = valid(ctx); return { ...s, icmpv6: { ...icmp(s), code: 1 } }; }),
  part('E', 'NUT receives invalid NA (ICMP length < 24 octets)', 'an ICMPv6 length of 20 octets', (ctx) => {
    const s = valid(ctx);
    // Flags S and O, then only 12 of the 16 bytes of TN1's address.
    return { ...s, icmpv6: { type: 'other', icmpType: 136, body: Uint8Array.of(0x60, 0, 0, 0, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) } };
  }),
  part('F', 'NUT receives invalid NA (target == multicast address)', 'a multicast target address', (ctx) => { const s = valid(ctx); return { ...s, icmpv6: { ...icmp(s), target: 'ff02::1' } }; }),
  part('G', 'NUT receives invalid NA (option length ==zero)', 'a target link-layer address option of length 0', (ctx) => {
    const s = valid(ctx);
    return { ...s, icmpv6: { ...icmp(s), options: [{ type: 'target-lla', mac: ND_TN1.mac, length: 0 }] } };
  }),
];
