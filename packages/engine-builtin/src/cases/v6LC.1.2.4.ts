// v6LC.1.2.4 Extension Header Processing Order (RFC 8200 §4.1): headers are processed strictly in the order
// they appear, so the first faulty one decides the error. Every part is fragmented.
import type { FrameSpec } from '@testlab/packet';
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { SimulatedNode } from '../runner/simulated-node.js';
import { cutFragments, fragmentableLength } from '../vocabulary/fragments.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { expectIcmpError, toTester } from '../vocabulary/probe-outcomes.js';
import { echoTo, FRAGMENT_ID, sendAll, tn } from '../vocabulary/reassembly.js';
import { ANSWER_WINDOW_MS } from '../vocabulary/timing.js';

const ORDER_TITLE = 'Extension Header Processing Order';
const UNKNOWN_10B = 0x9e;
const destOpt = (type: number): NonNullable<FrameSpec['extensionHeaders']>[number] => ({ type: 'destination-options', options: [{ type, data: new Uint8Array(4) }] });

function orderCase(part: 'A' | 'B' | 'C' | 'D', partTitle: string, run: (ctx: CaseContext, from: SimulatedNode) => Promise<import('../runner/case.js').CaseVerdict>): CaseDefinition {
  return { id: `v6LC.1.2.4-${part}`, title: `${ORDER_TITLE}: Part ${part}: ${partTitle}`, rfc: 'RFC 8200 §4.1', appliesTo: ALL_MODES, run: (ctx) => run(ctx, tn(ctx, 0x70 + part.charCodeAt(0))) };
}

async function orderError(ctx: CaseContext, from: SimulatedNode, frame: FrameSpec, e: { code: number; pointer: number }, what: string) {
  const r = await expectIcmpError(ctx, frame, from.address, { type: 'parameter-problem', ...e }, { rfc: 'RFC 8200 §4.1, §4.5', what });
  return 'failed' in r ? r.failed : pass(`Parameter Problem code ${e.code} pointer ${e.pointer}: ${what} was processed in order`);
}

export const cases: CaseDefinition[] = [
  orderCase('A', 'Destination Options Header precedes Fragment Header, Error from Destination Options Header', async (ctx, from) => {
    // The Destination Options header before the Fragment header is in every fragment and processed first.
    const [first] = cutFragments(echoTo(ctx, from, 128), FRAGMENT_ID, [{ start: 0, end: 64, more: true }], [destOpt(UNKNOWN_10B)]);
    return orderError(ctx, from, first!, { code: 2, pointer: 42 }, 'a first fragment behind a Destination Options header with an unknown 10b option');
  }),
  orderCase('B', 'Destination Options Header precedes Fragment Header, Error from Fragment Header', async (ctx, from) => {
    const [first] = cutFragments(echoTo(ctx, from, 128), FRAGMENT_ID, [{ start: 0, end: 21, more: true }], [destOpt(0x1e)]);
    return orderError(ctx, from, first!, { code: 0, pointer: 4 }, 'a 21-octet fragment with M set behind a Destination Options header with a skippable option');
  }),
  orderCase('C', 'Fragment Header precedes Destination Options Header, Error from Fragment Header', async (ctx, from) => {
    const [first] = cutFragments({ ...echoTo(ctx, from, 128), extensionHeaders: [destOpt(UNKNOWN_10B)] }, FRAGMENT_ID, [{ start: 0, end: 21, more: true }]);
    return orderError(ctx, from, first!, { code: 0, pointer: 4 }, 'a 21-octet fragment with M set whose Destination Options header (unknown 10b option) is inside it');
  }),
  orderCase('D', 'Fragment Header precedes Destination Options Header, Error from Destination Options Header', async (ctx, from) => {
    const rfc = 'RFC 8200 §4.1, §4.5';
    const echo: FrameSpec = { ...echoTo(ctx, from, 128), extensionHeaders: [destOpt(UNKNOWN_10B)] };
    const frames = cutFragments(echo, FRAGMENT_ID, [
      { start: 0, end: 64 },
      { start: 64, end: fragmentableLength(echo) },
    ]);
    await sendAll(ctx, frames, 'an Echo Request with an unknown 10b option, after the Fragment header');
    const got = await ctx.link().expect((f) => toTester(from.address)(f) && f.icmpv6?.type === 'parameter-problem', ANSWER_WINDOW_MS);
    const expected = 'Parameter Problem code 2 pointing at the unknown option of the reassembled packet';
    if (!got) return fail(rfc, expected, ctx.link().seenSinceSend(toTester(from.address)));
    const m = got.frame.icmpv6!;
    if (m.type !== 'parameter-problem') throw new Error('unreachable');
    // After reassembly the Fragment header may be gone from the quoted packet: the pointer must name the option's type octet in what is quoted.
    if (m.code !== 2 || m.invoking[m.pointer] !== UNKNOWN_10B) return fail(rfc, expected, `code ${m.code} pointer ${m.pointer} (octet 0x${(m.invoking[m.pointer] ?? 0).toString(16)} there)`);
    return pass(`Parameter Problem code 2 pointer ${m.pointer}, at the option in the reassembled packet`);
  }),
];
