// IPsec.5.1.11 Invalid ICV value (p2_HTR_E_invalidICV.seq): after a good exchange, a request whose ICV is
// 0xaa... (sequence number 2); the NUT must discard it unanswered (RFC 4303 §3.4.4.1).
import { fail, pass } from '../runner/case.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { echoNut, echoUnanswered, hostTransport } from '../vocabulary/ipsec-end-node.js';
import { setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { BAD_ICV } from '../vocabulary/ipsec-test-data.js';
import { END } from '../vocabulary/ipsec-topology.js';
import { named, talk } from '../vocabulary/ipsec-traffic.js';

const RFC = 'RFC 4303 §3.4.4.1';

export const cases = ipsecCases({
  n: '5.1.11',
  title: 'Invalid ICV value, ESP=3DES-CBC HMAC-SHA1',
  rfc: RFC,
  mode: 'ipsec-end-node',
  async run(ctx, app) {
    const host1 = hostTransport(ctx);
    await setNutIpsec(ctx, host1.states, host1.policies);
    const known = host1.states.map((s) => s.sa);
    const first = talk(app, 1);
    const r1 = await echoNut(ctx, { talk: first, host: END.host1Net1, send: host1.toNut, note: 'HOST1, a good ICV' }, host1.fromNut, known);
    if (!r1.ok) return failAnswer(RFC, `${named(first, 'reply')} in ESP on SA 0x2000`, r1);
    const icv = BAD_ICV(host1.toNut.integrity.transform.icvLength);
    const answered = await echoUnanswered(ctx, { talk: talk(app, 2), host: END.host1Net1, send: host1.toNut, esp: { icv }, note: 'HOST1, ICV 0xaaaa... (invalid)' }, [END.host1Net1], known);
    if (answered) return fail(RFC, 'the request with an invalid ICV discarded', `${answered} in answer`);
    return pass('the request with a good ICV answered; the one with an invalid ICV discarded');
  },
});
