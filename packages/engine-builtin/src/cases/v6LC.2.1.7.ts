// v6LC.2.1.7 Invalid Neighbor Solicitation Handling (RFC 4861 §7.1.1): an NS that fails validation is
// silently discarded. Each part spoils one field of a solicitation the NUT would otherwise answer, then
// sends that solicitation valid as the control (silence alone proves nothing).
import { solicitedNodeMulticast, multicastMac, type DecodedFrame, type FrameSpec } from '@testlab/packet';
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { nsToNut } from '../vocabulary/nd-messages.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { bareNode } from '../vocabulary/tester-nodes.js';
import { ANSWER_WINDOW_MS } from '../vocabulary/timing.js';

const RFC = 'RFC 4861 §7.1.1';
const TEST = 'Invalid Neighbor Solicitation Handling';
const TN1 = bareNode('TN1', '00:00:00:00:01:07');

/** Any Neighbor Advertisement from the NUT answers the solicitation (a multicast target draws no NA for the NUT's address). */
const isNaFromNut = (nutMac: string) => (f: DecodedFrame): boolean => f.icmpv6?.type === 'neighbor-advertisement' && f.eth?.src === nutMac;

/** A DAD probe by TN1 for the NUT's address: the NUT, whose address is in use, answers it to all-nodes (RFC 4861 §7.2.4). */
function dadNsForNut(ctx: CaseContext): FrameSpec {
  const nut = ctx.nutOn();
  const group = solicitedNodeMulticast(nut.linkLocal);
  return { eth: { src: TN1.mac, dst: multicastMac(group) }, ipv6: { src: '::', dst: group, hopLimit: 255 }, icmpv6: { type: 'neighbor-solicitation', target: nut.linkLocal } };
}

async function invalidNsIgnored(ctx: CaseContext, what: string, valid: FrameSpec, spoiled: FrameSpec) {
  const isNa = isNaFromNut(ctx.nutOn().mac);
  await ctx.link().send(spoiled, `invalid: ${what}`);
  const answered = await ctx.link().expectNothing(isNa, ANSWER_WINDOW_MS);
  if (answered) return fail(RFC, `a Neighbor Solicitation with ${what} silently discarded`, 'a Neighbor Advertisement in answer');
  await ctx.link().send(valid, 'control: the same solicitation, valid');
  if (!(await ctx.link().expect(isNa, ANSWER_WINDOW_MS))) {
    return fail('RFC 4861 §7.2.4', 'a Neighbor Advertisement for a valid solicitation (control)', ctx.link().seenSinceSend());
  }
  return pass(`solicitation with ${what} ignored; the valid one answered`);
}

type Spoil = (valid: FrameSpec, ctx: CaseContext) => FrameSpec;

function part(letter: string, partTitle: string, what: string, spoil: Spoil, o: { dad?: boolean } = {}): CaseDefinition {
  return {
    id: `v6LC.2.1.7-${letter}`,
    title: `${TEST}: Part ${letter}: ${partTitle}`,
    rfc: RFC,
    appliesTo: ALL_MODES,
    run: (ctx) => {
      const valid = o.dad ? dadNsForNut(ctx) : nsToNut(ctx, TN1);
      return invalidNsIgnored(ctx, what, valid, spoil(valid, ctx));
    },
  };
}

const icmp = (s: FrameSpec) => s.icmpv6 as Extract<NonNullable<FrameSpec['icmpv6']>, { type: 'neighbor-solicitation' }>;

const nsInvalidTarget = part('A', 'Invalid Target Address', 'a multicast target address', (s) => ({ ...s, icmpv6: { ...icmp(s), target: 'ff02::1' } }));
const nsInvalidDestination = part('B', 'Invalid Destination Address', 'the unspecified source and a unicast destination', (s, ctx) => ({
  ...s,
  eth: { ...s.eth, dst: ctx.nutOn().mac },
  ipv6: { ...s.ipv6!, dst: ctx.nutOn().linkLocal },
}), { dad: true });
const nsInvalidSlla = part('C', 'Invalid Source Link-layer Address Option', 'the unspecified source and a source link-layer address option', (s) => ({
  ...s,
  icmpv6: { ...icmp(s), options: [{ type: 'source-lla', mac: TN1.mac }] },
}), { dad: true });
const nsInvalidHopLimit = part('D', 'Invalid Hop Limit', 'hop limit 254', (s) => ({ ...s, ipv6: { ...s.ipv6!, hopLimit: 254 } }));
const nsInvalidChecksum = part('E', 'Invalid Checksum', 'a wrong ICMPv6 checksum', (s) => ({ ...s, icmpv6: { ...icmp(s), checksum: 0x0bad } }));
const nsInvalidCode = part('F', 'Invalid ICMP code', 'ICMPv6 code 1', (s) => ({ ...s, icmpv6: { ...icmp(s), code: 1 } }));
const nsInvalidLength = part('G', 'Invalid ICMP Length', 'an ICMPv6 length of 20 octets (under 24)', (s) => ({
  ...s,
  // Type 135 with only 16 bytes after the checksum: the target address cut to 12 of its 16 bytes.
  icmpv6: { type: 'other', icmpType: 135, body: Uint8Array.of(0, 0, 0, 0, 0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0) },
}));
const nsZeroLengthOption = part('H', 'Option of Length 0', 'a source link-layer address option of length 0', (s) => ({
  ...s,
  icmpv6: { ...icmp(s), options: [{ type: 'source-lla', mac: TN1.mac, length: 0 }] },
}));

export const cases: CaseDefinition[] = [nsInvalidTarget, nsInvalidDestination, nsInvalidSlla, nsInvalidHopLimit, nsInvalidChecksum, nsInvalidCode, nsInvalidLength, nsZeroLengthOption];
