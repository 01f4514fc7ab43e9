// v6LC.2.1.1 On-link Determination (RFC 4861 §5.2, RFC 4291 §2.4): the NUT resolves an on-link destination
// itself (a link-local address, or a global one an on-link prefix covers) and sends to an off-link one
// through its default router TR1. Judged as TAHI's V6LC_2_1_1_{A,C,D}.seq: by whose address the NUT's
// first Neighbor Solicitation asks for. A host learns the prefix and TR1 from TR1's RA; a router is given
// a default route through TR1.
import { normalizeIpv6 } from '@testlab/packet';
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { echoTo } from '../vocabulary/echo-to.js';
import { isNsFor } from '../vocabulary/nd-messages.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { LINK0_PREFIX } from '../vocabulary/tahi-network.js';
import { bareNode, ND_TN1, ND_TR1, type BareNode } from '../vocabulary/tester-nodes.js';
import { hostGlobalReady, LINK0_PREFIX_INFO, OFF_LINK_TN, SETUP_NODE, tr1Advertises } from '../vocabulary/tr1-router.js';
import { ANSWER_WINDOW_MS } from '../vocabulary/timing.js';
import { globalOf } from '../vocabulary/global-address.js';

const TEST = 'On-link Determination';
const RFC = 'RFC 4861 §5.2';
const TN1_GLOBAL = bareNode('TN1', ND_TN1.mac, globalOf(ND_TN1.mac));
const TN2 = OFF_LINK_TN('TN2', '00:00:00:00:02:00');

/** The NUT's global address on Link0, TR1 being its default router (RA for a host, a route for a router). */
async function withTr1AsDefaultRouter(ctx: CaseContext): Promise<string | CaseVerdict> {
  if (ctx.mode === 'router') {
    const ifname = ctx.nutOn().ifname;
    await ctx.nutCommand(['ip', '-6', 'route', 'add', 'default', 'via', ND_TR1.address, 'dev', ifname]);
    ctx.onCleanup('remove the default route through TR1', async () => void (await ctx.nutCommand(['ip', '-6', 'route', 'del', 'default', 'via', ND_TR1.address, 'dev', ifname])));
    return normalizeIpv6(`${LINK0_PREFIX}1`);
  }
  // Without SLLA, as TAHI's RA: the NUT then has no entry for TR1 and must resolve it when it needs it.
  await tr1Advertises(ctx, { routerLifetime: 1800, prefixes: [LINK0_PREFIX_INFO], slla: false }, `TR1 advertises ${LINK0_PREFIX}/64 on-link and itself as default router`);
  return hostGlobalReady(ctx);
}

/** `from` pings `nutAddress`; the NUT's first NS must ask for `expected`, the first hop the RFC gives. */
async function firstHopResolved(ctx: CaseContext, from: BareNode, nutAddress: string, expected: BareNode, why: string, viaMac?: string): Promise<CaseVerdict> {
  await echoTo(ctx, from, nutAddress, 1, `${from.name} (${from.address}) pings the NUT`, viaMac);
  // The setup node's own probes (it was used to find the host's global address) are not an answer.
  const ns = await ctx.link().expect((f) => f.icmpv6?.type === 'neighbor-solicitation' && normalizeIpv6(f.ipv6?.src ?? '::') !== '::' && !isNsFor(SETUP_NODE.address)(f), ANSWER_WINDOW_MS);
  const wanted = `a Neighbor Solicitation for ${expected.name}'s address ${expected.address} (${why})`;
  if (!ns) return fail(RFC, wanted, `${ctx.link().seenSinceSend()} (the NUT did not resolve the next hop)`);
  if (!isNsFor(expected.address)(ns.frame)) return fail(RFC, wanted, `an NS for ${ns.frame.icmpv6?.type === 'neighbor-solicitation' ? ns.frame.icmpv6.target : '?'}`);
  if (!normalizeIpv6(ns.frame.ipv6?.dst ?? '').startsWith('ff02::1:ff')) return fail('RFC 4861 §7.2.2', `${wanted}, multicast to its solicited-node address`, `an NS to ${ns.frame.ipv6?.dst}`);
  return pass(`the NUT resolved ${expected.address}: ${why}`);
}

export const cases: CaseDefinition[] = [
  {
    id: 'v6LC.2.1.1-A',
    title: `${TEST}: Part A: Link-Local Address`,
    rfc: RFC,
    appliesTo: ALL_MODES,
    run: (ctx) => firstHopResolved(ctx, ND_TN1, ctx.nutOn().linkLocal, ND_TN1, 'a link-local address is always on-link'),
  },
  {
    id: 'v6LC.2.1.1-B',
    title: `${TEST}: Part B: Global Address, On-link Prefix covers TN1`,
    rfc: RFC,
    appliesTo: ALL_MODES,
    timeoutMs: 30_000,
    run: async (ctx) => {
      const nut = await withTr1AsDefaultRouter(ctx);
      return typeof nut === 'string' ? firstHopResolved(ctx, TN1_GLOBAL, nut, TN1_GLOBAL, `${LINK0_PREFIX}/64 is on-link`) : nut;
    },
  },
  {
    id: 'v6LC.2.1.1-C',
    title: `${TEST}: Part C: Global Address, On-link Prefix does not cover TN2`,
    rfc: RFC,
    appliesTo: ALL_MODES,
    timeoutMs: 30_000,
    run: async (ctx) => {
      const nut = await withTr1AsDefaultRouter(ctx);
      return typeof nut === 'string' ? firstHopResolved(ctx, TN2, nut, ND_TR1, `${TN2.address} is off-link: the default router TR1 is the next hop`, ND_TR1.mac) : nut;
    },
  },
];
