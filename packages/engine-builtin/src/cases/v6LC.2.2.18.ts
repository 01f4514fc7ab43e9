// v6LC.2.2.18 Next-hop Determination (RFC 4861 §5.2): a host sends a packet for an off-link destination to
// its default router; TR1's RA carries its SLLA, so the host has TR1's link-layer address without
// resolving it and TR1 never answers a solicitation here. Linux: net/ipv6/route.c (rt6_select) and
// net/ipv6/ndisc.c ndisc_router_discovery.
import { pass, type CaseDefinition } from '../runner/case.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { advertiseToHost, forgetRoutersAfterwards, isVerdict, offLinkEcho, raFrom, replyNextHop, TR1 } from '../vocabulary/host-routers.js';

const RFC = 'RFC 4861 §5.2';

export const cases: CaseDefinition[] = [
  {
    id: 'v6LC.2.2.18',
    title: 'Next-hop Determination (Hosts Only)',
    rfc: RFC,
    appliesTo: HOST_MODES,
    timeoutMs: 30_000,
    async run(ctx) {
      await forgetRoutersAfterwards(ctx);
      const failed = await advertiseToHost(ctx, [{ frame: raFrom(ctx, TR1), note: 'TR1 advertises itself (with its SLLA) and Link0\'s prefix' }]);
      if (failed) return failed;
      await offLinkEcho(ctx, TR1.mac, 1);
      const r = await replyNextHop(ctx, 1, TR1.mac, 'the default router for an off-link destination', RFC);
      return isVerdict(r) ? r : pass('the reply to off-link TN2 went to TR1, the default router, at the address its RA gave');
    },
  },
];
