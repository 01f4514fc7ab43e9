// IPsec.5.3.6 Tunnel Mode with SGW Fragmentation (p2_HTR_E_tunnelwSGWFrag.seq): a tunnel to SGW1, a small
// and a 1400-octet exchange, then the Router's Packet Too Big (MTU 1280) quoting the NUT's tunnel packet;
// the next answer must leave as two fragments of the outer ESP packet (offsets 0 and 154, Next Header
// 50), which put back together open to the answer (RFC 4303 §3.3.4: fragment after IPsec).
import { buildIpv6Packet } from '@testlab/packet';
import { fail, pass } from '../runner/case.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { echoNut, nutNet0, sendRequest, sgwTunnel } from '../vocabulary/ipsec-end-node.js';
import { awaitFragments, describePieces } from '../vocabulary/ipsec-fragments.js';
import { forgetPathMtuOnCleanup, setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { END, END_NODE_ROUTER } from '../vocabulary/ipsec-topology.js';
import { bigData, carries, named, talk } from '../vocabulary/ipsec-traffic.js';
import { describeForReason, espProblem, ipPacket, seenFromNut, sendToNut } from '../vocabulary/ipsec-wire.js';

const RFC = 'RFC 4303 §3.3.4, RFC 8201 §4';

export const cases = ipsecCases({
  n: '5.3.6',
  title: 'Tunnel Mode with SGW Fragmentation',
  rfc: RFC,
  mode: 'ipsec-end-node',
  requires: ['TUNNEL_MODE_WITH_SGW_FRAGMENTATION_SUPPORT'],
  udp: false,
  async run(ctx, app) {
    const tunnel = sgwTunnel(ctx);
    await setNutIpsec(ctx, tunnel.states, tunnel.policies);
    forgetPathMtuOnCleanup(ctx);
    const known = tunnel.states.map((s) => s.sa);
    let last;
    for (const [n, data] of [[1, undefined], [2, bigData(1352)]] as const) {
      const t = talk(app, n, data);
      const r = await echoNut(ctx, { talk: t, host: END.host1Net2, send: tunnel.toNut, note: `HOST1_NET2 through SGW1, ESP sequence number ${n}` }, tunnel.fromNut, known);
      if (!r.ok) return failAnswer(RFC, `${named(t, 'reply')} through the tunnel to SGW1`, r);
      last = r.frame;
    }
    const ptb = buildIpv6Packet({ ipv6: { src: END_NODE_ROUTER.global, dst: nutNet0(ctx) }, icmpv6: { type: 'packet-too-big', mtu: 1280, invoking: ipPacket(last!).slice(0, 1232) } });
    await sendToNut(ctx, 'Link0', END_NODE_ROUTER.mac, ptb, 'the Router: Packet Too Big, MTU 1280, quoting the NUT\'s tunnel packet');
    const third = talk(app, 3, bigData(1352));
    await sendRequest(ctx, { talk: third, host: END.host1Net2, send: tunnel.toNut, note: 'HOST1_NET2 again, ESP sequence number 3' });
    const expected = `${named(third, 'reply')} in the tunnel to SGW1, the outer ESP packet cut into two fragments at offsets 0 and 154 (Next Header 50)`;
    const got = await awaitFragments(ctx, 'Link0', nutNet0(ctx), END.sgw1Net1, 3_000);
    if (got.whole) return fail(RFC, expected, `an unfragmented packet of ${got.whole.bytes.length - 14} octets: ${describeForReason(got.whole.frame, known)}`);
    if (!got.reassembled) return fail(RFC, expected, seenFromNut(ctx, 'Link0', known));
    const { pieces, bytes } = got.reassembled;
    const shape = pieces.length === 2 && pieces[0]!.offset === 0 && pieces[0]!.more && pieces[1]!.offset === 1232 && !pieces[1]!.more && pieces.every((p) => p.nextHeader === 50);
    if (!shape) return fail(RFC, expected, `fragments ${describePieces(pieces)} (Next Header ${pieces.map((p) => p.nextHeader).join(', ')})`);
    const v = tunnel.fromNut.receivePacket(bytes);
    const problem = espProblem(v, tunnel.fromNut.sa, (inner) => carries(inner, third, 'reply', nutNet0(ctx), END.host1Net2), named(third, 'reply'));
    if (problem) return fail(RFC, expected, `fragments that put together give ${problem}`);
    return pass(`the tunnel packet after the Packet Too Big came in fragments ${describePieces(pieces)}`);
  },
});
