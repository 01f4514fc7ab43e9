// v6LC.1.3.1 Fragment Reassembly (RFC 8200 §4.5): fragments of one datagram are reassembled in any order, up
// to 1500 bytes; fragments differing in Identification, source or destination are not, and the datagram
// they leave unfinished times out with Time Exceeded code 1 (C, D, E: about 60 s each).
import type { FrameSpec } from '@testlab/packet';
import type { CaseDefinition } from '../runner/case.js';
import { cutFragments, fragmentableLength } from '../vocabulary/fragments.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import type { CaseContext } from '../runner/context.js';
import type { SimulatedNode } from '../runner/simulated-node.js';
import { nutGlobalOnLink0 } from '../vocabulary/global-address.js';
import { answeredAfterReassembly, echoTo, FRAGMENT_ID, TAHI_DATA, THREE_PIECES, tn, TWO_PIECES } from '../vocabulary/reassembly.js';
import { readReassemblyCounters } from '../vocabulary/nut-reassembly-counters.js';
import { reassemblyTimeExceeded, TIMER_CASE_TIMEOUT_MS } from '../vocabulary/reassembly-timeout.js';
import { tnWithMac } from '../vocabulary/tester-nodes.js';

const title131 = 'Fragment Reassembly';

function reassemblyCase(part: string, partTitle: string, run: CaseDefinition['run'], timer = false): CaseDefinition {
  return { id: `v6LC.1.3.1-${part}`, title: `${title131}: Part ${part}: ${partTitle}`, rfc: 'RFC 8200 §4.5', appliesTo: ALL_MODES, run, ...(timer ? { timeoutMs: TIMER_CASE_TIMEOUT_MS, timerBound: true } : {}) };
}

/**
 * TAHI's F_Reassembly_FID/src/dst: the first and last fragments of a datagram and, between them, a middle
 * fragment that belongs to another datagram. Nothing completes: no Echo Reply, and 60 s after the first
 * fragment the NUT reports the abandoned datagram with Time Exceeded code 1 quoting it.
 */
async function mismatched(ctx: CaseContext, from: SimulatedNode, frames: FrameSpec[], what: string) {
  const countersBefore = await readReassemblyCounters(ctx);
  const sentAt = Date.now();
  const first = await ctx.link().send(frames[0]!, `${what}, fragment 1 of 3`);
  await ctx.link().send(frames[1]!, `${what}, fragment 2 of 3 (not this datagram's)`);
  await ctx.link().send(frames[2]!, `${what}, fragment 3 of 3`);
  return reassemblyTimeExceeded(ctx, { to: from.address, first, sentAt, nutAddress: ctx.nutOn().linkLocal, what, rfc: 'RFC 8200 §4.5', ...(countersBefore ? { countersBefore } : {}) });
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
    const [first, , third] = cutFragments(echoTo(ctx, from, TAHI_DATA), FRAGMENT_ID, THREE_PIECES);
    const [, second] = cutFragments(echoTo(ctx, from, TAHI_DATA), FRAGMENT_ID + 1, THREE_PIECES);
    return mismatched(ctx, from, [first!, second!, third!], 'an Echo Request whose middle fragment carries another Identification');
  }, true),
  reassemblyCase('D', 'Source Addresses Differ Between Fragments', (ctx) => {
    const from = tn(ctx, 0x1d);
    const other = ctx.node(tnWithMac('TN2', 0x13d2));
    const [first, second, third] = cutFragments(echoTo(ctx, from, TAHI_DATA), FRAGMENT_ID, THREE_PIECES);
    const moved: FrameSpec = { ...second!, eth: { ...second!.eth, src: other.mac }, ipv6: { ...second!.ipv6!, src: other.address } };
    return mismatched(ctx, from, [first!, moved, third!], 'an Echo Request whose middle fragment comes from another source');
  }, true),
  reassemblyCase('E', 'Destination Address Differ Between Fragments', async (ctx) => {
    const from = tn(ctx, 0x1e);
    // TAHI: the middle fragment goes to the NUT's global address, the others to its link-local one.
    const global = (await nutGlobalOnLink0(ctx, tn(ctx, 0x1e, true))).nut;
    const [first, second, third] = cutFragments(echoTo(ctx, from, TAHI_DATA), FRAGMENT_ID, THREE_PIECES);
    const moved: FrameSpec = { ...second!, ipv6: { ...second!.ipv6!, dst: global } };
    return mismatched(ctx, from, [first!, moved, third!], `an Echo Request whose middle fragment goes to ${global}`);
  }, true),
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
