// Echo Requests and Replies, the tester's everyday probe: building a request, recognising its reply, and
// the "is the NUT still there?" control that separates "the NUT ignored it" (the behaviour under test) from
// "the NUT is gone" (ERROR).
import type { DecodedFrame, FrameSpec } from '@testlab/packet';
import { normalizeIpv6 } from '@testlab/packet';
import type { CaseContext } from '../runner/context.js';
import type { SimulatedNode } from '../runner/simulated-node.js';
import { pattern } from './payload.js';
import type { BareNode } from './tester-nodes.js';
import { ANSWER_WINDOW_MS } from './timing.js';

export function isEchoReply(f: DecodedFrame, to: string, id: number, seq: number): boolean {
  return f.icmpv6?.type === 'echo-reply' && f.ipv6 !== undefined && normalizeIpv6(f.ipv6.dst) === normalizeIpv6(to) && f.icmpv6.id === id && f.icmpv6.seq === seq;
}

/** Sends a well-formed Echo Request from `tn` to the NUT's link-local address; true if it is answered. */
export async function nutAnswersEcho(ctx: CaseContext, tn: SimulatedNode, seq: number): Promise<boolean> {
  const nut = ctx.nutOn();
  const link = ctx.link();
  const id = 0xc0de;
  await link.send(
    { eth: { src: tn.mac, dst: nut.mac }, ipv6: { src: tn.address, dst: nut.linkLocal }, icmpv6: { type: 'echo-request', id, seq, data: new Uint8Array(16) } },
    'control: is the NUT alive and reachable?',
  );
  return (await link.expect((f) => isEchoReply(f, tn.address, id, seq), ANSWER_WINDOW_MS)) !== undefined;
}

/** An Echo Request from a tester node to the NUT, before any deliberate mistake is spread into it. */
export function echoRequest(from: SimulatedNode, to: { mac: string; address: string }, id: number, seq = 1, data = pattern(16)): FrameSpec {
  return { eth: { src: from.mac, dst: to.mac }, ipv6: { src: from.address, dst: to.address }, icmpv6: { type: 'echo-request', id, seq, data } };
}

/** An Echo Request from a bare node to the NUT's link-local address. */
export function echoFrom(ctx: CaseContext, tn: BareNode, seq: number, note?: string): Promise<Uint8Array> {
  const nut = ctx.nutOn();
  return ctx.link().send(
    { eth: { src: tn.mac, dst: nut.mac }, ipv6: { src: tn.address, dst: nut.linkLocal }, icmpv6: { type: 'echo-request', id: 0x2100, seq, data: pattern(16) } },
    note ?? `${tn.name} pings the NUT`,
  );
}

export const echoReplyTo = (tn: BareNode, seq: number) => (f: DecodedFrame): boolean => isEchoReply(f, tn.address, 0x2100, seq);
