// IPsec.6.1.1 Select SPD (p2_SGW_E_SelectSPD.seq): two tunnels, SGW1 for NET3 and SGW2 for NET4; HOST2's
// and HOST4's requests come through their tunnels and must reach HOST1 decapsulated, and HOST1's answers
// must go back each in its own tunnel (RFC 4301 §5.1, §5.2).
import { hex32 } from '@testlab/ipsec';
import { pass } from '../runner/case.js';
import { DES3_SHA1_2 } from '../vocabulary/ipsec-algorithms.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { allOf } from '../vocabulary/ipsec-pairs.js';
import { forwardBidir, gatewayTunnel } from '../vocabulary/ipsec-sgw.js';
import { SGW, netPrefix } from '../vocabulary/ipsec-topology.js';
import { named, talk } from '../vocabulary/ipsec-traffic.js';

const RFC = 'RFC 4301 §5.1, §5.2';

export const cases = ipsecCases({
  n: '6.1.1',
  title: 'Select SPD, ESP=3DES-CBC HMAC-SHA1',
  udpTitle: 'Select SPD, ESP=3DES-CBC',
  rfc: RFC,
  mode: 'security-gateway',
  async run(ctx, app) {
    const sgw1 = gatewayTunnel();
    const sgw2 = gatewayTunnel({ peer: SGW.sgw2Net2, peerSelector: netPrefix(4), spiIn: 0x3000, spiOut: 0x4000, reqid: 200, algorithms: DES3_SHA1_2 });
    const { states, policies } = allOf([sgw1, sgw2]);
    await setNutIpsec(ctx, states, policies);
    const known = states.map((s) => s.sa);
    for (const [i, [host, gw, pair]] of ([['HOST2_NET3', 'SGW1', sgw1], ['HOST4_NET4', 'SGW2', sgw2]] as const).entries()) {
      const t = talk(app, i + 1);
      const from = i === 0 ? SGW.host2Net3 : SGW.host4Net4;
      const { step, r } = await forwardBidir(ctx, t, from, pair, known);
      if (!r.ok) {
        const expected = step === 'in' ? `${named(t, 'request')} from ${host} decapsulated and forwarded to HOST1` : `HOST1's answer to ${host} in ${gw}'s tunnel on SA ${hex32(pair.fromNut.sa.spi)}`;
        return failAnswer(RFC, expected, r);
      }
    }
    return pass('both hosts reached HOST1 through their tunnels, and the answers went back each in its own');
  },
});
