// IPsec.5.1.9 TFC Padding (Transport Mode) (p2_HTR_E_TFC_Padding.seq, p2_HTR_E_TFC_Padding.def): a UDP
// datagram to the echo port followed by 8 octets of traffic-flow-confidentiality padding inside ESP; the
// NUT must find the datagram's end by its UDP length and answer it (RFC 4303 §2.7). TAHI runs it over
// UDP only: ICMPv6 carries no length of its own.
import { pass } from '../runner/case.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { echoNut, hostTransport } from '../vocabulary/ipsec-end-node.js';
import { setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { END } from '../vocabulary/ipsec-topology.js';
import { named, talk } from '../vocabulary/ipsec-traffic.js';
import { DUMMY_TFC } from '../vocabulary/ipsec-test-data.js';

const RFC = 'RFC 4303 §2.7';

export const cases = ipsecCases({
  n: '5.1.9',
  title: 'TFC Padding (Transport Mode), ESP=3DES-CBC HMAC-SHA1',
  rfc: RFC,
  mode: 'ipsec-end-node',
  requires: ['TFC_PADDING_TRANS_SUPPORT'],
  only: 'udp',
  async run(ctx, app) {
    const host1 = hostTransport(ctx);
    await setNutIpsec(ctx, host1.states, host1.policies);
    const t = talk(app, 1);
    const r = await echoNut(ctx, { talk: t, host: END.host1Net1, send: host1.toNut, esp: { tfcPadding: DUMMY_TFC }, note: 'HOST1: UDP datagram + 8 octets of TFC padding' }, host1.fromNut, host1.states.map((s) => s.sa));
    if (!r.ok) return failAnswer(RFC, `${named(t, 'reply')} in ESP on SA 0x2000, the TFC padding ignored`, r);
    return pass('the datagram followed by TFC padding was answered');
  },
});
