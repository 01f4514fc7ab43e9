// IPsec.6.1.3 Select SPD for 2 Hosts behind 1 SGW (p2_SGW_E_SelectSPD_w_1SGW.seq): two tunnels to SGW1,
// one for HOST2_NET3 (0x1000/0x2000), one for HOST3_NET3 (0x3000/0x4000); each host's traffic must take
// its own, though both end at SGW1 (RFC 4301 §4.4.1: the inner addresses select).
import { hex32 } from '@testlab/ipsec';
import { pass } from '../runner/case.js';
import { DES3_SHA1_2 } from '../vocabulary/ipsec-algorithms.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { allOf } from '../vocabulary/ipsec-pairs.js';
import { forwardBidir, gatewayTunnel } from '../vocabulary/ipsec-sgw.js';
import { SGW } from '../vocabulary/ipsec-topology.js';
import { named, talk } from '../vocabulary/ipsec-traffic.js';

const RFC = 'RFC 4301 §4.4.1';

export const cases = ipsecCases({
  n: '6.1.3',
  title: 'Select SPD for 2 Hosts behind 1 SGW, ESP=3DES-CBC HMAC-SHA1',
  rfc: RFC,
  mode: 'security-gateway',
  async run(ctx, app) {
    const host2 = gatewayTunnel({ peerSelector: SGW.host2Net3 });
    const host3 = gatewayTunnel({ peerSelector: SGW.host3Net3, spiIn: 0x3000, spiOut: 0x4000, reqid: 200, algorithms: DES3_SHA1_2 });
    const { states, policies } = allOf([host2, host3]);
    await setNutIpsec(ctx, states, policies);
    const known = states.map((s) => s.sa);
    for (const [i, [name, from, pair]] of ([['HOST2_NET3', SGW.host2Net3, host2], ['HOST3_NET3', SGW.host3Net3, host3]] as const).entries()) {
      const t = talk(app, i + 1);
      const { step, r } = await forwardBidir(ctx, t, from, pair, known);
      if (!r.ok) {
        const expected = step === 'in' ? `${named(t, 'request')} from ${name} forwarded to HOST1` : `HOST1's answer to ${name} in ${name}'s tunnel SA ${hex32(pair.fromNut.sa.spi)}`;
        return failAnswer(RFC, expected, r);
      }
    }
    return pass('each host behind SGW1 used its own tunnel SA (0x2000 for HOST2, 0x4000 for HOST3)');
  },
});
