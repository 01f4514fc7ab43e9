// IPsec.6.1.12 Non-Registered SPI (p2_SGW_E_nonRegSPI.seq): after a request forwarded out of SGW1's
// tunnel, the same on SPI 0x9000, which no SA of the NUT has (its sequence number the next one, so only
// the SPI is wrong); the NUT must discard it, forwarding nothing to HOST1 (RFC 4303 §3.4.2).
import { fail, pass } from '../runner/case.js';
import { onOtherSpi } from '../vocabulary/ipsec-algorithms.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { keepKeys, setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { forwardIn, gatewayTunnel, notForwardedIn } from '../vocabulary/ipsec-sgw.js';
import { SGW } from '../vocabulary/ipsec-topology.js';
import { named, talk } from '../vocabulary/ipsec-traffic.js';

const RFC = 'RFC 4303 §3.4.2';

export const cases = ipsecCases({
  n: '6.1.12',
  title: 'Non-Registered SPI, ESP=3DES-CBC HMAC-SHA1',
  rfc: RFC,
  mode: 'security-gateway',
  async run(ctx, app) {
    const sgw1 = gatewayTunnel();
    await setNutIpsec(ctx, sgw1.states, sgw1.policies);
    const unknown = onOtherSpi(sgw1.toNut, 0x9000);
    keepKeys(ctx, [unknown]);
    const known = [...sgw1.states.map((s) => s.sa), unknown];
    const first = talk(app, 1);
    const r1 = await forwardIn(ctx, { talk: first, kind: 'request', from: SGW.host2Net3, send: sgw1.toNut, note: 'HOST2_NET3 through SGW1 on SPI 0x1000' }, known);
    if (!r1.ok) return failAnswer(RFC, `${named(first, 'request')} from the tunnel forwarded to HOST1`, r1);
    const forwarded = await notForwardedIn(ctx, { talk: talk(app, 2), kind: 'request', from: SGW.host2Net3, send: unknown, esp: { seq: sgw1.toNut.lastSentSeq + 1 }, note: 'HOST2_NET3 through SGW1 on SPI 0x9000, which the NUT has no SA for' }, known);
    if (forwarded) return fail(RFC, 'the packet on the unknown SPI 0x9000 discarded', `${forwarded} forwarded to HOST1`);
    return pass('the request on SPI 0x1000 was forwarded; the one on the unknown SPI 0x9000 discarded');
  },
});
