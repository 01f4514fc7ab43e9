// IPsec.6.1.5 Packet Too Big Transmission (p2_SGW_E_PacketTooBigTransmission.seq): HOST1 sends a
// 1500-octet packet that the tunnel would make bigger than the link; the NUT must send HOST1 a Packet Too
// Big with an MTU of 1280..1430 (RFC 4301 §8.2.1: the tunnel's overhead counts), and forward HOST1's
// fragments of it through the tunnel.
import { fail, pass } from '../runner/case.js';
import { ipsecCases } from '../vocabulary/ipsec-case.js';
import { forgetPathMtuOnCleanup, setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { gatewayTunnel } from '../vocabulary/ipsec-sgw.js';
import { fragmentsThroughTunnel, packetTooBigToHost1 } from '../vocabulary/ipsec-sgw-pmtu.js';
import { bigData, talk } from '../vocabulary/ipsec-traffic.js';

const RFC = 'RFC 4301 §8.2.1, RFC 8201 §4';

export const cases = ipsecCases({
  n: '6.1.5',
  title: 'Packet Too Big Transmission, ESP=3DES-CBC HMAC-SHA1',
  rfc: RFC,
  mode: 'security-gateway',
  async run(ctx, app) {
    const sgw1 = gatewayTunnel();
    await setNutIpsec(ctx, sgw1.states, sgw1.policies);
    forgetPathMtuOnCleanup(ctx);
    const known = sgw1.states.map((s) => s.sa);
    const t = talk(app, 1, bigData(1452));
    const mtu = await packetTooBigToHost1(ctx, t, RFC, known, 'HOST1 to HOST2_NET3, 1500 octets');
    if (typeof mtu !== 'number') return mtu;
    if (mtu < 1280 || mtu > 1430) return fail(RFC, 'a Packet Too Big with an MTU of 1280..1430 (the link\'s 1500 less the tunnel\'s overhead)', `MTU ${mtu}`);
    const problem = await fragmentsThroughTunnel(ctx, t, mtu, sgw1, RFC, known);
    return problem ?? pass(`Packet Too Big with MTU ${mtu} to HOST1; its fragments went through the tunnel`);
  },
});
