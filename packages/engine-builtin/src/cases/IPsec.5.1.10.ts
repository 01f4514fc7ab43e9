// IPsec.5.1.10 Non-Registered SPI (p2_HTR_E_nonRegSPI.seq): after a good exchange, the same request on
// SPI 0x9000, which no SA of the NUT has (its sequence number the next one, so only the SPI is wrong);
// the NUT must discard it, answering neither in ESP nor in the clear (RFC 4303 §3.4.2).
import { fail, pass } from '../runner/case.js';
import { onOtherSpi } from '../vocabulary/ipsec-algorithms.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { echoNut, echoUnanswered, hostTransport } from '../vocabulary/ipsec-end-node.js';
import { keepKeys, setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { END } from '../vocabulary/ipsec-topology.js';
import { named, talk } from '../vocabulary/ipsec-traffic.js';

const RFC = 'RFC 4303 §3.4.2';

export const cases = ipsecCases({
  n: '5.1.10',
  title: 'Non-Registered SPI, ESP=3DES-CBC HMAC-SHA1',
  rfc: RFC,
  mode: 'ipsec-end-node',
  async run(ctx, app) {
    const host1 = hostTransport(ctx);
    await setNutIpsec(ctx, host1.states, host1.policies);
    const unknown = onOtherSpi(host1.toNut, 0x9000);
    keepKeys(ctx, [unknown]);
    const known = [...host1.states.map((s) => s.sa), unknown];
    const first = talk(app, 1);
    const r1 = await echoNut(ctx, { talk: first, host: END.host1Net1, send: host1.toNut, note: 'HOST1 on SPI 0x1000' }, host1.fromNut, known);
    if (!r1.ok) return failAnswer(RFC, `${named(first, 'reply')} in ESP on SA 0x2000`, r1);
    const answered = await echoUnanswered(ctx, { talk: talk(app, 2), host: END.host1Net1, send: unknown, esp: { seq: host1.toNut.lastSentSeq + 1 }, note: 'HOST1 on SPI 0x9000, which the NUT has no SA for' }, [END.host1Net1], known);
    if (answered) return fail(RFC, 'the request on the unknown SPI 0x9000 discarded', `${answered} in answer`);
    return pass('the request on SPI 0x1000 answered; the one on the unknown SPI 0x9000 discarded');
  },
});
