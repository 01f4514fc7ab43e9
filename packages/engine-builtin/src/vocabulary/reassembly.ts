// The NUT's fragment reassembly (RFC 8200 §4.5) as the fragmentation cases see it: each case's own TN1,
// Echo Requests cut into fragments and sent, and the two outcomes: reassembled and answered, or not.
// Every case sends from its own tester MAC: a reassembly it leaves unfinished times out 60 s later, and
// the Time Exceeded that may follow must not land on the next case's TN1.
import type { FrameSpec } from '@testlab/packet';
import { fail, pass } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { SimulatedNode } from '../runner/simulated-node.js';
import { echoRequest } from './echo.js';
import { awaitEchoReply, type Piece } from './fragments.js';
import { globalOf } from './global-address.js';
import { pattern } from './payload.js';
import { expectSilence, toTester } from './probe-outcomes.js';
import { tnWithMac } from './tester-nodes.js';
import { ANSWER_WINDOW_MS, sleep } from './timing.js';

export const ECHO_ID = 0x1300;
export const FRAGMENT_ID = 0x13000001;

/** TN1's role played from a MAC of this case's own (see the header comment). */
export function tn(ctx: CaseContext, n: number, global = false): SimulatedNode {
  const spec = tnWithMac('TN1', 0x1300 + n);
  return ctx.node(global ? { ...spec, address: globalOf(spec.mac) } : spec);
}

/** An Echo Request with `dataLength` bytes of data from `from` to the NUT's link-local address. */
export function echoTo(ctx: CaseContext, from: SimulatedNode, dataLength: number, address?: string): FrameSpec {
  const nut = ctx.nutOn();
  return echoRequest(from, { mac: nut.mac, address: address ?? nut.linkLocal }, ECHO_ID, 1, pattern(dataLength));
}

export async function sendAll(ctx: CaseContext, frames: FrameSpec[], note: string, gapMs = 0): Promise<void> {
  for (const [i, f] of frames.entries()) {
    if (i > 0 && gapMs > 0) await sleep(gapMs);
    await ctx.link().send(f, `${note}, fragment ${i + 1} of ${frames.length}`);
  }
}

/** Sends the fragments; the NUT must reassemble them and answer the Echo Request. */
export async function answeredAfterReassembly(ctx: CaseContext, from: SimulatedNode, frames: FrameSpec[], what: string, rfc: string, gapMs = 0) {
  await sendAll(ctx, frames, what, gapMs);
  const reply = await awaitEchoReply(ctx.link(), from.address, ECHO_ID, 1, ANSWER_WINDOW_MS);
  if (!reply) return fail(rfc, `an Echo Reply to ${what} after reassembly`, ctx.link().seenSinceSend(toTester(from.address)));
  return pass(`${what}: reassembled and answered (${reply.packetSizes.join(' + ')} bytes)`);
}

/** Sends the fragments; they must not make a datagram: no Echo Reply (and the NUT stays alive). */
export async function notReassembled(ctx: CaseContext, from: SimulatedNode, frames: FrameSpec[], what: string, rfc: string) {
  const last = frames.pop()!;
  await sendAll(ctx, frames, what);
  const failed = await expectSilence(ctx, last, from.address, from, { rfc, what: `${what} (last fragment)` });
  return failed ?? pass(`${what}: not reassembled, nothing answered`);
}

/** An Echo Request in two fragments (64 + 72 bytes of its 136-byte fragmentable part, 128 bytes of data). */
export const TWO_PIECES: Piece[] = [
  { start: 0, end: 64 },
  { start: 64, end: 136 },
];
