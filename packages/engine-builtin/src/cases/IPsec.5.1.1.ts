// IPsec.5.1.1 Select SPD (p2_HTR_E_SelectSPD.seq): two hosts behind the Router, each with its own pair of
// transport-mode SAs; the NUT must answer each host on that host's outbound SA (RFC 4301 §5.1: the SPD
// picks the SA by the packet's selectors).
import { hex32 } from '@testlab/ipsec';
import { pass } from '../runner/case.js';
import { DES3_SHA1_2 } from '../vocabulary/ipsec-algorithms.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { echoNut, hostTransport } from '../vocabulary/ipsec-end-node.js';
import { setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { allOf } from '../vocabulary/ipsec-pairs.js';
import { END } from '../vocabulary/ipsec-topology.js';
import { named, talk } from '../vocabulary/ipsec-traffic.js';

const RFC = 'RFC 4301 §5.1';

export const cases = ipsecCases({
  n: '5.1.1',
  title: 'Select SPD, ESP=3DES-CBC HMAC-SHA1',
  udpTitle: 'Select SPD, ESP=3DES-CBC',
  rfc: RFC,
  mode: 'ipsec-end-node',
  async run(ctx, app) {
    const host1 = hostTransport(ctx);
    const host2 = hostTransport(ctx, { peer: END.host2Net1, peerSelector: END.host2Net1, spiIn: 0x3000, spiOut: 0x4000, reqid: 200, algorithms: DES3_SHA1_2 });
    const { states, policies } = allOf([host1, host2]);
    await setNutIpsec(ctx, states, policies);
    const known = states.map((s) => s.sa);
    for (const [i, [name, host, pair]] of ([['HOST1', END.host1Net1, host1], ['HOST2', END.host2Net1, host2]] as const).entries()) {
      const t = talk(app, i + 1);
      const r = await echoNut(ctx, { talk: t, host, send: pair.toNut, note: `${name} asks on SA ${hex32(pair.toNut.spi)}` }, pair.fromNut, known);
      if (!r.ok) return failAnswer(RFC, `${named(t, 'reply')} to ${name} in ESP on ${name}'s SA ${hex32(pair.fromNut.sa.spi)}`, r);
    }
    return pass('each host answered on its own SA (0x2000 to HOST1, 0x4000 to HOST2)');
  },
});
