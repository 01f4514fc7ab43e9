// IPsec.5.1.7 Discard (p2_HTR_E_Discard.seq): after a good ESP exchange with HOST1, a discard policy for
// any to any in both directions; HOST2's clear Echo Request must get no answer, neither in the clear nor
// in ESP (RFC 4301 §4.4.1: DISCARD drops the traffic).
import { fail, pass } from '../runner/case.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { echoNut, echoUnanswered, hostTransport } from '../vocabulary/ipsec-end-node.js';
import { addNutPolicies, setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { END } from '../vocabulary/ipsec-topology.js';
import { named, talk } from '../vocabulary/ipsec-traffic.js';

const RFC = 'RFC 4301 §4.4.1';

export const cases = ipsecCases({
  n: '5.1.7',
  title: 'Discard, ESP=3DES-CBC HMAC-SHA1',
  rfc: RFC,
  mode: 'ipsec-end-node',
  requires: ['DISCARD_POLICY_SUPPORT'],
  async run(ctx, app) {
    const host1 = hostTransport(ctx);
    await setNutIpsec(ctx, host1.states, host1.policies);
    const known = host1.states.map((s) => s.sa);
    const first = talk(app, 1);
    const r1 = await echoNut(ctx, { talk: first, host: END.host1Net1, send: host1.toNut, note: 'HOST1 in ESP' }, host1.fromNut, known);
    if (!r1.ok) return failAnswer(RFC, `${named(first, 'reply')} in ESP on SA 0x2000`, r1);
    await addNutPolicies(ctx, [
      { dir: 'in', src: '::/0', dst: '::/0', action: 'discard' },
      { dir: 'out', src: '::/0', dst: '::/0', action: 'discard' },
    ]);
    const answered = await echoUnanswered(ctx, { talk: talk(app, 2), host: END.host2Net1, note: 'HOST2 in the clear, under the discard policy' }, [END.host2Net1], known);
    if (answered) return fail(RFC, 'HOST2\'s clear request discarded (the discard policy)', `${answered} in answer`);
    return pass('HOST1 answered in ESP; HOST2\'s clear request discarded under the discard policy');
  },
});
