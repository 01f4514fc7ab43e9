// v6LC.2.1.21 Neighbor Advertisement Processing, R-bit Change (Hosts Only) (RFC 4861 §7.2.5): when a
// router's NA arrives with the Router flag clear, the host sets IsRouter false and MUST remove it from the
// Default Router List. Judged as TAHI's V6LC_2_1_21_{A..H}.seq: TR1 is resolved as the default router (an
// off-link ping answered through it), sends an NA with R = 0, and the next off-link ping must get neither an
// Echo Reply through TR1 nor a multicast solicitation for TR1 (ndSendNaReachable2ReachableFalse).
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { echoReplyTo } from '../vocabulary/echo.js';
import { echoTo } from '../vocabulary/echo-to.js';
import { isNsFor, naFrom } from '../vocabulary/nd-messages.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { LINK0_PREFIX } from '../vocabulary/tahi-network.js';
import { ND_TR1 } from '../vocabulary/tester-nodes.js';
import { hostGlobalReady, LINK0_PREFIX_INFO, OFF_LINK_TN, SETUP_NODE, setupNodeAnswers, tr1Advertises, tr1AnswersAsRouter } from '../vocabulary/tr1-router.js';
import { ANSWER_WINDOW_MS } from '../vocabulary/timing.js';

const TEST = 'Neighbor Advertisement Processing, R-bit Change (Hosts Only)';
const RFC = 'RFC 4861 §7.2.5';
const TN1_OFF_LINK = OFF_LINK_TN('TN1', '00:00:00:00:01:00');

async function routerDropped(ctx: CaseContext, o: { s: boolean; o: boolean; tlla: boolean }): Promise<CaseVerdict> {
  // TAHI's RA: router lifetime 20 s (60 here, for the slower autoconfiguration of an emulated NUT), no SLLA.
  await tr1Advertises(ctx, { routerLifetime: 60, slla: false, prefixes: [LINK0_PREFIX_INFO] }, `TR1 advertises ${LINK0_PREFIX}/64 and itself as default router, without SLLA`);
  const nutGlobal = await hostGlobalReady(ctx);
  if (typeof nutGlobal !== 'string') return nutGlobal;
  const stop = tr1AnswersAsRouter(ctx);
  try {
    await echoTo(ctx, TN1_OFF_LINK, nutGlobal, 1, 'TN1 (off-link) pings the host through TR1', ND_TR1.mac);
    const reply = await ctx.link().expect(echoReplyTo(TN1_OFF_LINK, 1), ANSWER_WINDOW_MS * 2);
    if (!reply || reply.frame.eth?.dst !== ND_TR1.mac) return fail('RFC 4861 §6.3.6', 'an Echo Reply to TN1 through the default router TR1, once TR1 answered as a router', ctx.link().seenSinceSend());
  } finally {
    stop();
  }
  const what = `TR1's NA with R = 0, S = ${Number(o.s)}, O = ${Number(o.o)} and ${o.tlla ? 'its TLLA' : 'no TLLA'}`;
  await ctx.link().send(naFrom(ctx, ND_TR1, { router: false, solicited: o.s, override: o.o, tlla: o.tlla ? ND_TR1.mac : null }), what);
  await echoTo(ctx, TN1_OFF_LINK, nutGlobal, 2, 'TN1 (off-link) pings the host through TR1 again', ND_TR1.mac);
  const used = await ctx.link().expectNothing((f) => echoReplyTo(TN1_OFF_LINK, 2)(f) || (isNsFor(ND_TR1.address)(f) && (f.ipv6?.dst ?? '').startsWith('ff02')), ANSWER_WINDOW_MS);
  const expected = `TR1 off the Default Router List after ${what}: no Echo Reply through it and no multicast NS for it`;
  if (used?.frame.icmpv6?.type === 'echo-reply') return fail(RFC, expected, `the Echo Reply sent through TR1 (${used.frame.eth?.dst}): the NA's Router flag was ignored`);
  if (used) return fail(RFC, expected, 'a multicast NS for TR1\'s link-local address');
  // Silence from a NUT that stopped answering proves nothing: it must still answer an on-link node.
  const answering = setupNodeAnswers(ctx);
  try {
    await echoTo(ctx, SETUP_NODE, nutGlobal, 3, 'control: an on-link node pings the host');
    if (!(await ctx.link().expect(echoReplyTo(SETUP_NODE, 3), ANSWER_WINDOW_MS))) return fail('RFC 4443 §4.2', 'an Echo Reply to an on-link node (control)', ctx.link().seenSinceSend());
  } finally {
    answering();
  }
  return pass(`after ${what} the host no longer sends through TR1`);
}

const parts: Array<[string, boolean, boolean, boolean]> = [
  ['A', true, true, false], ['B', false, false, false], ['C', false, true, false], ['D', true, false, false],
  ['E', true, true, true], ['F', false, false, true], ['G', false, true, true], ['H', true, false, true],
];

export const cases: CaseDefinition[] = parts.map(([letter, s, o, tlla]) => ({
  id: `v6LC.2.1.21-${letter}`,
  title: `${TEST}: Part ${letter}: Receiving NA with R = 0, S = ${Number(s)} and O = ${Number(o)} and ${tlla ? 'TLLA' : 'NO TLLA'}`,
  rfc: RFC,
  appliesTo: HOST_MODES,
  timeoutMs: 30_000,
  run: (ctx) => routerDropped(ctx, { s, o, tlla }),
}));
