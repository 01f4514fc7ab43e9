// v6LC.2.2.19 Router Advertisement Processing, On-link determination (RFC 4861 §6.3.4, §5.2): a prefix
// with the L bit makes every address in it on-link, whatever its length (here TN2's own /96, too long for
// an address of the host's). The host resolves TN2 and replies to it directly, not through TR1, its
// default router. Linux: net/ipv6/addrconf.c addrconf_prefix_rcv adds the on-link route.
import { normalizeIpv6 } from '@testlab/packet';
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { isNsFor, naFrom } from '../vocabulary/nd-messages.js';
import { advertiseToHost, forgetRoutersAfterwards, hostGlobal, isVerdict, offLinkEcho, raFrom, replyNextHop, TN2_OFFLINK, TR1 } from '../vocabulary/host-routers.js';
import { LINK0_PREFIX } from '../vocabulary/tahi-network.js';
import { bareNode } from '../vocabulary/tester-nodes.js';
import { ANSWER_WINDOW_MS } from '../vocabulary/timing.js';

const RFC = 'RFC 4861 §6.3.4';
const TN2 = bareNode('TN2', '00:00:00:00:02:00', TN2_OFFLINK);
/** TN2's address with its last 32 bits cleared: the /96 TR1 advertises as on-link. */
const TN2_96 = normalizeIpv6(TN2_OFFLINK.split(':').slice(0, 6).join(':') + '::');

export const cases: CaseDefinition[] = [
  {
    id: 'v6LC.2.2.19',
    title: 'Router Advertisement Processing, On-link determination (Hosts Only)',
    rfc: RFC,
    appliesTo: HOST_MODES,
    timeoutMs: 30_000,
    async run(ctx) {
      await forgetRoutersAfterwards(ctx);
      // The host needs a global address for TN2 to reach; TR1's RA gives it Link0's prefix too.
      const failed = await advertiseToHost(ctx, [{ frame: raFrom(ctx, TR1, { prefixes: [{ prefix: LINK0_PREFIX, length: 64 }, { prefix: TN2_96, length: 96 }] }), note: `TR1 advertises itself, Link0's prefix and ${TN2_96}/96 on-link` }]);
      if (failed) return failed;
      await offLinkEcho(ctx, TR1.mac, 1, TN2.address, 'TN2 (on-link by the /96) pings the host; the frame comes through TR1');
      const ns = await ctx.link().expect(isNsFor(TN2.address), ANSWER_WINDOW_MS);
      if (!ns) return fail(RFC, `a Neighbor Solicitation for ${TN2.address}, on-link by the advertised /96`, ctx.link().seenSinceSend((f) => f.ipv6?.src !== undefined && normalizeIpv6(f.ipv6.src) === hostGlobal(ctx)));
      await ctx.link().send(naFrom(ctx, TN2, { solicited: true, override: true, dst: normalizeIpv6(ns.frame.ipv6!.src) }), 'TN2 answers');
      const r = await replyNextHop(ctx, 1, TN2.mac, 'on-link by the advertised prefix', RFC, TN2.address);
      return isVerdict(r) ? r : pass('the host resolved TN2, on-link by the /96 prefix, and replied to it directly');
    },
  },
];
