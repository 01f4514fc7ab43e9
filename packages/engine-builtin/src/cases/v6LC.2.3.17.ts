// v6LC.2.3.17 Redirect - Receive (RFC 4861 §8.2): a router does not act on Redirects. The router reaches
// prefix X through TR1; TR1 redirects traffic for TN2 (in prefix X) to TR2; TN4's packet to TN2, forwarded
// by the router from Link1, must still go to TR1. A router that forwards nothing fails too.
import { normalizeIpv6 } from '@testlab/packet';
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { isEchoReply } from '../vocabulary/echo.js';
import { globalOf } from '../vocabulary/global-address.js';
import { ROUTER_MODES } from '../vocabulary/nut-modes.js';
import { pattern } from '../vocabulary/payload.js';
import { TR2 } from '../vocabulary/redirect-network.js';
import { LINK0_PREFIX, LINK1_PREFIX, OFF_LINK_PREFIX } from '../vocabulary/tahi-network.js';
import { tnWithMac, TR1 } from '../vocabulary/tester-nodes.js';
import { ANSWER_WINDOW_MS } from '../vocabulary/timing.js';

const RFC = 'RFC 4861 §8.2';
const ECHO_ID = 0x2317;

export const cases: CaseDefinition[] = [
  {
    id: 'v6LC.2.3.17',
    title: 'Redirect - Receive (Routers Only)',
    rfc: RFC,
    appliesTo: ROUTER_MODES,
    async run(ctx) {
      if (!ctx.hasLink('Link1')) throw new Error('a router case needs the NUT on Link0 and Link1');
      const link0 = ctx.nutOn();
      const tr1 = ctx.node(TR1);
      const tr2 = ctx.node({ ...TR2, isRouter: true });
      // Setup i: a static route to TN2's prefix through TR1.
      await ctx.nutCommand(['/usr/sbin/ip', '-6', 'route', 'replace', `${OFF_LINK_PREFIX}/64`, 'via', tr1.address, 'dev', link0.ifname]);
      ctx.onCleanup(`remove the route to ${OFF_LINK_PREFIX}/64`, async () => void (await ctx.nutCommand(['/usr/sbin/ip', '-6', 'route', 'del', `${OFF_LINK_PREFIX}/64`, 'via', tr1.address, 'dev', link0.ifname])));
      const tn2 = globalOf(tnWithMac('TN2', 0x2317).mac, OFF_LINK_PREFIX);
      const nut = normalizeIpv6(`${LINK0_PREFIX}1`);
      await ctx.link().send({ eth: { src: tr1.mac, dst: link0.mac }, ipv6: { src: tn2, dst: nut, hopLimit: 63 }, icmpv6: { type: 'echo-request', id: ECHO_ID, seq: 1, data: pattern(8) } }, 'TR1 forwards an Echo Request from TN2 to the router');
      const reply = await ctx.link().expect((f) => isEchoReply(f, tn2, ECHO_ID, 1), ANSWER_WINDOW_MS);
      if (!reply || reply.frame.eth?.dst !== tr1.mac) return fail(RFC, 'the Echo Reply to TN2 sent through TR1 (setup: the static route)', reply ? `it went to ${reply.frame.eth?.dst}` : ctx.link().seenSinceSend());
      await ctx.link().send(
        { eth: { src: tr1.mac, dst: link0.mac }, ipv6: { src: tr1.address, dst: nut, hopLimit: 255 }, icmpv6: { type: 'redirect', target: tr2.address, destination: tn2, options: [{ type: 'target-lla', mac: tr2.mac }] } },
        'TR1 redirects traffic for TN2 to TR2',
      );
      const spec = tnWithMac('TN4', 0x2374);
      const tn4 = ctx.node({ ...spec, address: globalOf(spec.mac, LINK1_PREFIX) }, 'Link1');
      await ctx.link('Link1').send({ eth: { src: tn4.mac, dst: ctx.nutOn('Link1').mac }, ipv6: { src: tn4.address, dst: tn2 }, icmpv6: { type: 'echo-request', id: ECHO_ID, seq: 2, data: pattern(8) } }, 'TN4 on Link1 pings TN2 through the router');
      const out = await ctx.link('Link0').expect((f) => f.icmpv6?.type === 'echo-request' && normalizeIpv6(f.ipv6!.dst) === tn2 && f.icmpv6.seq === 2, ANSWER_WINDOW_MS);
      const expected = "TN4's Echo Request forwarded to TN2 through TR1, the route's next hop";
      if (!out) return fail(RFC, expected, `${ctx.link('Link0').seenSinceSend()}: the router did not forward it`);
      if (out.frame.eth?.dst === tr2.mac) return fail(RFC, expected, `it went to TR2 (${tr2.mac}): the router followed TR1's Redirect`);
      if (out.frame.eth?.dst !== tr1.mac) return fail(RFC, expected, `it went to ${out.frame.eth?.dst}`);
      return pass("the router ignored TR1's Redirect and forwarded TN4's packet to TR1");
    },
  },
];
