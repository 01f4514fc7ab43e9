// IPsec.5.1.2 Select SPD (ICMP Type) (p2_HTR_E_SelectSPD_ICMP_Type.seq, the active-node branch): four SAs
// between HOST1 and the NUT, chosen by ICMPv6 type alone (RFC 4301 §4.4.1.1: ICMP type and code are
// selectors). Echo Requests to the NUT come on 0x1000 and its Echo Replies must leave on 0x4000; the
// NUT's own Echo Request must leave on 0x2000, and HOST1's Echo Reply comes back on 0x3000.
import { hex32 } from '@testlab/ipsec';
import { fail, pass } from '../runner/case.js';
import { DES3_SHA1_2 } from '../vocabulary/ipsec-algorithms.js';
import { failAnswer, ipsecCases } from '../vocabulary/ipsec-case.js';
import { ANSWER_MS, echoNut, hostTransport, nutNet0, routerOnLink } from '../vocabulary/ipsec-end-node.js';
import { setNutIpsec } from '../vocabulary/ipsec-nut.js';
import { allOf } from '../vocabulary/ipsec-pairs.js';
import { END, END_NODE_ROUTER } from '../vocabulary/ipsec-topology.js';
import { talk } from '../vocabulary/ipsec-traffic.js';
import { between, espProblem, fromNut, isEsp, outgoingBytes, seenFromNut, sendToNut } from '../vocabulary/ipsec-wire.js';

const RFC = 'RFC 4301 §4.4.1.1';

export const cases = ipsecCases({
  n: '5.1.2',
  title: 'Select SPD (ICMP Type), ESP=3DES-CBC HMAC-SHA1',
  rfc: RFC,
  mode: 'ipsec-end-node',
  requires: ['ICMP_TYPE_CODE_SELECTOR_SUPPORT'],
  only: 'icmp',
  timeoutMs: 40_000,
  async run(ctx) {
    const requests = hostTransport(ctx, { icmpIn: 128, icmpOut: 128 });
    const replies = hostTransport(ctx, { spiIn: 0x3000, spiOut: 0x4000, reqid: 200, algorithms: DES3_SHA1_2, icmpIn: 129, icmpOut: 129 });
    const { states, policies } = allOf([requests, replies]);
    await setNutIpsec(ctx, states, policies);
    const known = states.map((s) => s.sa);
    const t = talk('icmp', 1);
    const r = await echoNut(ctx, { talk: t, host: END.host1Net1, send: requests.toNut, note: 'HOST1 pings on 0x1000 (ICMPv6 type 128)' }, replies.fromNut, known);
    if (!r.ok) return failAnswer(RFC, 'the Echo Reply (type 129) in ESP on SA 0x4000, the SA for type 129', r);

    // The NUT pings HOST1 (TAHI's ping6.rmt): its Echo Request must leave on 0x2000.
    routerOnLink(ctx);
    const nut = nutNet0(ctx);
    ctx.link('Link0').markNow();
    const ping = ctx.nutCommand(['ping', '-6', '-c', '1', '-W', '5', END.host1Net1]).then(
      () => ctx.log('the NUT\'s ping got its answer'),
      (e: Error) => ctx.log(`the NUT's ping: ${e.message}`),
    );
    const mine = fromNut(ctx, 'Link0');
    const req = await ctx.link('Link0').expect((f) => mine(f) && (isEsp(f) ? between(f, nut, END.host1Net1) : f.icmpv6?.type === 'echo-request'), ANSWER_MS + 2_000);
    if (!req) {
      await ping;
      return fail(RFC, 'the NUT\'s Echo Request to HOST1 in ESP on SA 0x2000, the SA for type 128', seenFromNut(ctx, 'Link0', known));
    }
    const v = requests.fromNut.receiveFrame(req.bytes);
    const m = v.inner?.icmpv6;
    const problem = isEsp(req.frame) ? espProblem(v, requests.fromNut.sa, () => m?.type === 'echo-request', 'an Echo Request') : 'an Echo Request in the clear, though the SPD says to protect it';
    if (problem || m?.type !== 'echo-request') {
      await ping;
      return fail(RFC, 'the NUT\'s Echo Request to HOST1 in ESP on SA 0x2000, the SA for type 128', problem ?? 'something else');
    }
    const answer = outgoingBytes({ src: END.host1Net1, dst: nut, upper: { icmpv6: { type: 'echo-reply', id: m.id, seq: m.seq, data: m.data } }, sa: replies.toNut });
    await sendToNut(ctx, 'Link0', END_NODE_ROUTER.mac, answer, `HOST1 answers on ${hex32(replies.toNut.spi)} (type 129)`);
    await ping;
    return pass('Echo Reply on 0x4000 (type 129); the NUT\'s own Echo Request on 0x2000 (type 128)');
  },
});
