// IPsec.6.1.11 TFC Padding (Tunnel Mode) (p2_SGW_E_TFC_Padding.seq, .def): the inner packet from
// HOST2_NET3 is followed by 8 octets of TFC padding inside SGW1's tunnel (only the inbound SA is set); the
// NUT must forward the inner packet alone, cut at its own Payload Length (RFC 4303 §2.7).
import { pass } from '../runner/case.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { forwardIn, gatewayTunnel } from '../vocabulary/ipsec-sgw.js';
import { SGW } from '../vocabulary/ipsec-topology.js';
import { named, talk } from '../vocabulary/ipsec-traffic.js';
import { DUMMY_TFC } from '../vocabulary/ipsec-test-data.js';

const RFC = 'RFC 4303 §2.7';

export const cases = ipsecCases({
  n: '6.1.11',
  title: 'TFC Padding (Tunnel Mode), ESP=3DES-CBC HMAC-SHA1',
  rfc: RFC,
  mode: 'security-gateway',
  requires: ['TFC_PADDING_TUNNEL_SUPPORT'],
  async run(ctx, app) {
    const sgw1 = gatewayTunnel();
    const inbound = { states: sgw1.states.filter((s) => s.sa === sgw1.toNut), policies: sgw1.policies.filter((p) => p.dir === 'in') };
    await setNutIpsec(ctx, inbound.states, inbound.policies);
    const t = talk(app, 1);
    const r = await forwardIn(ctx, { talk: t, kind: 'request', from: SGW.host2Net3, send: sgw1.toNut, innerTrailer: DUMMY_TFC, note: 'HOST2_NET3 through SGW1, 8 octets of TFC padding after the inner packet' }, sgw1.states.map((s) => s.sa));
    if (!r.ok) return failAnswer(RFC, `${named(t, 'request')} forwarded to HOST1 without the TFC padding`, r);
    return pass('the inner packet was forwarded to HOST1 without the TFC padding');
  },
});
