// Path MTU discovery (RFC 8201) as the Section 4 cases see it: the NUT answers 1500-byte Echo Requests whole
// on an Ethernet link, and after a Packet Too Big for the tester's address answers them in fragments no
// larger than the path MTU it must now use. Every case talks from its own tester MAC (so its own address):
// the NUT keeps a learnt path MTU for ten minutes, and it must not carry over into the next case.
import { buildFrame } from '@testlab/packet';
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { SimulatedNode } from '../runner/simulated-node.js';
import { awaitEchoReply } from './fragments.js';
import { ALL_MODES } from './nut-modes.js';
import { pattern } from './payload.js';
import { toTester } from './probe-outcomes.js';
import { ETHERNET_MTU, MIN_MTU } from './tahi-network.js';
import { tnWithMac } from './tester-nodes.js';
import { ANSWER_WINDOW_MS, sleep } from './timing.js';

const ECHO_ID = 0x4100;
const RFC = 'RFC 8201 §4';

/** Who talks to the NUT: the node (its address and the MAC frames come from) and the NUT's address. */
export interface Path {
  from: SimulatedNode;
  /** The MAC the tester's frames come from: the node's, or TR1's for an off-link node. */
  viaMac: string;
  nut: string;
}

export function onLinkPath(ctx: CaseContext, n: number): Path {
  const from = ctx.node(tnWithMac('TN1', 0x4100 + n));
  return { from, viaMac: from.mac, nut: ctx.nutOn().linkLocal };
}

/** Sends an Echo Request of `size` octets (IPv6 header included) and returns the reply, reassembled. */
export async function echo(ctx: CaseContext, p: Path, seq: number, size: number) {
  const nut = ctx.nutOn();
  await ctx.link().send(
    { eth: { src: p.viaMac, dst: nut.mac }, ipv6: { src: p.from.address, dst: p.nut }, icmpv6: { type: 'echo-request', id: ECHO_ID, seq, data: pattern(size - 48) } },
    `a ${size}-octet Echo Request`,
  );
  return awaitEchoReply(ctx.link(), p.from.address, ECHO_ID, seq, ANSWER_WINDOW_MS);
}

/** A Packet Too Big about the NUT's Echo Reply of `size` octets to the tester node, from `sender`. */
export async function packetTooBig(ctx: CaseContext, p: Path, sender: { mac: string; address: string }, mtu: number, code = 0, seq = 1, size = ETHERNET_MTU): Promise<void> {
  const nut = ctx.nutOn();
  const reply = buildFrame({ eth: { src: nut.mac, dst: p.viaMac }, ipv6: { src: p.nut, dst: p.from.address }, icmpv6: { type: 'echo-reply', id: ECHO_ID, seq, data: pattern(size - 48) } });
  await ctx.link().send(
    { eth: { src: sender.mac, dst: nut.mac }, ipv6: { src: sender.address, dst: p.nut }, icmpv6: { type: 'packet-too-big', code, mtu, invoking: reply.subarray(14, 14 + MIN_MTU - 48) } },
    `Packet Too Big, MTU ${mtu}${code ? `, code ${code}` : ''}`,
  );
  await sleep(200); // let the NUT take it in before the next request
}

/** The 1500-octet Echo Request must be answered, in fragments of at most `mtu` octets (or whole if it fits). */
export async function answeredWithin(ctx: CaseContext, p: Path, seq: number, mtu: number, rfc: string, why: string): Promise<CaseVerdict | undefined> {
  const reply = await echo(ctx, p, seq, ETHERNET_MTU);
  if (!reply) return fail(rfc, `an Echo Reply to the ${ETHERNET_MTU}-octet Echo Request ${why}`, ctx.link().seenSinceSend(toTester(p.from.address)));
  const largest = Math.max(...reply.packetSizes);
  if (largest > mtu) {
    return fail(rfc, `the Echo Reply in packets of at most ${mtu} octets ${why}`, `${reply.fragmented ? `fragments of ${reply.packetSizes.join(' + ')}` : `one packet of ${largest}`} octets`);
  }
  ctx.log(`reply ${why}: ${reply.packetSizes.join(' + ')} octets`);
  return undefined;
}

/** Before the Packet Too Big: the 1500-octet request is answered whole (else the case proves nothing). */
export async function wholeAtFirst(ctx: CaseContext, p: Path): Promise<CaseVerdict | undefined> {
  const reply = await echo(ctx, p, 1, ETHERNET_MTU);
  if (!reply) return fail('RFC 4443 §4.2', `an Echo Reply to a ${ETHERNET_MTU}-octet Echo Request before any Packet Too Big`, ctx.link().seenSinceSend(toTester(p.from.address)));
  if (reply.fragmented) return fail('RFC 8201 §4', `a whole ${ETHERNET_MTU}-octet Echo Reply on a ${ETHERNET_MTU}-octet link before any Packet Too Big`, `fragments of ${reply.packetSizes.join(' + ')} octets`);
  return undefined;
}

/** Packet Too Big with `mtu` (and `code`) from the tester node; then replies must fit `expected`. */
export function reduced(o: { id: string; title: string; n: number; mtu: number; expected: number; code?: number; rfc?: string; then?: (ctx: CaseContext, p: Path) => Promise<CaseVerdict | undefined> }): CaseDefinition {
  const rfc = o.rfc ?? RFC;
  return {
    id: o.id,
    title: o.title,
    rfc,
    appliesTo: ALL_MODES,
    async run(ctx) {
      const p = onLinkPath(ctx, o.n);
      const first = await wholeAtFirst(ctx, p);
      if (first) return first;
      await packetTooBig(ctx, p, p.from, o.mtu, o.code ?? 0);
      const after = await answeredWithin(ctx, p, 2, o.expected, rfc, `after a Packet Too Big with MTU ${o.mtu}${o.code ? ` and code ${o.code}` : ''}`);
      if (after) return after;
      const more = await o.then?.(ctx, p);
      return more ?? pass(`replies fit ${o.expected} octets after a Packet Too Big with MTU ${o.mtu}`);
    },
  };
}
