// Path MTU through a security gateway (6.1.5, 6.1.6): a packet too big for the tunnel must be answered
// with a Packet Too Big to HOST1 (RFC 4301 §8.2.1, RFC 8201 §4), and HOST1's fragments of it must then
// go through the tunnel (TAHI: p2_SGW_E_PacketTooBig*.seq, ipsecPingFragForward).
import { buildIpv6Packet, normalizeIpv6 } from '@testlab/packet';
import type { SecurityAssociation } from '@testlab/ipsec';
import { fail, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { cutInTwo } from './ipsec-fragments.js';
import type { SaPair } from './ipsec-pairs.js';
import { FORWARD_MS, sendOut } from './ipsec-sgw.js';
import { SGW } from './ipsec-topology.js';
import { named, packet, request, type Talk } from './ipsec-traffic.js';
import { between, espProblem, fromNut, isEsp, isNd, seenFromNut, sendToNut } from './ipsec-wire.js';

/** HOST1 sends `t`'s request to HOST2_NET3; returns the MTU of the NUT's Packet Too Big to HOST1, or the FAIL. */
export async function packetTooBigToHost1(ctx: CaseContext, t: Talk, rfc: string, known: readonly SecurityAssociation[], note: string): Promise<number | CaseVerdict> {
  await sendOut(ctx, { talk: t, kind: 'request', to: SGW.host2Net3, note });
  const mine = fromNut(ctx, 'Link0');
  const ptb = await ctx.link('Link0').expect((f) => mine(f) && f.icmpv6?.type === 'packet-too-big' && normalizeIpv6(f.ipv6!.dst) === normalizeIpv6(SGW.host1Net0), 3_000);
  const m = ptb?.frame.icmpv6;
  if (m?.type !== 'packet-too-big') return fail(rfc, `a Packet Too Big from the NUT to HOST1 for ${named(t, 'request')} too big for the tunnel`, `${seenFromNut(ctx, 'Link0', known)}; ${seenFromNut(ctx, 'Link1', known)}`);
  const source = normalizeIpv6(ptb!.frame.ipv6!.src);
  ctx.log(`the NUT's Packet Too Big: MTU ${m.mtu}, from ${source}`);
  if (source !== normalizeIpv6(SGW.nutNet0)) return fail(rfc, `the Packet Too Big from the NUT's NET0 address ${SGW.nutNet0}`, `one from ${source}`);
  return m.mtu;
}

/** HOST1 sends the request again in two fragments fitting `mtu`; one of them must leave in the tunnel on `pair`'s outbound SA. */
export async function fragmentsThroughTunnel(ctx: CaseContext, t: Talk, mtu: number, pair: SaPair, rfc: string, known: readonly SecurityAssociation[]): Promise<CaseVerdict | undefined> {
  const whole = buildIpv6Packet(packet(SGW.host1Net0, SGW.host2Net3, request(t)));
  const first = Math.floor((mtu - 48) / 8) * 8;
  const [a, b] = cutInTwo(whole, first, 0x6150 + t.seq);
  ctx.link('Link0').markNow();
  ctx.link('Link1').markNow();
  await sendToNut(ctx, 'Link0', SGW.host1Mac, a, `HOST1's first fragment (${a.length} octets)`);
  await sendToNut(ctx, 'Link0', SGW.host1Mac, b, `HOST1's second fragment (${b.length} octets)`);
  const expected = `HOST1's fragments (cut for MTU ${mtu}) in the tunnel to SGW1 on SA 0x2000`;
  const mine = fromNut(ctx, 'Link1');
  const r = await ctx.link('Link1').expect((f) => mine(f) && !isNd(f) && (isEsp(f) ? between(f, SGW.nutNet1, SGW.sgw1Net2) : f.ipv6 !== undefined && between(f, SGW.host1Net0, SGW.host2Net3)), FORWARD_MS);
  if (!r) return fail(rfc, expected, `${seenFromNut(ctx, 'Link1', known)}; ${seenFromNut(ctx, 'Link0', known)}`);
  if (!isEsp(r.frame)) return fail(rfc, expected, 'a fragment forwarded in the clear, though the SPD says to protect it');
  const v = pair.fromNut.receiveFrame(r.bytes);
  const fragment = (inner: Parameters<Parameters<typeof espProblem>[2]>[0]) =>
    inner?.ipv6 !== undefined && normalizeIpv6(inner.ipv6.src) === normalizeIpv6(SGW.host1Net0) && inner.extensionHeaders.some((h) => h.type === 'fragment');
  const problem = espProblem(v, pair.fromNut.sa, fragment, 'a fragment from HOST1');
  return problem ? fail(rfc, expected, problem) : undefined;
}
