// IPsec.5.3.1 Tunnel Mode with End-Node (p2_HTR_E_tunnelwEndNode.seq): tunnel-mode SAs whose endpoints
// are HOST1 and the NUT themselves; the request comes as an inner packet HOST1 > NUT inside ESP, and the
// answer must leave the same way (RFC 4301 §4.1: a host may use tunnel mode).
import { pass } from '../runner/case.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { echoNut, sgwTunnel } from '../vocabulary/ipsec-end-node.js';
import { setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { END } from '../vocabulary/ipsec-topology.js';
import { named, talk } from '../vocabulary/ipsec-traffic.js';

const RFC = 'RFC 4301 §4.1';

export const cases = ipsecCases({
  n: '5.3.1',
  title: 'Tunnel Mode with End-Node, ESP=3DES-CBC HMAC-SHA1',
  rfc: RFC,
  mode: 'ipsec-end-node',
  requires: ['TUNNEL_MODE_WITH_SGW_SUPPORT'],
  async run(ctx, app) {
    const tunnel = sgwTunnel(ctx, { peer: END.host1Net1, peerSelector: END.host1Net1 });
    await setNutIpsec(ctx, tunnel.states, tunnel.policies);
    const t = talk(app, 1);
    const r = await echoNut(ctx, { talk: t, host: END.host1Net1, send: tunnel.toNut, note: 'HOST1 > NUT inside a tunnel HOST1 > NUT' }, tunnel.fromNut, tunnel.states.map((s) => s.sa));
    if (!r.ok) return failAnswer(RFC, `${named(t, 'reply')} inside a tunnel-mode ESP packet NUT > HOST1 on SA 0x2000`, r);
    return pass('answered in tunnel mode on SA 0x2000');
  },
});
