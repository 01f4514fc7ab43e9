// IPsec.5.3.3 Select SPD for 2 Hosts behind 1 SGW (p2_HTR_E_SelectSPD_w_1SGW.seq): two tunnels to the
// same SGW1, one per host behind it (SPIs 0x1000/0x2000 for HOST1_NET2, 0x3000/0x4000 for HOST2_NET2);
// each answer must take its host's tunnel SA (RFC 4301 §4.4.1: the SPD tells them apart by the inner
// addresses, not the tunnel endpoints).
import { hex32 } from '@testlab/ipsec';
import { pass } from '../runner/case.js';
import { DES3_SHA1_2 } from '../vocabulary/ipsec-algorithms.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { echoNut, sgwTunnel } from '../vocabulary/ipsec-end-node.js';
import { setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { allOf } from '../vocabulary/ipsec-pairs.js';
import { END } from '../vocabulary/ipsec-topology.js';
import { named, talk } from '../vocabulary/ipsec-traffic.js';

const RFC = 'RFC 4301 §4.4.1';

export const cases = ipsecCases({
  n: '5.3.3',
  title: 'Select SPD for 2 Hosts behind 1 SGW, ESP=3DES-CBC HMAC-SHA1',
  rfc: RFC,
  mode: 'ipsec-end-node',
  requires: ['TUNNEL_MODE_WITH_SGW_SUPPORT'],
  async run(ctx, app) {
    const host1 = sgwTunnel(ctx, { peerSelector: END.host1Net2 });
    const host2 = sgwTunnel(ctx, { peerSelector: END.host2Net2, spiIn: 0x3000, spiOut: 0x4000, reqid: 200, algorithms: DES3_SHA1_2 });
    const { states, policies } = allOf([host1, host2]);
    await setNutIpsec(ctx, states, policies);
    const known = states.map((s) => s.sa);
    for (const [i, [name, host, pair]] of ([['HOST1_NET2', END.host1Net2, host1], ['HOST2_NET2', END.host2Net2, host2]] as const).entries()) {
      const t = talk(app, i + 1);
      const r = await echoNut(ctx, { talk: t, host, send: pair.toNut, note: `${name} through SGW1 on ${hex32(pair.toNut.spi)}` }, pair.fromNut, known);
      if (!r.ok) return failAnswer(RFC, `${named(t, 'reply')} to ${name} in ${name}'s tunnel SA ${hex32(pair.fromNut.sa.spi)}`, r);
    }
    return pass('each host behind SGW1 answered in its own tunnel SA (0x2000, 0x4000)');
  },
});
