// IPsec.6.1.2 Select SPD (ICMP Type) (p2_SGW_E_SelectSPD_ICMP_Type.seq, p2_SGW_E_ICMP_Type.def): four SAs
// with SGW1 chosen by ICMPv6 type alone (RFC 4301 §4.4.1.1): Echo Requests toward NET0 on 0x1000 and
// toward NET3 on 0x2000, Echo Replies toward NET0 on 0x3000 and toward NET3 on 0x4000.
import { pass } from '../runner/case.js';
import { DES3_SHA1_2 } from '../vocabulary/ipsec-algorithms.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { allOf } from '../vocabulary/ipsec-pairs.js';
import { forwardIn, forwardOut, gatewayTunnel } from '../vocabulary/ipsec-sgw.js';
import { SGW } from '../vocabulary/ipsec-topology.js';
import { talk } from '../vocabulary/ipsec-traffic.js';

const RFC = 'RFC 4301 §4.4.1.1';

export const cases = ipsecCases({
  n: '6.1.2',
  title: 'Select SPD (ICMP Type), ESP=3DES-CBC HMAC-SHA1',
  rfc: RFC,
  mode: 'security-gateway',
  requires: ['ICMP_TYPE_CODE_SELECTOR_SUPPORT'],
  only: 'icmp',
  async run(ctx) {
    const requests = gatewayTunnel({ icmpIn: 128, icmpOut: 128 });
    const replies = gatewayTunnel({ spiIn: 0x3000, spiOut: 0x4000, reqid: 200, algorithms: DES3_SHA1_2, icmpIn: 129, icmpOut: 129 });
    const { states, policies } = allOf([requests, replies]);
    await setNutIpsec(ctx, states, policies);
    const known = states.map((s) => s.sa);
    const t1 = talk('icmp', 1);
    let r = await forwardIn(ctx, { talk: t1, kind: 'request', from: SGW.host2Net3, send: requests.toNut, note: 'HOST2_NET3\'s Echo Request on 0x1000 (type 128)' }, known);
    if (!r.ok) return failAnswer(RFC, 'the Echo Request that came on 0x1000 (type 128) forwarded to HOST1', r);
    r = await forwardOut(ctx, { talk: t1, kind: 'reply', to: SGW.host2Net3, note: 'HOST1\'s Echo Reply (type 129)' }, replies.fromNut, known);
    if (!r.ok) return failAnswer(RFC, 'HOST1\'s Echo Reply (type 129) in the tunnel on SA 0x4000, the SA for type 129', r);
    const t2 = talk('icmp', 2);
    r = await forwardOut(ctx, { talk: t2, kind: 'request', to: SGW.host2Net3, note: 'HOST1\'s Echo Request (type 128)' }, requests.fromNut, known);
    if (!r.ok) return failAnswer(RFC, 'HOST1\'s Echo Request (type 128) in the tunnel on SA 0x2000, the SA for type 128', r);
    r = await forwardIn(ctx, { talk: t2, kind: 'reply', from: SGW.host2Net3, send: replies.toNut, note: 'HOST2_NET3\'s Echo Reply on 0x3000 (type 129)' }, known);
    if (!r.ok) return failAnswer(RFC, 'the Echo Reply that came on 0x3000 (type 129) forwarded to HOST1', r);
    return pass('each direction and ICMPv6 type took its own SA (0x1000, 0x4000, 0x2000, 0x3000)');
  },
});
