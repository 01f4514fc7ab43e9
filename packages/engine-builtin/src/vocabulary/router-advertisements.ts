// Router Advertisements from TR1 and their effect on a host: the SLAAC address an autonomous prefix gives
// the NUT shows on the wire as its DAD probe; what a case configured is removed afterwards.
import { multicastMac, normalizeIpv6, slaacAddress, type FrameSpec, type NdOptionSpec } from '@testlab/packet';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { isDadNs } from './nd-messages.js';
import { ND_TR1 } from './tester-nodes.js';

export interface RaOptions {
  prefixes: Array<{ prefix: string; prefixLength?: number; onLink?: boolean; autonomous?: boolean; valid?: number; preferred?: number }>;
  routerLifetime?: number;
  /** Extra options before the prefixes (a zero-length one, to make the RA invalid). */
  extraOptions?: NdOptionSpec[];
}

/** A Router Advertisement from TR1 to all-nodes. Router lifetime 0 by default: the NUT learns prefixes, not a default router, so later cases are not routed through TR1. */
export function raFromTr1(o: RaOptions): FrameSpec {
  return {
    eth: { src: ND_TR1.mac, dst: multicastMac('ff02::1') },
    ipv6: { src: ND_TR1.address, dst: 'ff02::1', hopLimit: 255 },
    icmpv6: {
      type: 'router-advertisement',
      routerLifetime: o.routerLifetime ?? 0,
      options: [
        ...(o.extraOptions ?? []),
        { type: 'source-lla', mac: ND_TR1.mac },
        ...o.prefixes.map((p) => ({
          type: 'prefix-info' as const,
          prefix: p.prefix,
          prefixLength: p.prefixLength ?? 64,
          onLink: p.onLink ?? true,
          autonomous: p.autonomous ?? true,
          validLifetime: p.valid ?? 600,
          preferredLifetime: p.preferred ?? 600,
        })),
      ],
    },
  };
}

/** How long a host takes from an RA to the DAD probe of its new address: random delay up to 1 s, plus what a loaded software-emulated NUT adds. */
export const AUTOCONF_DAD_WINDOW_MS = 4_000;
/** How long a NUT that wrongly uses an RA has to show it (the same random delay, less margin: the control follows). */
export const IGNORED_RA_WINDOW_MS = 2_500;

/** The address the NUT autoconfigures from a /64 prefix (EUI-64, Linux's default addr_gen_mode). */
export function nutSlaac(ctx: CaseContext, prefix: string): string {
  return normalizeIpv6(slaacAddress(prefix, ctx.nutOn().mac));
}

/** Removes what RA cases configured (the address and on-link route of `prefix`), so the next case on this NUT starts clean. */
export function cleanupPrefix(ctx: CaseContext, prefix: string): void {
  const ifname = ctx.nutOn().ifname;
  const address = nutSlaac(ctx, prefix);
  ctx.onCleanup(`forget ${prefix}/64`, async () => {
    await ctx.nutCommand(['/usr/sbin/ip', '-6', 'addr', 'flush', 'dev', ifname, 'to', `${address}/128`]).catch(() => undefined);
    await ctx.nutCommand(['/usr/sbin/ip', '-6', 'route', 'flush', 'dev', ifname, 'proto', 'ra']).catch(() => undefined);
  });
}

/** Sends an RA and reports whether the NUT started DAD for the SLAAC address of `prefix` (the RA was processed). */
export async function raConfigures(ctx: CaseContext, ra: FrameSpec, prefix: string, note: string): Promise<boolean> {
  await ctx.link().send(ra, note);
  return (await ctx.link().expect(isDadNs(nutSlaac(ctx, prefix)), AUTOCONF_DAD_WINDOW_MS)) !== undefined;
}

/** Sends an RA the NUT must ignore; returns the DAD probe for an address other than the link-local one if it came (the NUT used it). */
export async function raIgnored(ctx: CaseContext, ra: FrameSpec, note: string): Promise<ReceivedFrame | undefined> {
  await ctx.link().send(ra, note);
  return ctx.link().expectNothing(isDadNs(undefined, ctx.nutOn().linkLocal), IGNORED_RA_WINDOW_MS);
}
