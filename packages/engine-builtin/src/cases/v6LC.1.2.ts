// Group 2, extension headers and options (RFC 8200 §4): Next Header values inside the chain (1.2.1-1.2.3),
// option processing by the two high-order bits of the option type (1.2.5, 1.2.6, 1.2.8) and routing
// types the NUT does not know (1.2.9, 1.2.10).
import { encodeIcmpv6, type FrameSpec } from '@testlab/packet';
import { pass, type CaseDefinition } from '../runner/case.js';
import { echoBehind, optionOutcome } from '../vocabulary/extension-headers.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { pattern } from '../vocabulary/payload.js';
import { expectIcmpError, expectSilence } from '../vocabulary/probe-outcomes.js';
import { routingTypeCase } from '../vocabulary/routing-header.js';
import { TN1 } from '../vocabulary/tester-nodes.js';
import { sleep } from '../vocabulary/timing.js';
import { OPTION_PARTS, UNKNOWN_OPTION, optionCase, unknown } from '../vocabulary/unknown-options.js';

const ECHO_ID = 0x1200;

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

export const routingTypeCases: CaseDefinition[] = [
  routingTypeCase('v6LC.1.2.9', 'Unrecognized Routing Type - End Node', 'A', 33, 0),
  routingTypeCase('v6LC.1.2.9', 'Unrecognized Routing Type - End Node', 'B', 0, 0),
  routingTypeCase('v6LC.1.2.10', 'Unrecognized Routing Type - Intermediate Node', 'A', 33, 1),
  routingTypeCase('v6LC.1.2.10', 'Unrecognized Routing Type - Intermediate Node', 'B', 0, 1),
];
