// v6LC.2.1.13 Neighbor Solicitation Processing, IsRouterFlag (Host Only) (RFC 4861 §7.2.3): a
// solicitation from a router updates (at most) the link-layer address its entry holds, never its IsRouter
// flag, so TR1 stays the host's default router. Judged as TAHI's v6LC_2_1_13_{A,B,C}-v3_8_2.seq: TR1 (the
// default router, resolved) solicits the host, which must answer; then TN2 (off-link) pings the host and
// the reply must leave through TR1, at the link-layer address TR1's entry now holds.
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { echoReplyTo } from '../vocabulary/echo.js';
import { echoTo } from '../vocabulary/echo-to.js';
import { expectNaAnswer } from '../vocabulary/na-answer.js';
import { nsToNut } from '../vocabulary/nd-messages.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { LINK0_PREFIX } from '../vocabulary/tahi-network.js';
import { ND_TR1, OTHER_MAC } from '../vocabulary/tester-nodes.js';
import { hostGlobalReady, LINK0_PREFIX_INFO, OFF_LINK_TN, tr1Advertises, tr1AnswersAsRouter } from '../vocabulary/tr1-router.js';
import { ANSWER_WINDOW_MS } from '../vocabulary/timing.js';

const TEST = 'Neighbor Solicitation Processing, IsRouterFlag (Host Only)';
const RFC = 'RFC 4861 §7.2.3';
const TN2 = OFF_LINK_TN('TN2', '00:00:00:00:02:00');

async function routerStays(ctx: CaseContext, o: { unicast: boolean; slla: string | null }): Promise<CaseVerdict> {
  await tr1Advertises(ctx, { routerLifetime: 1800, slla: false, prefixes: [LINK0_PREFIX_INFO] }, `TR1 advertises ${LINK0_PREFIX}/64 and itself as default router (Common Test Setup 1.1)`);
  const nutGlobal = await hostGlobalReady(ctx);
  if (typeof nutGlobal !== 'string') return nutGlobal;
  const stop = tr1AnswersAsRouter(ctx);
  try {
    await echoTo(ctx, TN2, nutGlobal, 1, 'setup: TN2 (off-link) pings the host through TR1, which gets resolved as a router', ND_TR1.mac);
    const setup = await ctx.link().expect(echoReplyTo(TN2, 1), ANSWER_WINDOW_MS * 2);
    if (!setup || setup.frame.eth?.dst !== ND_TR1.mac) return fail('RFC 4861 §6.3.6', 'the Echo Reply to TN2 sent through the default router TR1 (setup)', ctx.link().seenSinceSend());
  } finally {
    stop();
  }
  const what = `TR1's ${o.unicast ? 'unicast' : 'multicast'} NS ${o.slla === null ? 'without SLLA' : o.slla === ND_TR1.mac ? 'with its SLLA' : `with a different SLLA ${o.slla}`}`;
  await ctx.link().send(nsToNut(ctx, ND_TR1, { unicast: o.unicast, slla: o.slla }), what);
  const lla = o.slla ?? ND_TR1.mac;
  const wrongNa = await expectNaAnswer(ctx, ND_TR1, what, { lla, multicastNs: !o.unicast });
  if (wrongNa) return wrongNa;
  await echoTo(ctx, TN2, nutGlobal, 2, 'TN2 pings the host again through TR1', ND_TR1.mac);
  const reply = await ctx.link().expect(echoReplyTo(TN2, 2), ANSWER_WINDOW_MS);
  const expected = `the Echo Reply to TN2 through TR1 (at ${lla}): ${what} must leave TR1's IsRouter flag set`;
  if (!reply) return fail(RFC, expected, `${ctx.link().seenSinceSend()} (TR1 is no longer used as a router)`);
  if (reply.frame.eth?.dst !== lla) return fail(RFC, expected, `the reply sent to ${reply.frame.eth?.dst}`);
  return pass(`after ${what} the host still sends through TR1`);
}

export const cases: CaseDefinition[] = [
  { id: 'v6LC.2.1.13-A', title: `${TEST}: Part A: Unicast Neighbor Solicitation without SLLA`, rfc: RFC, appliesTo: HOST_MODES, timeoutMs: 30_000, run: (ctx) => routerStays(ctx, { unicast: true, slla: null }) },
  { id: 'v6LC.2.1.13-B', title: `${TEST}: Part B: Unicast Neighbor Solicitation with a SLLA`, rfc: RFC, appliesTo: HOST_MODES, timeoutMs: 30_000, run: (ctx) => routerStays(ctx, { unicast: true, slla: ND_TR1.mac }) },
  { id: 'v6LC.2.1.13-C', title: `${TEST}: Part C: Multicast Neighbor Solicitation with a different SLLA`, rfc: RFC, appliesTo: HOST_MODES, timeoutMs: 30_000, run: (ctx) => routerStays(ctx, { unicast: false, slla: OTHER_MAC }) },
];
