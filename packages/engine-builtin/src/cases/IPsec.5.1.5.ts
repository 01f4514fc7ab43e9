// IPsec.5.1.5 Receipt of No Next Header (p2_HTR_E_ReceiptOfNoNextHeader.seq with the two .def files):
// between two good exchanges (ESP sequence numbers 1 and 3) HOST1 sends a dummy packet (Next Header 59,
// sequence number 2), (a) empty, (b) with 8 octets of TFC padding. The NUT must drop it silently and go
// on answering (RFC 4303 §2.6).
import { pass } from '../runner/case.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { echoNut, hostTransport, nutNet0 } from '../vocabulary/ipsec-end-node.js';
import { setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { DUMMY_TFC } from '../vocabulary/ipsec-test-data.js';
import { END, END_NODE_ROUTER } from '../vocabulary/ipsec-topology.js';
import { named, talk } from '../vocabulary/ipsec-traffic.js';
import { outgoingBytes, sendToNut } from '../vocabulary/ipsec-wire.js';
import type { CaseDefinition } from '../runner/case.js';

const RFC = 'RFC 4303 §2.6';

const part = (letter: 'a' | 'b', what: string, dummy: Uint8Array): CaseDefinition[] =>
  ipsecCases({
    n: `5.1.5-${letter}`,
    title: `Receipt of No Next Header, ESP=3DES-CBC HMAC-SHA1: (${letter}) ${what}`,
    rfc: RFC,
    mode: 'ipsec-end-node',
    requires: ['DUMMY_PACKET_SUPPORT'],
    async run(ctx, app) {
      const host1 = hostTransport(ctx);
      await setNutIpsec(ctx, host1.states, host1.policies);
      const known = host1.states.map((s) => s.sa);
      const first = talk(app, 1);
      const r1 = await echoNut(ctx, { talk: first, host: END.host1Net1, send: host1.toNut, note: 'HOST1, ESP sequence number 1' }, host1.fromNut, known);
      if (!r1.ok) return failAnswer(RFC, `${named(first, 'reply')} in ESP on SA 0x2000`, r1);
      const bytes = outgoingBytes({ src: END.host1Net1, dst: nutNet0(ctx), upper: { payload: { nextHeader: 59, bytes: dummy } }, sa: host1.toNut });
      await sendToNut(ctx, 'Link0', END_NODE_ROUTER.mac, bytes, `HOST1's dummy packet (Next Header 59, ${dummy.length} octets), ESP sequence number 2`);
      const third = talk(app, 3);
      const r3 = await echoNut(ctx, { talk: third, host: END.host1Net1, send: host1.toNut, note: 'HOST1 after the dummy, ESP sequence number 3' }, host1.fromNut, known);
      if (!r3.ok) return failAnswer(RFC, `the dummy packet dropped and ${named(third, 'reply')} to the next request (ESP sequence number 3)`, r3);
      return pass('the dummy packet was dropped and the next request answered');
    },
  });

export const cases = [...part('a', 'No Next Header w/o TFC Padding', new Uint8Array(0)), ...part('b', 'No Next Header w/ TFC Padding', DUMMY_TFC)];
