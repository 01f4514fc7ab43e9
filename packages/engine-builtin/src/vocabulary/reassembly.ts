// The NUT's fragment reassembly (RFC 8200 §4.5) as the fragmentation cases see it: each case's own TN1,
// Echo Requests cut into fragments and sent, and the two outcomes: reassembled and answered, or not.
// Every case sends from its own tester MAC: a reassembly it leaves unfinished times out 60 s later, and
// the Time Exceeded that may follow must not land on the next case's TN1.
import type { FrameSpec } from '@testlab/packet';
import { fail, pass } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { SimulatedNode } from '../runner/simulated-node.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { echoRequest } from './echo.js';
import { awaitEchoReply, cutFragments, type Piece } from './fragments.js';
import { globalOf } from './global-address.js';
import { pattern } from './payload.js';
import { describeAnswer, isAnswer, toTester } from './probe-outcomes.js';
import { reassemblySilence } from './reassembly-timeout.js';
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
export function echoTo(ctx: CaseContext, from: SimulatedNode, dataLength: number, address?: string, seq = 1): FrameSpec {
  const nut = ctx.nutOn();
  return echoRequest(from, { mac: nut.mac, address: address ?? nut.linkLocal }, ECHO_ID, seq, pattern(dataLength));
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

/**
 * Sends the fragments; they must not make a datagram: nothing may answer them within `windowMs` (no Echo
 * Reply, no error), and a well-formed fragmented Echo Request must be answered afterwards: a NUT that
 * reassembles nothing would pass the silence for the wrong reason.
 */
export async function notReassembled(ctx: CaseContext, from: SimulatedNode, frames: FrameSpec[], what: string, rfc: string, o: { throughReassemblyTime?: boolean; address?: string } = {}) {
  const fail_ = (answer: ReceivedFrame) => fail(rfc, `${what} discarded, nothing sent in answer`, `${describeAnswer(answer)} in answer`);
  let heard = 'nothing answered';
  if (o.throughReassemblyTime) {
    // No Time Exceeded may follow either: listen through the NUT's reassembly time, on its own clock.
    const silence = await reassemblySilence(ctx, isAnswer(from.address), () => sendAll(ctx, frames, what));
    if ('broken' in silence) return fail_(silence.broken);
    heard = silence.heard;
  } else {
    await sendAll(ctx, frames, what);
    const answer = await ctx.link().expectNothing(isAnswer(from.address), ANSWER_WINDOW_MS);
    if (answer) return fail_(answer);
  }
  return (await reassemblesControl(ctx, from, o.address)) ?? pass(`${what}: not reassembled, ${heard}; a well-formed fragmented request still is`);
}

/** The control after a silence: an Echo Request in two well-formed fragments must be reassembled and answered. */
export async function reassemblesControl(ctx: CaseContext, from: SimulatedNode, address?: string) {
  const frames = cutFragments(echoTo(ctx, from, 128, address, CONTROL_SEQ), FRAGMENT_ID + 0x100, TWO_PIECES);
  await sendAll(ctx, frames, 'control: a well-formed Echo Request in two fragments');
  const reply = await awaitEchoReply(ctx.link(), from.address, ECHO_ID, CONTROL_SEQ, ANSWER_WINDOW_MS);
  if (!reply) return fail('RFC 8200 §4.5', 'an Echo Reply to the control Echo Request in two well-formed fragments (silence from a NUT that reassembles nothing proves nothing)', ctx.link().seenSinceSend(toTester(from.address)));
  return undefined;
}

const CONTROL_SEQ = 0x7e;

/** TAHI's fragmented Echo Request (F_Reassembly_*.def): 80 octets of data, 88 of ICMPv6, cut 32 + 32 + 24. */
export const TAHI_DATA = 80;
export const THREE_PIECES: Piece[] = [
  { start: 0, end: 32 },
  { start: 32, end: 64 },
  { start: 64, end: 88 },
];

/** An Echo Request in two fragments (64 + 72 bytes of its 136-byte fragmentable part, 128 bytes of data). */
export const TWO_PIECES: Piece[] = [
  { start: 0, end: 64 },
  { start: 64, end: 136 },
];
