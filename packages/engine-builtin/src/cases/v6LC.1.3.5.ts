// v6LC.1.3.5 Overlapping Fragments (RFC 8200 §4.5, RFC 5722): a datagram with overlapping fragments is
// discarded whole, in either order, and nothing is sent about it (no Echo Reply, no error, no Time Exceeded
// 60 s later: TAHI listens 65 s, these cases 65 s of the NUT's own clock); exact duplicates may be dropped alone (C, G); a last fragment that arrives
// after the overlap starts nothing that completes (D, H). E to H repeat A to D at the global address.
import type { FrameSpec } from '@testlab/packet';
import { pass, warn, type CaseDefinition } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { SimulatedNode } from '../runner/simulated-node.js';
import { awaitEchoReply, cutFragments, type Piece } from '../vocabulary/fragments.js';
import { nutGlobalOnLink0 } from '../vocabulary/global-address.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { ECHO_ID, echoTo, FRAGMENT_ID, notReassembled, reassemblesControl, sendAll, TAHI_DATA, THREE_PIECES, tn } from '../vocabulary/reassembly.js';
import { TIMER_CASE_TIMEOUT_MS } from '../vocabulary/reassembly-timeout.js';
import { ANSWER_WINDOW_MS } from '../vocabulary/timing.js';

const RFC = 'RFC 8200 §4.5, RFC 5722 §4';
const TITLE = 'Overlapping Fragments';
/** TAHI's third fragment moved to offset 48, over the second (32..64): the last fragment of an overlap. */
const OVERLAP: Piece = { start: 48, end: 72, more: false };

type Shape = 'overlap' | 'reverse' | 'duplicate' | 'extra';

async function peers(ctx: CaseContext, n: number, global: boolean): Promise<{ from: SimulatedNode; nut?: string }> {
  const from = tn(ctx, n, global);
  return global ? { from, nut: (await nutGlobalOnLink0(ctx, from)).nut } : { from };
}

function part(letter: string, partTitle: string, shape: Shape, global: boolean): CaseDefinition {
  return {
    id: `v6LC.1.3.5-${letter}`,
    title: `${TITLE}: Part ${letter}: ${partTitle} (${global ? 'Global' : 'Link-Local'})`,
    rfc: RFC,
    appliesTo: ALL_MODES,
    timeoutMs: TIMER_CASE_TIMEOUT_MS,
    timerBound: true,
    async run(ctx) {
      const { from, nut } = await peers(ctx, 0x50 + letter.charCodeAt(0), global);
      const cut = (pieces: Piece[]) => cutFragments(echoTo(ctx, from, TAHI_DATA, nut), FRAGMENT_ID, pieces);
      const [a1, a2, a3] = cut(THREE_PIECES) as [FrameSpec, FrameSpec, FrameSpec];
      const [overlapping] = cut([OVERLAP]) as [FrameSpec];
      const silent = (frames: FrameSpec[], what: string) => notReassembled(ctx, from, frames, what, RFC, { throughReassemblyTime: true, ...(nut ? { address: nut } : {}) });
      if (shape === 'overlap') return silent([a1, a2, overlapping], 'an Echo Request whose last fragment overlaps the second');
      if (shape === 'reverse') return silent([overlapping, a2, a1], 'an Echo Request whose last fragment overlaps the second, last fragment first');
      if (shape === 'extra') return silent([a1, a2, overlapping, a3], 'an Echo Request whose last fragment overlaps the second, then the proper last fragment');
      return duplicates(ctx, from, [a1, a1, a2, a3], nut);
    },
  };
}

/**
 * TAHI's Reassembly_Dupli (advanced functionality DETECT_DUPLICATE_FRAGS): the first fragment twice, then
 * the rest. RFC 8200 §4.5 lets a node drop the exact duplicate alone and reassemble (Echo Reply: PASS) or
 * treat it as an overlap (WARN, where the NUT does reassemble the same fragments without the duplicate).
 */
async function duplicates(ctx: CaseContext, from: SimulatedNode, frames: FrameSpec[], nut?: string) {
  await sendAll(ctx, frames, 'an Echo Request whose first fragment comes twice');
  const reply = await awaitEchoReply(ctx.link(), from.address, ECHO_ID, 1, ANSWER_WINDOW_MS);
  if (reply) return pass('the exact duplicate was dropped alone; the Echo Request was reassembled and answered');
  const control = await reassemblesControl(ctx, from, nut);
  if (control) return control;
  return warn(RFC, 'an Echo Reply: the exact duplicate dropped alone (RFC 8200 §4.5 allows it; TAHI tests it only where the NUT claims DETECT_DUPLICATE_FRAGS)', 'no Echo Reply, though the same fragments without the duplicate are reassembled: the NUT treats an exact duplicate as an overlap');
}

export const cases: CaseDefinition[] = [
  part('A', 'Overlapping fragments', 'overlap', false),
  part('B', 'Reverse Order Fragments', 'reverse', false),
  part('C', 'Duplicate Fragments', 'duplicate', false),
  part('D', 'Extra Fragments', 'extra', false),
  part('E', 'Overlapping fragments', 'overlap', true),
  part('F', 'Reverse Order Fragments', 'reverse', true),
  part('G', 'Duplicate Fragments', 'duplicate', true),
  part('H', 'Extra Fragments', 'extra', true),
];
