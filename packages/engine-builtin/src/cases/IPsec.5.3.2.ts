// IPsec.5.3.2 Tunnel Mode with SGW (p2_HTR_E_tunnelwSGW.seq): a tunnel between the NUT and SGW1 for NET2
// behind it; HOST1_NET2's request arrives inside it and the answer must go back through it, inner
// destination HOST1_NET2, outer SGW1 (RFC 4301 §4.1).
import { pass } from '../runner/case.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { echoNut, sgwTunnel } from '../vocabulary/ipsec-end-node.js';
import { setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { END } from '../vocabulary/ipsec-topology.js';
import { named, talk } from '../vocabulary/ipsec-traffic.js';

const RFC = 'RFC 4301 §4.1';

export const cases = ipsecCases({
  n: '5.3.2',
  title: 'Tunnel Mode with SGW, ESP=3DES-CBC HMAC-SHA1',
  rfc: RFC,
  mode: 'ipsec-end-node',
  requires: ['TUNNEL_MODE_WITH_SGW_SUPPORT'],
  async run(ctx, app) {
    const tunnel = sgwTunnel(ctx);
    await setNutIpsec(ctx, tunnel.states, tunnel.policies);
    const t = talk(app, 1);
    const r = await echoNut(ctx, { talk: t, host: END.host1Net2, send: tunnel.toNut, note: 'HOST1_NET2 > NUT inside the tunnel from SGW1' }, tunnel.fromNut, tunnel.states.map((s) => s.sa));
    if (!r.ok) return failAnswer(RFC, `${named(t, 'reply')} to HOST1_NET2 inside the tunnel NUT > SGW1 on SA 0x2000`, r);
    return pass('answered through the tunnel to SGW1');
  },
});
