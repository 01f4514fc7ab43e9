// IPsec.6.1.7 Receipt of No Next Header (p2_SGW_E_ReceiptOfNoNextHeader.seq): between two requests through
// the tunnel from SGW1 (ESP sequence numbers 1 and 3) comes a dummy packet (Next Header 59, sequence
// number 2), (a) empty, (b) with 8 octets of TFC padding: nothing may come out of the NUT for a second,
// and the next request must still go through (RFC 4303 §2.6).
import { buildEspPacket } from '@testlab/ipsec';
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { forwardIn, gatewayTunnel, sgwNeighbors } from '../vocabulary/ipsec-sgw.js';
import { SGW, SGW_ROUTER } from '../vocabulary/ipsec-topology.js';
import { named, talk } from '../vocabulary/ipsec-traffic.js';
import { describeForReason, fromNut, isNd, sendToNut } from '../vocabulary/ipsec-wire.js';
import { DUMMY_TFC } from '../vocabulary/ipsec-test-data.js';

const RFC = 'RFC 4303 §2.6';

const part = (letter: 'a' | 'b', dummy: Uint8Array): CaseDefinition[] =>
  ipsecCases({
    n: `6.1.7-${letter}`,
    // TAHI's INDEX titles both parts "w/o TFC Padding"; part (b) sends it.
    title: `Receipt of No Next Header, ESP=3DES-CBC HMAC-SHA1: (${letter}) No Next Header w/o TFC Padding`,
    rfc: RFC,
    mode: 'security-gateway',
    requires: ['DUMMY_PACKET_SUPPORT'],
    async run(ctx, app) {
      const sgw1 = gatewayTunnel();
      await setNutIpsec(ctx, sgw1.states, sgw1.policies);
      const known = sgw1.states.map((s) => s.sa);
      const first = talk(app, 1);
      const r1 = await forwardIn(ctx, { talk: first, kind: 'request', from: SGW.host2Net3, send: sgw1.toNut, note: 'HOST2_NET3 through SGW1, ESP sequence number 1' }, known);
      if (!r1.ok) return failAnswer(RFC, `${named(first, 'request')} from the tunnel forwarded to HOST1`, r1);
      sgwNeighbors(ctx);
      ctx.link('Link0').markNow();
      const bytes = buildEspPacket({ sa: sgw1.toNut, upper: { payload: { nextHeader: 59, bytes: dummy } } });
      await sendToNut(ctx, 'Link1', SGW_ROUTER.mac, bytes, `SGW1's dummy packet (Next Header 59, ${dummy.length} octets), ESP sequence number 2`);
      const out = (link: 'Link0' | 'Link1') => ctx.link(link).expectNothing((f) => fromNut(ctx, link)(f) && !isNd(f), 1_000);
      const [on0, on1] = await Promise.all([out('Link0'), out('Link1')]);
      const leak = on0 ?? on1;
      if (leak) return fail(RFC, 'the dummy packet dropped without a trace on either link', describeForReason(leak.frame, known));
      const third = talk(app, 3);
      const r3 = await forwardIn(ctx, { talk: third, kind: 'request', from: SGW.host2Net3, send: sgw1.toNut, note: 'HOST2_NET3 after the dummy, ESP sequence number 3' }, known);
      if (!r3.ok) return failAnswer(RFC, `the dummy dropped and ${named(third, 'request')} (ESP sequence number 3) forwarded to HOST1`, r3);
      return pass('the dummy packet was dropped silently and the next request forwarded');
    },
  });

export const cases = [...part('a', new Uint8Array(0)), ...part('b', DUMMY_TFC)];
