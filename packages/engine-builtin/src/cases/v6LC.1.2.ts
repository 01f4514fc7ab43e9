// Group 2, extension headers and options (RFC 8200 §4): Next Header values inside the chain (1.2.1-1.2.3),
// option processing by the two high-order bits of the option type (1.2.5, 1.2.6, 1.2.8) and routing
// types the NUT does not know (1.2.9, 1.2.10).
import { encodeIcmpv6, multicastMac, type ExtensionHeaderSpec, type FrameSpec, type Ipv6OptionSpec } from '@testlab/packet';
import { pass, type CaseDefinition } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { ALL_MODES, TN1, pattern, sleep } from './common.js';
import { echoRequest, expectEchoReply, expectIcmpError, expectSilence } from './probes.js';

const ECHO_ID = 0x1200;

/** An Echo Request from TN1 to the NUT's link-local address (or all-nodes) behind `headers`. */
function echoBehind(ctx: CaseContext, headers: ExtensionHeaderSpec[], multicast = false): FrameSpec {
  const nut = ctx.nutOn();
  const tn1 = ctx.node(TN1);
  const to = multicast ? { mac: multicastMac('ff02::1'), address: 'ff02::1' } : { mac: nut.mac, address: nut.linkLocal };
  return { ...echoRequest(tn1, to, ECHO_ID), extensionHeaders: headers };
}

export const nextHeaderZero: CaseDefinition = {
  id: 'v6LC.1.2.1',
  title: 'Next Header Zero',
  rfc: 'RFC 8200 §4.3',
  appliesTo: ALL_MODES,
  async run(ctx) {
    // A second Hop-by-Hop header (Next Header 0 in the first): only allowed right after the IPv6 header.
    const frame = echoBehind(ctx, [{ type: 'hop-by-hop' }, { type: 'hop-by-hop' }]);
    const r = await expectIcmpError(ctx, frame, ctx.node(TN1).address, { type: 'parameter-problem', code: 1, pointer: 40 }, { rfc: 'RFC 8200 §4.3, §4', what: 'a Hop-by-Hop header after a Hop-by-Hop header' });
    return 'failed' in r ? r.failed : pass('Parameter Problem code 1 pointing at the Next Header 0 of the first Hop-by-Hop header');
  },
};

export const noNextHeaderAfterExtension: CaseDefinition = {
  id: 'v6LC.1.2.2-A',
  title: 'No Next Header after Extension Header: Part A: End Node',
  rfc: 'RFC 8200 §4.7',
  appliesTo: ALL_MODES,
  async run(ctx) {
    const nut = ctx.nutOn();
    const tn1 = ctx.node(TN1);
    const echo = encodeIcmpv6({ type: 'echo-request', id: ECHO_ID, seq: 1, data: pattern(16) }, tn1.address, nut.linkLocal);
    const frame: FrameSpec = {
      eth: { src: tn1.mac, dst: nut.mac },
      ipv6: { src: tn1.address, dst: nut.linkLocal },
      extensionHeaders: [{ type: 'destination-options' }],
      payload: { nextHeader: 59, bytes: echo },
    };
    const failed = await expectSilence(ctx, frame, tn1.address, tn1, { rfc: 'RFC 8200 §4.7', what: 'a Destination Options header with Next Header 59 (an Echo Request behind it)' });
    return failed ?? pass('the bytes after No Next Header were ignored');
  },
};

const UNRECOGNIZED = [138, 200, 252];

export const unrecognizedNextHeaderInExtension: CaseDefinition = {
  id: 'v6LC.1.2.3-A',
  title: 'Unrecognized Next Header in Extension Header - End Node: Part A: Unrecognized Next Header in Extension Header (Multiple Values)',
  rfc: 'RFC 8200 §4',
  appliesTo: ALL_MODES,
  async run(ctx) {
    const nut = ctx.nutOn();
    const tn1 = ctx.node(TN1);
    for (const nh of UNRECOGNIZED) {
      const frame: FrameSpec = {
        eth: { src: tn1.mac, dst: nut.mac },
        ipv6: { src: tn1.address, dst: nut.linkLocal },
        extensionHeaders: [{ type: 'destination-options' }],
        payload: { nextHeader: nh, bytes: pattern(16) },
      };
      // The pointer names the Next Header field of the Destination Options header (offset 40).
      const r = await expectIcmpError(ctx, frame, tn1.address, { type: 'parameter-problem', code: 1, pointer: 40 }, { rfc: 'RFC 8200 §4, RFC 4443 §3.4', what: `next header ${nh} in a Destination Options header` });
      if ('failed' in r) return r.failed;
      await sleep(1_100); // ICMPv6 error rate limiting must not decide the next value
    }
    return pass(`Parameter Problem code 1 pointer 40 for next headers ${UNRECOGNIZED.join(', ')}`);
  },
};

