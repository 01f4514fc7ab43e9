// v6LC.2.2.17 Router Advertisement Processing, IsRouter flag (RFC 4861 §6.3.4): TR1 is first a plain
// neighbor (its NA has R clear); its RA makes it a router, IsRouter TRUE, and the host's default router,
// reached at the address the RA's SLLA gives (Part C: a different one) or the one cached (A, B). Seen as the
// next hop of the host's reply to off-link TN2. Linux: net/ipv6/ndisc.c ndisc_router_discovery
// (NEIGH_UPDATE_F_ISROUTER).
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { echoFrom, echoReplyTo } from '../vocabulary/echo.js';
import { isNsFor, naFrom } from '../vocabulary/nd-messages.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { advertiseToHost, forgetRoutersAfterwards, isVerdict, offLinkEcho, raFrom, replyNextHop, TR1, TRY_MAC } from '../vocabulary/host-routers.js';
import { ANSWER_WINDOW_MS } from '../vocabulary/timing.js';

const RFC = 'RFC 4861 §6.3.4';
const TEST = 'Router Advertisement Processing, IsRouter flag (Hosts Only)';

async function isRouter(ctx: CaseContext, slla: 'none' | 'same' | 'different'): Promise<CaseVerdict> {
  await forgetRoutersAfterwards(ctx);
  await echoFrom(ctx, TR1, 1, 'TR1 pings the host');
  const ns = await ctx.link().expect(isNsFor(TR1.address), ANSWER_WINDOW_MS);
  if (!ns) return fail('RFC 4861 §7.2.2', 'a Neighbor Solicitation for TR1 (setup)', ctx.link().seenSinceSend());
  await ctx.link().send(naFrom(ctx, TR1, { solicited: true, override: true, router: false }), 'TR1 answers as a plain node (R clear)');
  if (!(await ctx.link().expect(echoReplyTo(TR1, 1), ANSWER_WINDOW_MS))) return fail('RFC 4861 §7.2.5', 'the Echo Reply to TR1 (setup)', ctx.link().seenSinceSend());
  const mac = slla === 'different' ? TRY_MAC : TR1.mac;
  const ra = raFrom(ctx, TR1, { slla: slla === 'none' ? null : mac, ethSrc: mac });
  const failed = await advertiseToHost(ctx, [{ frame: ra, note: `TR1 advertises itself as a router, ${slla === 'none' ? 'without SLLA' : `SLLA ${mac}`}` }]);
  if (failed) return failed;
  await offLinkEcho(ctx, mac, 2);
  const r = await replyNextHop(ctx, 2, mac, `TR1, now a router${slla === 'different' ? ', at the address its RA gave' : ''}`, RFC);
  return isVerdict(r) ? r : pass(`after its RA TR1 is the host's router: the reply to off-link TN2 went to ${mac}`);
}

export const cases: CaseDefinition[] = [
  { id: 'v6LC.2.2.17-A', title: `${TEST}: Part A: RA without Source Link-layer option`, rfc: RFC, appliesTo: HOST_MODES, timeoutMs: 30_000, run: (ctx) => isRouter(ctx, 'none') },
  { id: 'v6LC.2.2.17-B', title: `${TEST}: Part B: RA with same Source Link-layer option as cached`, rfc: RFC, appliesTo: HOST_MODES, timeoutMs: 30_000, run: (ctx) => isRouter(ctx, 'same') },
  { id: 'v6LC.2.2.17-C', title: `${TEST}: Part C: RA with different Source Link-layer option as cached`, rfc: RFC, appliesTo: HOST_MODES, timeoutMs: 30_000, run: (ctx) => isRouter(ctx, 'different') },
];
