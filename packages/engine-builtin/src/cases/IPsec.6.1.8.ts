// IPsec.6.1.8 Bypass (p2_SGW_E_Bypass.seq): after a request forwarded out of SGW1's tunnel, a bypass
// policy for any to any (inbound, applied to what the NUT forwards too); HOST4_NET4's clear request must
// then be forwarded to HOST1 (RFC 4301 §4.4.1).
import { pass } from '../runner/case.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { addNutPolicies, setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { forwardIn, gatewayTunnel } from '../vocabulary/ipsec-sgw.js';
import { SGW } from '../vocabulary/ipsec-topology.js';
import { named, talk } from '../vocabulary/ipsec-traffic.js';

const RFC = 'RFC 4301 §4.4.1';

export const cases = ipsecCases({
  n: '6.1.8',
  title: 'Bypass, ESP=3DES-CBC HMAC-SHA1',
  rfc: RFC,
  mode: 'security-gateway',
  requires: ['BYPASS_POLICY_SUPPORT'],
  async run(ctx, app) {
    const sgw1 = gatewayTunnel();
    await setNutIpsec(ctx, sgw1.states, sgw1.policies);
    const known = sgw1.states.map((s) => s.sa);
    const first = talk(app, 1);
    const r1 = await forwardIn(ctx, { talk: first, kind: 'request', from: SGW.host2Net3, send: sgw1.toNut, note: 'HOST2_NET3 through SGW1' }, known);
    if (!r1.ok) return failAnswer(RFC, `${named(first, 'request')} from the tunnel forwarded to HOST1`, r1);
    await addNutPolicies(ctx, [{ dir: 'in', src: '::/0', dst: '::/0', action: 'bypass' }]);
    const second = talk(app, 2);
    const r2 = await forwardIn(ctx, { talk: second, kind: 'request', from: SGW.host4Net4, note: 'HOST4_NET4 in the clear, under the bypass policy' }, known);
    if (!r2.ok) return failAnswer(RFC, `${named(second, 'request')} from HOST4_NET4 in the clear forwarded to HOST1 (the bypass policy)`, r2);
    return pass('the tunnel\'s request and, under the bypass policy, HOST4\'s clear one were forwarded');
  },
});