// Option types no IPv6 node knows (RFC 3692-style experimental low bits), with each action in the two
// high-order bits (RFC 8200 §4.2): 00 skip, 01 discard, 10 discard + Parameter Problem, 11 discard + Parameter
// Problem unless the destination is multicast.
const UNKNOWN_OPTION = { '00': 0x1e, '01': 0x5e, '10': 0x9e, '11': 0xde } as const;
type Bits = keyof typeof UNKNOWN_OPTION;

type OptionOutcome = 'reply' | 'silence' | { pointer: number };

interface OptionPart {
  part: string;
  partTitle: string;
  options: Ipv6OptionSpec[];
  multicast?: boolean;
  outcome: OptionOutcome;
  what: string;
}

const unknown = (bits: Bits): Ipv6OptionSpec => ({ type: UNKNOWN_OPTION[bits], data: Uint8Array.of(0, 0, 0, 0) });

/** Parts A..H of v6LC.1.2.6 (Hop-by-Hop) and v6LC.1.2.8 (Destination Options): the same table. */
const OPTION_PARTS: OptionPart[] = [
  { part: 'A', partTitle: 'Pad1 Option', options: Array.from({ length: 6 }, () => ({ type: 0 })), outcome: 'reply', what: 'six Pad1 options' },
  { part: 'B', partTitle: 'PadN Option', options: [{ type: 1, data: new Uint8Array(4) }], outcome: 'reply', what: 'a PadN option' },
  { part: 'C', partTitle: 'Most Significant Bits 00b', options: [unknown('00')], outcome: 'reply', what: 'an unknown option of type 0x1e (00b: skip)' },
  { part: 'D', partTitle: 'Most Significant Bits 01b', options: [unknown('01')], outcome: 'silence', what: 'an unknown option of type 0x5e (01b: discard)' },
  { part: 'E', partTitle: 'Most Significant Bits 10b, unicast destination', options: [unknown('10')], outcome: { pointer: 42 }, what: 'an unknown option of type 0x9e (10b)' },
  { part: 'F', partTitle: 'Most Significant Bits 11b, unicast destination', options: [unknown('11')], outcome: { pointer: 42 }, what: 'an unknown option of type 0xde (11b)' },
  { part: 'G', partTitle: 'Most Significant Bits 10b, multicast destination', options: [unknown('10')], multicast: true, outcome: { pointer: 42 }, what: 'an unknown option of type 0x9e (10b) to all-nodes' },
  { part: 'H', partTitle: 'Most Significant Bits 11b, multicast destination', options: [unknown('11')], multicast: true, outcome: 'silence', what: 'an unknown option of type 0xde (11b) to all-nodes' },
];

async function optionOutcome(ctx: CaseContext, frame: FrameSpec, outcome: OptionOutcome, rfc: string, what: string) {
  const tn1 = ctx.node(TN1);
  if (outcome === 'reply') return (await expectEchoReply(ctx, frame, tn1.address, ECHO_ID, 1, { rfc, what: `an Echo Request with ${what}` })) ?? pass(`an Echo Request with ${what} was answered`);
  if (outcome === 'silence') return (await expectSilence(ctx, frame, tn1.address, tn1, { rfc, what: `an Echo Request with ${what}` })) ?? pass(`an Echo Request with ${what} was discarded without an error`);
  const r = await expectIcmpError(ctx, frame, tn1.address, { type: 'parameter-problem', code: 2, pointer: outcome.pointer }, { rfc, what: `an Echo Request with ${what}` });
  return 'failed' in r ? r.failed : pass(`Parameter Problem code 2 pointing at the option (offset ${outcome.pointer})`);
}

