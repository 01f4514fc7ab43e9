// TR1 played by hand for the Section 2.1 host cases that need a real default router: its Router
// Advertisements (with or without SLLA, prefixes, timers), its answers to the NUT's solicitations as a
// router (R = 1: the tester's simulated nodes answer with R = 0, which would take TR1 off the Default Router
// List, RFC 4861 §7.2.5), a global address for the host from the Link0 prefix, and the cleanup of all of it.
import { multicastMac, normalizeIpv6, slaacAddress, type FrameSpec } from '@testlab/packet';
import { fail, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { echoReplyTo } from './echo.js';
import { echoTo } from './echo-to.js';
import { isNsFor, naFrom } from './nd-messages.js';
import { RETRANS_TIMER_MS, REACHABLE_TIME_MS } from './nd-constants.js';
import { LINK0_PREFIX } from './tahi-network.js';
import { bareNode, ND_TR1, type BareNode } from './tester-nodes.js';
import { sleep } from './timing.js';

export interface Tr1Prefix {
  prefix: string;
  onLink: boolean;
  autonomous: boolean;
  valid: number;
  preferred: number;
}

export interface Tr1Ra {
  routerLifetime: number;
  prefixes?: Tr1Prefix[];
  /** Left out when false (TAHI's "RA without SLL": the host must then resolve TR1 itself). */
  slla?: boolean;
  /** ms; 0 (unspecified) unless a case sets it. */
  retransTimer?: number;
  reachableTime?: number;
}

export function raFromTr1By(ctx: CaseContext, ra: Tr1Ra): FrameSpec {
  return {
    eth: { src: ND_TR1.mac, dst: multicastMac('ff02::1') },
    ipv6: { src: ND_TR1.address, dst: 'ff02::1', hopLimit: 255 },
    icmpv6: {
      type: 'router-advertisement',
      curHopLimit: 64,
      routerLifetime: ra.routerLifetime,
      reachableTime: ra.reachableTime ?? 0,
      retransTimer: ra.retransTimer ?? 0,
      options: [
        ...(ra.slla === false ? [] : [{ type: 'source-lla' as const, mac: ND_TR1.mac }]),
        ...(ra.prefixes ?? []).map((p) => ({ type: 'prefix-info' as const, prefix: p.prefix, prefixLength: 64, onLink: p.onLink, autonomous: p.autonomous, validLifetime: p.valid, preferredLifetime: p.preferred })),
      ],
    },
  };
}

/**
 * Sends TR1's RA and registers the cleanup of what it can leave on the host: routes learned from RAs, the
 * autoconfigured Link0 address, and the RetransTimer and BaseReachableTime an RA may have set (put back to
 * the defaults, 1 s and 30 s), so the next case on this NUT starts as after boot.
 */
export async function tr1Advertises(ctx: CaseContext, ra: Tr1Ra, note: string): Promise<void> {
  const ifname = ctx.nutOn().ifname;
  const address = normalizeIpv6(slaacAddress(LINK0_PREFIX, ctx.nutOn().mac));
  ctx.onCleanup(`forget what TR1 advertised (routes, ${address}, timers)`, async () => {
    await ctx.nutCommand(['/usr/sbin/ip', '-6', 'route', 'flush', 'dev', ifname, 'proto', 'ra']).catch(() => undefined);
    // Linux files an advertised prefix's on-link route as `proto kernel`: each is removed by name.
    for (const p of ra.prefixes ?? []) await ctx.nutCommand(['/usr/sbin/ip', '-6', 'route', 'del', `${p.prefix}/64`, 'dev', ifname]).catch(() => undefined);
    await ctx.nutCommand(['/usr/sbin/ip', '-6', 'addr', 'flush', 'dev', ifname, 'to', `${address}/128`]).catch(() => undefined);
    await ctx.nutCommand(['sysctl', '-w', `net.ipv6.neigh.${ifname}.retrans_time_ms=${RETRANS_TIMER_MS}`]).catch(() => undefined);
    await ctx.nutCommand(['sysctl', '-w', `net.ipv6.neigh.${ifname}.base_reachable_time_ms=${REACHABLE_TIME_MS}`]).catch(() => undefined);
  });
  await ctx.link().send(raFromTr1By(ctx, ra), note);
}

/** TR1 answers the NUT's solicitations for its link-local address as a router (R = S = O = 1, TLLA) until stopped. */
export function tr1AnswersAsRouter(ctx: CaseContext): () => void {
  return ctx.link().onReceive((r) => {
    const f = r.frame;
    if (!isNsFor(ND_TR1.address)(f) || !f.ipv6) return;
    void ctx.link().answer(naFrom(ctx, ND_TR1, { solicited: true, override: true, router: true, dst: normalizeIpv6(f.ipv6.src) }), 'TR1 answers the NUT as a router');
  });
}

/** A node on Link0 that only helps set up (it is never the subject): its global address answers the NUT by itself. */
export const SETUP_NODE = bareNode('TN3', '00:00:00:00:51:21', normalizeIpv6(slaacAddress(LINK0_PREFIX, '00:00:00:00:51:21')));

/** SETUP_NODE answers the NUT's solicitations for its global address until stopped. */
export function setupNodeAnswers(ctx: CaseContext): () => void {
  return ctx.link().onReceive((r) => {
    if (!isNsFor(SETUP_NODE.address)(r.frame) || !r.frame.ipv6) return;
    void ctx.link().answer(naFrom(ctx, SETUP_NODE, { solicited: true, override: true, dst: normalizeIpv6(r.frame.ipv6.src) }), 'TN3 (setup) answers');
  });
}

/** How long a host takes to autoconfigure (random delay up to 1 s, DAD, a loaded emulated NUT). */
const AUTOCONF_WAIT_MS = 10_000;

/**
 * Waits until the host answers at its Link0 global address (SETUP_NODE pings it, answering the NUT's
 * solicitations for itself); returns that address, or the FAIL of a host that did not configure it from
 * TR1's RA (RFC 4862 §5.5.3) and so cannot be put where the case starts.
 */
export async function hostGlobalReady(ctx: CaseContext): Promise<string | CaseVerdict> {
  const nut = normalizeIpv6(slaacAddress(LINK0_PREFIX, ctx.nutOn().mac));
  const stop = setupNodeAnswers(ctx);
  try {
    const deadline = Date.now() + AUTOCONF_WAIT_MS;
    for (let seq = 900; Date.now() < deadline; seq++) {
      await echoTo(ctx, SETUP_NODE, nut, seq, 'setup: does the NUT answer at its global address yet?');
      if (await ctx.link().expect(echoReplyTo(SETUP_NODE, seq), 700)) return nut;
      await sleep(300);
    }
  } finally {
    stop();
  }
  return fail('RFC 4862 §5.5.3', `the host to answer at ${nut}, configured from TR1's Router Advertisement (setup)`, `no answer within ${AUTOCONF_WAIT_MS} ms`);
}

/** The Link0 prefix as TAHI's common setup advertises it: on-link, autonomous, long lifetimes. */
export const LINK0_PREFIX_INFO: Tr1Prefix = { prefix: LINK0_PREFIX, onLink: true, autonomous: true, valid: 600, preferred: 600 };

/** A tester node with an address of its own on another network (TAHI's TN2 / off-link TN1), reached through TR1. */
export const OFF_LINK_TN = (name: string, mac: string): BareNode => bareNode(name, mac, '3ffe:501:ffff:109::1:2');
