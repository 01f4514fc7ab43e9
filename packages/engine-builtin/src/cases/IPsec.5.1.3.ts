// IPsec.5.1.3 Sequence Number Increment (p2_HTR_E_SequenceNumber.seq): the NUT's first packet on a new
// SA carries sequence number 1, the next 2 (RFC 4303 §3.3.3). Beyond TAHI, the lab then replays the
// second request verbatim: with the anti-replay window the lab gives every SA (RFC 4303 §3.4.3, which a
// receiver SHOULD use), the NUT must drop it.
import { hex32 } from '@testlab/ipsec';
import { fail, pass } from '../runner/case.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { echoNut, echoUnanswered, hostTransport } from '../vocabulary/ipsec-end-node.js';
import { setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { END } from '../vocabulary/ipsec-topology.js';
import { named, talk } from '../vocabulary/ipsec-traffic.js';

const RFC = 'RFC 4303 §3.3.3';

export const cases = ipsecCases({
  n: '5.1.3',
  title: 'Sequence Number Increment, ESP=3DES-CBC HMAC-SHA1',
  rfc: RFC,
  mode: 'ipsec-end-node',
  async run(ctx, app) {
    const host1 = hostTransport(ctx);
    await setNutIpsec(ctx, host1.states, host1.policies);
    const known = host1.states.map((s) => s.sa);
    for (const n of [1, 2]) {
      const t = talk(app, n);
      const r = await echoNut(ctx, { talk: t, host: END.host1Net1, send: host1.toNut, note: `HOST1, ESP sequence number ${n}` }, host1.fromNut, known);
      if (!r.ok) return failAnswer(RFC, `${named(t, 'reply')} in ESP on SA 0x2000 with sequence number ${n}`, r);
      if (r.verdict?.seq !== n) return fail(RFC, `${named(t, 'reply')} with ESP sequence number ${n}`, `sequence number ${r.verdict?.seq}`);
    }
    const replayed = await echoUnanswered(ctx, { talk: talk(app, 2), host: END.host1Net1, send: host1.toNut, esp: { seq: 2 }, note: `HOST1 replays ESP sequence number 2 on ${hex32(host1.toNut.spi)}` }, [END.host1Net1], known);
    if (replayed) return fail('RFC 4303 §3.4.3', 'the replayed ESP sequence number 2 discarded (a lab check beyond TAHI)', `${replayed} in answer`);
    return pass('sequence numbers 1 and 2, and the replay of 2 discarded');
  },
});