function optionCase(header: 'hop-by-hop' | 'destination-options', id: string, title: string, p: OptionPart): CaseDefinition {
  const rfc = 'RFC 8200 §4.2';
  return {
    id: `${id}-${p.part}`,
    title: `${title}: Part ${p.part}: ${p.partTitle}`,
    rfc,
    appliesTo: ALL_MODES,
    run: (ctx) => optionOutcome(ctx, echoBehind(ctx, [{ type: header, options: p.options }], p.multicast), p.outcome, rfc, `${p.what} in a ${header === 'hop-by-hop' ? 'Hop-by-Hop' : 'Destination'} Options header`),
  };
}

export const hopByHopOptionCases = OPTION_PARTS.map((p) => optionCase('hop-by-hop', 'v6LC.1.2.6', 'Options Processing, Hop-by-Hop Options Header - End Node', p));
export const destinationOptionCases = OPTION_PARTS.map((p) => optionCase('destination-options', 'v6LC.1.2.8', 'Option Processing, Destination Options Header', p));

// v6LC.1.2.5: an unknown 00b option first, the tested one second: the first must be skipped, the second acted on.
// Layout: header bytes 40-41, first option 42-47, second option from 48.
export const optionOrderCases: CaseDefinition[] = (
  [
    ['A', '01', 'silence'],
    ['B', '10', { pointer: 48 }],
    ['C', '11', { pointer: 48 }],
  ] as const
).map(([part, bits, outcome]) => ({
  id: `v6LC.1.2.5-${part}`,
  title: `Option Processing Order: Part ${part}: First Option has Most Significant Bits 00b, Next has Most Significant Bits ${bits}b`,
  rfc: 'RFC 8200 §4.2',
  appliesTo: ALL_MODES,
  run: (ctx) =>
    optionOutcome(ctx, echoBehind(ctx, [{ type: 'destination-options', options: [unknown('00'), unknown(bits)] }]), outcome, 'RFC 8200 §4.2', `options 0x1e (00b) then 0x${UNKNOWN_OPTION[bits].toString(16)} (${bits}b)`),
}));

/** Type 0 carries one address (RFC 5095 deprecated it: it must be treated as unknown); type 33 nothing. */
function routingHeader(routingType: number, segmentsLeft: number): ExtensionHeaderSpec {
  const data = new Uint8Array(routingType === 0 ? 20 : 4);
  if (routingType === 0) data.set([0x3f, 0xfe, 0x05, 0x01, 0xff, 0xff, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0x02], 4);
  return { type: 'routing', routingType, segmentsLeft, data };
}

function routingTypeCase(id: string, title: string, part: 'A' | 'B', routingType: 33 | 0, segmentsLeft: number): CaseDefinition {
  const rfc = 'RFC 8200 §4.4';
  return {
    id: `${id}-${part}`,
    title: `${title}: Part ${part}: Unrecognized Routing Type ${routingType}`,
    rfc: routingType === 0 ? 'RFC 8200 §4.4, RFC 5095 §3' : rfc,
    appliesTo: ALL_MODES,
    async run(ctx) {
      const frame = echoBehind(ctx, [routingHeader(routingType, segmentsLeft)]);
      const what = `an Echo Request with a Routing header of type ${routingType}, segments left ${segmentsLeft}`;
      // Segments Left 0: the header is ignored and the packet processed; otherwise Parameter Problem code 0
      // pointing at the Routing Type field (offset 42).
      if (segmentsLeft === 0) return (await optionOutcome(ctx, frame, 'reply', rfc, what.replace('an Echo Request with ', '')));
      const r = await expectIcmpError(ctx, frame, ctx.node(TN1).address, { type: 'parameter-problem', code: 0, pointer: 42 }, { rfc, what });
      return 'failed' in r ? r.failed : pass('Parameter Problem code 0 pointing at the Routing Type');
    },
  };
}

export const routingTypeCases: CaseDefinition[] = [
  routingTypeCase('v6LC.1.2.9', 'Unrecognized Routing Type - End Node', 'A', 33, 0),
  routingTypeCase('v6LC.1.2.9', 'Unrecognized Routing Type - End Node', 'B', 0, 0),
  routingTypeCase('v6LC.1.2.10', 'Unrecognized Routing Type - Intermediate Node', 'A', 33, 1),
  routingTypeCase('v6LC.1.2.10', 'Unrecognized Routing Type - Intermediate Node', 'B', 0, 1),
];
