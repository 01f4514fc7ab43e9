// IPsec.6.1.13 Invalid ICV value (p2_SGW_E_invalidICV.seq): after a request forwarded out of SGW1's
// tunnel, one whose ICV is 0xaa... (sequence number 2); the NUT must discard it, forwarding nothing to
// HOST1 (RFC 4303 §3.4.4.1).
import { fail, pass } from '../runner/case.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { forwardIn, gatewayTunnel, notForwardedIn } from '../vocabulary/ipsec-sgw.js';
import { SGW } from '../vocabulary/ipsec-topology.js';
import { named, talk } from '../vocabulary/ipsec-traffic.js';
import { BAD_ICV } from '../vocabulary/ipsec-test-data.js';

const RFC = 'RFC 4303 §3.4.4.1';

export const cases = ipsecCases({
  n: '6.1.13',
  title: 'Invalid ICV value, ESP=3DES-CBC HMAC-SHA1',
  rfc: RFC,
  mode: 'security-gateway',
  async run(ctx, app) {
    const sgw1 = gatewayTunnel();
    await setNutIpsec(ctx, sgw1.states, sgw1.policies);
    const known = sgw1.states.map((s) => s.sa);
    const first = talk(app, 1);
    const r1 = await forwardIn(ctx, { talk: first, kind: 'request', from: SGW.host2Net3, send: sgw1.toNut, note: 'HOST2_NET3 through SGW1, a good ICV' }, known);
    if (!r1.ok) return failAnswer(RFC, `${named(first, 'request')} from the tunnel forwarded to HOST1`, r1);
    const icv = BAD_ICV(sgw1.toNut.integrity.transform.icvLength);
    const forwarded = await notForwardedIn(ctx, { talk: talk(app, 2), kind: 'request', from: SGW.host2Net3, send: sgw1.toNut, esp: { icv }, note: 'HOST2_NET3 through SGW1, ICV 0xaaaa... (invalid)' }, known);
    if (forwarded) return fail(RFC, 'the packet with an invalid ICV discarded', `${forwarded} forwarded to HOST1`);
    return pass('the request with a good ICV was forwarded; the one with an invalid ICV discarded');
  },
});
