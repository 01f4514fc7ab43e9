// What the Section 2 and 3 cases share: TN1 as a bare address (no automatic answers, so a case decides
// how the NUT's solicitations are answered), ND message builders, the NUT's address resolution and DAD as
// seen on the wire, and Router Advertisements from TR1 whose effect shows as the NUT's DAD for a SLAAC address.
import { multicastMac, normalizeIpv6, slaacAddress, solicitedNodeMulticast, type DecodedFrame, type FrameSpec, type NdOptionSpec } from '@testlab/packet';
import { linkLocalFromMac } from '@testlab/packet';
import { fail, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { ANSWER_WINDOW_MS, isEchoReply, pattern, sleep } from './common.js';

/** A tester node the case drives by hand: its NS/NA answers are the subject of the test. */
export interface BareNode {
  name: string;
  mac: string;
  address: string;
}

export function bareNode(name: string, mac: string, address?: string): BareNode {
  return { name, mac, address: normalizeIpv6(address ?? linkLocalFromMac(mac)) };
}

/** TN1 of the ND cases, and the other link-layer address it claims in "different SLLA/TLLA" parts. */
export const ND_TN1 = bareNode('TN1', '00:00:00:00:01:00');
export const OTHER_MAC = '00:00:00:00:01:99';

/** RFC 4861 §10 RetransTimer and MAX_MULTICAST_SOLICIT: a NUT gives up resolving after about 3 s. */
export const RETRANS_TIMER_MS = 1_000;

export const isNsFor = (target: string) => (f: DecodedFrame): boolean =>
  f.icmpv6?.type === 'neighbor-solicitation' && normalizeIpv6(f.icmpv6.target) === normalizeIpv6(target);

export const isNaFor = (target: string) => (f: DecodedFrame): boolean =>
  f.icmpv6?.type === 'neighbor-advertisement' && normalizeIpv6(f.icmpv6.target) === normalizeIpv6(target);

/** A DAD probe (RFC 4862 §5.4.2): NS from the unspecified address for `target`, or for any target but `except`. */
export const isDadNs = (target?: string, except?: string) => (f: DecodedFrame): boolean =>
  f.icmpv6?.type === 'neighbor-solicitation' &&
  f.ipv6?.src !== undefined &&
  normalizeIpv6(f.ipv6.src) === '::' &&
  (target === undefined || normalizeIpv6(f.icmpv6.target) === normalizeIpv6(target)) &&
  (except === undefined || normalizeIpv6(f.icmpv6.target) !== normalizeIpv6(except));

export const isRa = (f: DecodedFrame): boolean => f.icmpv6?.type === 'router-advertisement';

/** An Echo Request from a bare node to the NUT's link-local address. */
export function echoFrom(ctx: CaseContext, tn: BareNode, seq: number, note?: string): Promise<Uint8Array> {
  const nut = ctx.nutOn();
  return ctx.link().send(
    { eth: { src: tn.mac, dst: nut.mac }, ipv6: { src: tn.address, dst: nut.linkLocal }, icmpv6: { type: 'echo-request', id: 0x2100, seq, data: pattern(16) } },
    note ?? `${tn.name} pings the NUT`,
  );
}

export const echoReplyTo = (tn: BareNode, seq: number) => (f: DecodedFrame): boolean => isEchoReply(f, tn.address, 0x2100, seq);

/** A Neighbor Advertisement from `tn` for its own address, to the NUT's link-local address unless `dst` says otherwise. */
export function naFrom(ctx: CaseContext, tn: BareNode, o: { solicited: boolean; override: boolean; router?: boolean; tlla?: string | null; dst?: string }): FrameSpec {
  const nut = ctx.nutOn();
  const dst = o.dst ?? nut.linkLocal;
  const tlla = o.tlla === undefined ? tn.mac : o.tlla;
  return {
    eth: { src: tn.mac, dst: dst.startsWith('ff') ? multicastMac(dst) : nut.mac },
    ipv6: { src: tn.address, dst, hopLimit: 255 },
    icmpv6: {
      type: 'neighbor-advertisement',
      target: tn.address,
      solicited: o.solicited,
      override: o.override,
      router: o.router ?? false,
      options: tlla === null ? [] : [{ type: 'target-lla', mac: tlla }],
    },
  };
}

/** A Neighbor Solicitation from `tn` for the NUT's link-local address: multicast to its solicited-node group unless `unicast`. */
export function nsToNut(ctx: CaseContext, tn: BareNode, o: { unicast?: boolean; slla?: string | null } = {}): FrameSpec {
  const nut = ctx.nutOn();
  const dst = o.unicast ? nut.linkLocal : solicitedNodeMulticast(nut.linkLocal);
  const slla = o.slla === undefined ? tn.mac : o.slla;
  return {
    eth: { src: tn.mac, dst: o.unicast ? nut.mac : multicastMac(dst) },
    ipv6: { src: tn.address, dst, hopLimit: 255 },
    icmpv6: { type: 'neighbor-solicitation', target: nut.linkLocal, options: slla === null ? [] : [{ type: 'source-lla', mac: slla }] },
  };
}

/**
 * Makes the NUT resolve `tn`: `tn` pings it, and the NUT, having no entry for `tn`, must send a Neighbor
 * Solicitation for it (RFC 4861 §7.2.2). Returns the NS, or the FAIL when none comes.
 */
export async function provokeResolution(ctx: CaseContext, tn: BareNode, seq: number): Promise<ReceivedFrame | CaseVerdict> {
  await echoFrom(ctx, tn, seq, `${tn.name} pings the NUT, which has no neighbor entry for it`);
  const ns = await ctx.link().expect(isNsFor(tn.address), ANSWER_WINDOW_MS);
  if (!ns) return fail('RFC 4861 §7.2.2', `a Neighbor Solicitation for ${tn.name} (${tn.address}) to send the Echo Reply`, ctx.link().seenSinceSend());
  return ns;
}

export function isVerdict(x: ReceivedFrame | CaseVerdict): x is CaseVerdict {
  return 'verdict' in x;
}

/** Restarts the NUT's interface on `linkName`: it forgets its autoconfigured addresses and runs DAD (and, as a host, router solicitation) as at boot. */
export async function restartInterface(ctx: CaseContext, linkName = 'Link0'): Promise<void> {
  const ifname = ctx.nutOn(linkName).ifname;
  await ctx.nutCommand(['/usr/sbin/ip', 'link', 'set', 'dev', ifname, 'down']);
  ctx.link(linkName).markNow();
  await ctx.nutCommand(['/usr/sbin/ip', 'link', 'set', 'dev', ifname, 'up']);
}

/** After a restart: the DAD probe for the NUT's link-local address (random delay up to 1 s, RFC 4862 §5.4.2). */
export async function catchLinkLocalDad(ctx: CaseContext): Promise<ReceivedFrame | CaseVerdict> {
  const nut = ctx.nutOn();
  const dad = await ctx.link().expect(isDadNs(nut.linkLocal), 4_000);
  if (!dad) return fail('RFC 4862 §5.4.2', `a DAD Neighbor Solicitation from :: for ${nut.linkLocal} after the interface came up`, ctx.link().seenSinceSend());
  return dad;
}

/** True when the NUT answers an Echo Request to its link-local address from a node it can resolve (`tn` answers NS for itself). */
export async function linkLocalInUse(ctx: CaseContext, tn: BareNode, seq: number): Promise<boolean> {
  const stop = answerSolicitations(ctx, tn);
  try {
    await echoFrom(ctx, tn, seq, `${tn.name} pings the link-local address: answered only if the NUT kept it`);
    return (await ctx.link().expect(echoReplyTo(tn, seq), ANSWER_WINDOW_MS)) !== undefined;
  } finally {
    stop();
  }
}

/** Lets `tn` answer the NUT's Neighbor Solicitations for its address until the returned function is called. */
export function answerSolicitations(ctx: CaseContext, tn: BareNode): () => void {
  return ctx.link().onReceive((r) => {
    const f = r.frame;
    if (!isNsFor(tn.address)(f) || !f.ipv6 || !f.eth) return;
    void ctx.link().answer(naFrom(ctx, tn, { solicited: true, override: true, dst: normalizeIpv6(f.ipv6.src) }), `${tn.name} answers the NUT's solicitation`);
  });
}

/** TR1, the router the tester plays for RA cases. */
export const ND_TR1 = bareNode('TR1', '00:00:00:00:a0:a0');

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

export { sleep };
