// IPsec.5.1.6 Bypass (p2_HTR_E_Bypass.seq): after a good ESP exchange with HOST1, a bypass policy for
// any to any in both directions; a clear Echo Request from HOST2 must be answered in the clear
// (RFC 4301 §4.4.1: BYPASS lets traffic through without IPsec).
import { pass } from '../runner/case.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { echoNut, hostTransport } from '../vocabulary/ipsec-end-node.js';
import { addNutPolicies, setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { END } from '../vocabulary/ipsec-topology.js';
import { named, talk } from '../vocabulary/ipsec-traffic.js';

const RFC = 'RFC 4301 §4.4.1';

export const cases = ipsecCases({
  n: '5.1.6',
  title: 'Bypass, ESP=3DES-CBC HMAC-SHA1',
  rfc: RFC,
  mode: 'ipsec-end-node',
  requires: ['BYPASS_POLICY_SUPPORT'],
  async run(ctx, app) {
    const host1 = hostTransport(ctx);
    await setNutIpsec(ctx, host1.states, host1.policies);
    const known = host1.states.map((s) => s.sa);
    const first = talk(app, 1);
    const r1 = await echoNut(ctx, { talk: first, host: END.host1Net1, send: host1.toNut, note: 'HOST1 in ESP' }, host1.fromNut, known);
    if (!r1.ok) return failAnswer(RFC, `${named(first, 'reply')} in ESP on SA 0x2000`, r1);
    await addNutPolicies(ctx, [
      { dir: 'in', src: '::/0', dst: '::/0', action: 'bypass' },
      { dir: 'out', src: '::/0', dst: '::/0', action: 'bypass' },
    ]);
    const second = talk(app, 2);
    const r2 = await echoNut(ctx, { talk: second, host: END.host2Net1, note: 'HOST2 in the clear, under the bypass policy' }, undefined, known);
    if (!r2.ok) return failAnswer(RFC, `${named(second, 'reply')} to HOST2 in the clear (the bypass policy)`, r2);
    return pass('HOST1 answered in ESP; HOST2 answered in the clear under the bypass policy');
  },
});
