// IPsec.6.1.6 Packet Too Big Forwarding (Unknown Original Host) (p2_SGW_E_PacketTooBigForwarding.seq):
// HOST1's 1400-octet request goes out in the tunnel; the Router on NET2 answers the tunnel packet with a
// Packet Too Big (MTU 1356) to the NUT, which cannot tell which host sent it. When HOST1 sends again, the
// NUT must answer with a Packet Too Big of the tunnel's new inner MTU, 1280..1286 (RFC 4301 §8.2.1,
// §8.2.2), and forward HOST1's fragments through the tunnel.
import { buildIpv6Packet } from '@testlab/packet';
import { fail, pass } from '../runner/case.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { forgetPathMtuOnCleanup, setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { forwardOut, gatewayTunnel } from '../vocabulary/ipsec-sgw.js';
import { fragmentsThroughTunnel, packetTooBigToHost1 } from '../vocabulary/ipsec-sgw-pmtu.js';
import { SGW, SGW_ROUTER } from '../vocabulary/ipsec-topology.js';
import { bigData, named, talk } from '../vocabulary/ipsec-traffic.js';
import { ipPacket, sendToNut } from '../vocabulary/ipsec-wire.js';

/** Time for the NUT to take the Router's Packet Too Big before HOST1 sends again on the other link. */
const PTB_SETTLE_MS = 500;
const RFC = 'RFC 4301 §8.2.1, §8.2.2';

export const cases = ipsecCases({
  n: '6.1.6',
  title: 'Packet Too Big Forwarding (Unknown Original Host), ESP=3DES-CBC HMAC-SHA1',
  rfc: RFC,
  mode: 'security-gateway',
  async run(ctx, app) {
    const sgw1 = gatewayTunnel();
    await setNutIpsec(ctx, sgw1.states, sgw1.policies);
    forgetPathMtuOnCleanup(ctx);
    const known = sgw1.states.map((s) => s.sa);
    const t = talk(app, 1, bigData(1352));
    const out = await forwardOut(ctx, { talk: t, kind: 'request', to: SGW.host2Net3, note: 'HOST1 to HOST2_NET3, 1400 octets' }, sgw1.fromNut, known);
    if (!out.ok) return failAnswer(RFC, `${named(t, 'request')} in the tunnel on SA 0x2000`, out);
    const ptb = buildIpv6Packet({ ipv6: { src: SGW_ROUTER.net2, dst: SGW.nutNet1 }, icmpv6: { type: 'packet-too-big', mtu: 1356, invoking: ipPacket(out.frame).slice(0, 1232) } });
    await sendToNut(ctx, 'Link1', SGW_ROUTER.mac, ptb, 'the Router on NET2: Packet Too Big, MTU 1356, quoting the NUT\'s tunnel packet');
    // The error comes in on Link1 and HOST1's resend on Link0: two NICs, so the NUT may take the resend first
    // if both arrive together. TAHI sends them one after the other at its own (slower) pace; so do we.
    await new Promise((resolve) => setTimeout(resolve, PTB_SETTLE_MS));
    const mtu = await packetTooBigToHost1(ctx, t, RFC, known, 'HOST1 sends the same request again');
    if (typeof mtu !== 'number') return mtu;
    if (mtu < 1280 || mtu > 1286) return fail(RFC, 'a Packet Too Big to HOST1 with an MTU of 1280..1286 (1356 less the tunnel\'s overhead)', `MTU ${mtu}`);
    const problem = await fragmentsThroughTunnel(ctx, t, mtu, sgw1, RFC, known);
    return problem ?? pass(`after the Router's Packet Too Big (1356), the NUT told HOST1 MTU ${mtu}; its fragments went through the tunnel`);
  },
});
