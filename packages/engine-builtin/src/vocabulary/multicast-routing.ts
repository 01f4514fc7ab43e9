// Multicast forwarding on a router NUT (TAHI's MULTICAST_ROUTING advanced functionality, pim6dd.rmt): the
// tests that need it (v6LC.1.1.10-H..K, v6LC.5.1.4-B) are skipped by TAHI on a NUT without it; here they are
// NA, with the reason naming what the NUT lacks.
import type { CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';

/** NA when the NUT cannot forward multicast: no IPv6 multicast routing in its kernel, or no routing daemon. */
export async function withoutMulticastRouting(ctx: CaseContext): Promise<CaseVerdict> {
  const kernel = await ctx.nutExec(['cat', '/proc/net/ip6_mr_vif']);
  if (kernel.code !== 0) return { verdict: 'NA', reason: 'needs multicast routing on the NUT (TAHI: MULTICAST_ROUTING, else skipped): its kernel has no IPv6 multicast routing (CONFIG_IPV6_MROUTE, /proc/net/ip6_mr_vif)' };
  const daemon = await ctx.nutExec(['which', 'smcroutectl']);
  if (daemon.code !== 0) return { verdict: 'NA', reason: 'needs multicast routing on the NUT (TAHI: MULTICAST_ROUTING, else skipped): its image has no multicast routing daemon (smcroute)' };
  return { verdict: 'NA', reason: 'the NUT has IPv6 multicast routing, but the lab does not yet configure it for this test (TAHI starts pim6dd)' };
}
