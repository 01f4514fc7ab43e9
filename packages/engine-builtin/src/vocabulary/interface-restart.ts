// Restarting the NUT's test interface, so that it runs DAD (and, as a host, router solicitation) as at boot.
import type { CaseContext } from '../runner/context.js';

/** Restarts the NUT's interface on `linkName`: it forgets its autoconfigured addresses and runs DAD (and, as a host, router solicitation) as at boot. */
export async function restartInterface(ctx: CaseContext, linkName = 'Link0'): Promise<void> {
  const ifname = ctx.nutOn(linkName).ifname;
  await ctx.nutCommand(['/usr/sbin/ip', 'link', 'set', 'dev', ifname, 'down']);
  ctx.link(linkName).markNow();
  await ctx.nutCommand(['/usr/sbin/ip', 'link', 'set', 'dev', ifname, 'up']);
}
