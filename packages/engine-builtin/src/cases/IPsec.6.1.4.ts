// IPsec.6.1.4 Sequence Number Increment (p2_SGW_E_SequenceNumber.seq): HOST1's requests leave in the
// tunnel with sequence numbers 1, then 2 (RFC 4303 §3.3.3). Beyond TAHI, the lab then sends a request in
// through the tunnel and replays it: the NUT must forward the first and drop the replay (RFC 4303 §3.4.3).
import { fail, pass } from '../runner/case.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { forwardIn, forwardOut, gatewayTunnel, notForwardedIn } from '../vocabulary/ipsec-sgw.js';
import { SGW } from '../vocabulary/ipsec-topology.js';
import { named, talk } from '../vocabulary/ipsec-traffic.js';

const RFC = 'RFC 4303 §3.3.3';

export const cases = ipsecCases({
  n: '6.1.4',
  title: 'Sequence Number Increment, ESP=3DES-CBC HMAC-SHA1',
  rfc: RFC,
  mode: 'security-gateway',
  async run(ctx, app) {
    const sgw1 = gatewayTunnel();
    await setNutIpsec(ctx, sgw1.states, sgw1.policies);
    const known = sgw1.states.map((s) => s.sa);
    for (const n of [1, 2]) {
      const t = talk(app, n);
      const r = await forwardOut(ctx, { talk: t, kind: 'request', to: SGW.host2Net3, note: `HOST1 to HOST2_NET3 (${n})` }, sgw1.fromNut, known);
      if (!r.ok) return failAnswer(RFC, `${named(t, 'request')} in the tunnel on SA 0x2000 with sequence number ${n}`, r);
      if (r.verdict?.seq !== n) return fail(RFC, `${named(t, 'request')} in the tunnel with ESP sequence number ${n}`, `sequence number ${r.verdict?.seq}`);
    }
    const t = talk(app, 3);
    const inward = await forwardIn(ctx, { talk: t, kind: 'request', from: SGW.host2Net3, send: sgw1.toNut, note: 'HOST2_NET3 through SGW1, ESP sequence number 1 (a lab check beyond TAHI)' }, known);
    if (!inward.ok) return failAnswer('RFC 4303 §3.4.3', `${named(t, 'request')} from the tunnel forwarded to HOST1`, inward);
    const replayed = await notForwardedIn(ctx, { talk: t, kind: 'request', from: SGW.host2Net3, send: sgw1.toNut, esp: { seq: 1 }, note: 'the same request replayed, ESP sequence number 1 again' }, known);
    if (replayed) return fail('RFC 4303 §3.4.3', 'the replayed ESP sequence number 1 discarded (a lab check beyond TAHI)', `${replayed} forwarded to HOST1`);
    return pass('sequence numbers 1 and 2; a replayed tunnel packet was not forwarded');
  },
});
