// IPsec.5.1.4 Packet Too Big Reception (p2_HTR_E_PacketTooBigReception.seq): a 1500-octet ESP exchange,
// then the Router's Packet Too Big (MTU 1280) quoting the NUT's ESP reply; the next reply must come as
// two fragments of the ESP packet (offsets 0 and 154, Next Header 50: fragmentation after IPsec, RFC 4303
// §3.3.4), which put back together open to the Echo Reply with ESP sequence number 2.
import { buildIpv6Packet } from '@testlab/packet';
import { fail, pass } from '../runner/case.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { echoNut, hostTransport, nutNet0, sendRequest } from '../vocabulary/ipsec-end-node.js';
import { awaitFragments, describePieces } from '../vocabulary/ipsec-fragments.js';
import { forgetPathMtuOnCleanup, setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { END, END_NODE_ROUTER } from '../vocabulary/ipsec-topology.js';
import { bigData, carries, named, talk } from '../vocabulary/ipsec-traffic.js';
import { describeForReason, espProblem, ipPacket, seenFromNut, sendToNut } from '../vocabulary/ipsec-wire.js';

const RFC = 'RFC 4303 §3.3.4, RFC 8201 §4';

export const cases = ipsecCases({
  n: '5.1.4',
  title: 'Packet Too Big Reception, ESP=3DES-CBC HMAC-SHA1',
  rfc: RFC,
  mode: 'ipsec-end-node',
  async run(ctx, app) {
    const host1 = hostTransport(ctx);
    await setNutIpsec(ctx, host1.states, host1.policies);
    forgetPathMtuOnCleanup(ctx);
    const known = host1.states.map((s) => s.sa);
    const first = talk(app, 1, bigData(1416));
    const r = await echoNut(ctx, { talk: first, host: END.host1Net1, send: host1.toNut, note: 'HOST1, 1500 octets in all' }, host1.fromNut, known);
    if (!r.ok) return failAnswer(RFC, `${named(first, 'reply')} in ESP on SA 0x2000`, r);

    const quoted = ipPacket(r.frame).slice(0, 1232);
    const ptb = buildIpv6Packet({ ipv6: { src: END_NODE_ROUTER.global, dst: nutNet0(ctx) }, icmpv6: { type: 'packet-too-big', mtu: 1280, invoking: quoted } });
    await sendToNut(ctx, 'Link0', END_NODE_ROUTER.mac, ptb, 'the Router: Packet Too Big, MTU 1280, quoting the NUT\'s ESP reply');

    const second = talk(app, 2, bigData(1416));
    await sendRequest(ctx, { talk: second, host: END.host1Net1, send: host1.toNut, note: 'HOST1 again, ESP sequence number 2' });
    const expected = `${named(second, 'reply')} in ESP (sequence number 2) cut into two fragments of at most 1280 octets, offsets 0 and 154, Next Header 50`;
    const got = await awaitFragments(ctx, 'Link0', nutNet0(ctx), END.host1Net1, 3_000);
    if (got.whole) return fail(RFC, expected, `an unfragmented packet of ${got.whole.bytes.length - 14} octets: ${describeForReason(got.whole.frame, known)}`);
    if (!got.reassembled) return fail(RFC, expected, seenFromNut(ctx, 'Link0', known));
    const { pieces, bytes } = got.reassembled;
    const shape = pieces.length === 2 && pieces[0]!.offset === 0 && pieces[0]!.more && pieces[1]!.offset === 1232 && !pieces[1]!.more && pieces.every((p) => p.nextHeader === 50 && p.packetSize <= 1280);
    if (!shape) return fail(RFC, expected, `fragments ${describePieces(pieces)} (Next Header ${pieces.map((p) => p.nextHeader).join(', ')})`);
    const v = host1.fromNut.receivePacket(bytes);
    const problem = espProblem(v, host1.fromNut.sa, (inner) => carries(inner, second, 'reply', nutNet0(ctx), END.host1Net1), named(second, 'reply'));
    if (problem) return fail(RFC, expected, `fragments that put together give ${problem}`);
    if (v.seq !== 2) return fail(RFC, expected, `ESP sequence number ${v.seq}`);
    return pass(`the reply after the Packet Too Big came in fragments ${describePieces(pieces)} and opened to the reply`);
  },
});
