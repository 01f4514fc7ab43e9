// IPsec.6.1.14 Tunnel Mode with End-Node (p2_SGW_E_tunnelwEndNode.seq): the tunnel's far end is a host,
// HOST2_NET2, which is also the inner source; its request must come out to HOST1 and HOST1's answer go
// back in the tunnel SA 0x2000 (RFC 4301 §4.1: a tunnel between a gateway and a host).
import { hex32 } from '@testlab/ipsec';
import { pass } from '../runner/case.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { forwardBidir, gatewayTunnel } from '../vocabulary/ipsec-sgw.js';
import { SGW } from '../vocabulary/ipsec-topology.js';
import { named, talk } from '../vocabulary/ipsec-traffic.js';

const RFC = 'RFC 4301 §4.1';

export const cases = ipsecCases({
  n: '6.1.14',
  title: 'Tunnel Mode with End-Node, ESP=3DES-CBC HMAC-SHA1',
  rfc: RFC,
  mode: 'security-gateway',
  async run(ctx, app) {
    const host2 = gatewayTunnel({ peer: SGW.host2Net2, peerSelector: SGW.host2Net2, nutSelector: SGW.host1Net0 });
    await setNutIpsec(ctx, host2.states, host2.policies);
    const t = talk(app, 1);
    const { step, r } = await forwardBidir(ctx, t, SGW.host2Net2, host2, host2.states.map((s) => s.sa));
    if (!r.ok) {
      const expected = step === 'in' ? `${named(t, 'request')} from HOST2_NET2's tunnel forwarded to HOST1` : `HOST1's answer forwarded in HOST2_NET2's tunnel SA ${hex32(host2.fromNut.sa.spi)}`;
      return failAnswer(RFC, expected, r);
    }
    return pass('the request from the host\'s tunnel was forwarded to HOST1 and the answer went back in the tunnel');
  },
});
