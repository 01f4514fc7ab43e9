// v6LC.1.3.1 Fragment Reassembly (RFC 8200 §4.5): fragments of one datagram are reassembled in any order, up
// to 1500 bytes; fragments differing in Identification, source or destination are not.
import { multicastMac, type FrameSpec } from '@testlab/packet';
import type { CaseDefinition } from '../runner/case.js';
import { cutFragments, fragmentableLength } from '../vocabulary/fragments.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { answeredAfterReassembly, echoTo, FRAGMENT_ID, notReassembled, tn, TWO_PIECES } from '../vocabulary/reassembly.js';
import { tnWithMac } from '../vocabulary/tester-nodes.js';

const title131 = 'Fragment Reassembly';

function reassemblyCase(part: string, partTitle: string, run: CaseDefinition['run']): CaseDefinition {
  return { id: `v6LC.1.3.1-${part}`, title: `${title131}: Part ${part}: ${partTitle}`, rfc: 'RFC 8200 §4.5', appliesTo: ALL_MODES, run };
}

export const cases: CaseDefinition[] = [
  reassemblyCase('A', 'All Fragments are Valid', (ctx) => {
    const from = tn(ctx, 0x1a);
    return answeredAfterReassembly(ctx, from, cutFragments(echoTo(ctx, from, 128), FRAGMENT_ID, TWO_PIECES), 'an Echo Request in two fragments', 'RFC 8200 §4.5');
  }),
  reassemblyCase('B', 'All Fragments are Valid, reverse order', (ctx) => {
    const from = tn(ctx, 0x1b);
    return answeredAfterReassembly(ctx, from, cutFragments(echoTo(ctx, from, 128), FRAGMENT_ID, TWO_PIECES).reverse(), 'an Echo Request in two fragments, last first', 'RFC 8200 §4.5');
  }),
  reassemblyCase('C', 'Fragment IDs Differ Between Fragments', (ctx) => {
    const from = tn(ctx, 0x1c);
    const [a] = cutFragments(echoTo(ctx, from, 128), FRAGMENT_ID, TWO_PIECES);
    const [, b] = cutFragments(echoTo(ctx, from, 128), FRAGMENT_ID + 1, TWO_PIECES);
    return notReassembled(ctx, from, [a!, b!], 'two fragments with different Identifications', 'RFC 8200 §4.5');
  }),
  reassemblyCase('D', 'Source Addresses Differ Between Fragments', (ctx) => {
    const from = tn(ctx, 0x1d);
    const other = ctx.node(tnWithMac('TN2', 0x13d2));
    const [a, b] = cutFragments(echoTo(ctx, from, 128), FRAGMENT_ID, TWO_PIECES);
    const moved: FrameSpec = { ...b!, eth: { ...b!.eth, src: other.mac }, ipv6: { ...b!.ipv6!, src: other.address } };
    return notReassembled(ctx, from, [a!, moved], 'two fragments from different sources', 'RFC 8200 §4.5');
  }),
  reassemblyCase('E', 'Destination Address Differ Between Fragments', (ctx) => {
    const from = tn(ctx, 0x1e);
    const [a, b] = cutFragments(echoTo(ctx, from, 128), FRAGMENT_ID, TWO_PIECES);
    const moved: FrameSpec = { ...b!, eth: { ...b!.eth, dst: multicastMac('ff02::1') }, ipv6: { ...b!.ipv6!, dst: 'ff02::1' } };
    return notReassembled(ctx, from, [a!, moved], 'two fragments to different destinations (the NUT, then all-nodes)', 'RFC 8200 §4.5');
  }),
  reassemblyCase('F', 'Reassemble to 1500', (ctx) => {
    const from = tn(ctx, 0x1f);
    // 40 + 8 + 1452 = 1500 bytes reassembled, sent as 1232 + 228 bytes of fragmentable part.
    const echo = echoTo(ctx, from, 1452);
    const frames = cutFragments(echo, FRAGMENT_ID, [
      { start: 0, end: 1232 },
      { start: 1232, end: fragmentableLength(echo) },
    ]);
    return answeredAfterReassembly(ctx, from, frames, 'a 1500-byte Echo Request in two fragments', 'RFC 8200 §5');
  }),
];
