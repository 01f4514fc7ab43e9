// v6LC.2.2.14 Router Advertisement Processing, Router Lifetime (RFC 4861 §6.3.4): a default router
// stays one for its Router Lifetime, counted from its latest RA (Part A), stops being one at once when it
// advertises lifetime 0 (Part B), and when its lifetime runs out (Part C). Seen as whether, and through
// which router, the host replies to off-link TN2. Lifetimes are TAHI's but for Part A, 10 s instead of 20.
// Part A's second RA comes 6 s into the first lifetime, so a host that kept the first RA's expiry drops TR1
// 4 s after it, well before the 10 s the second RA gives (sent at once, it could not tell the two apart).
// Linux: net/ipv6/ndisc.c ndisc_router_discovery, net/ipv6/route.c (expired routes are skipped).
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { answerSolicitations } from '../vocabulary/address-resolution.js';
import { advertiseToHost, forgetRoutersAfterwards, isVerdict, offLinkEcho, offLinkReply, raFrom, TR1, TR2 } from '../vocabulary/host-routers.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import type { BareNode } from '../vocabulary/tester-nodes.js';
import { ANSWER_WINDOW_MS, sleep } from '../vocabulary/timing.js';

const RFC = 'RFC 4861 §6.3.4';
const TEST = 'Router Advertisement Processing, Router Lifetime (Hosts Only)';
/** Timer granularity and the lab's delay on either side of an expiry. */
const MARGIN_MS = 1_500;
/** Part A: when TR1 advertises again, counted from its first RA. */
const AGAIN_AFTER_MS = 6_000;

async function replyThrough(ctx: CaseContext, seq: number): Promise<string | undefined> {
  await offLinkEcho(ctx, TR1.mac, seq);
  return (await ctx.link().expect(offLinkReply(seq), ANSWER_WINDOW_MS))?.frame.eth?.dst;
}

const partA = async (ctx: CaseContext): Promise<CaseVerdict> => {
  await forgetRoutersAfterwards(ctx);
  const stop = answerSolicitations(ctx, TR1, { router: true });
  try {
    const lifetime = 10_000;
    const first = Date.now();
    const failed = await advertiseToHost(ctx, [{ frame: raFrom(ctx, TR1, { lifetime: lifetime / 1000 }), note: 'TR1 advertises Router Lifetime 10 s' }]);
    if (failed) return failed;
    for (let seq = 1; seq <= 3; seq++) if ((await replyThrough(ctx, seq)) !== TR1.mac) return fail(RFC, 'replies to off-link TN2 through TR1 within its Router Lifetime', ctx.link().seenSinceSend());
    await sleep(Math.max(0, first + AGAIN_AFTER_MS - Date.now()));
    const again = Date.now();
    await ctx.link().send(raFrom(ctx, TR1, { lifetime: lifetime / 1000 }), `TR1 advertises Router Lifetime 10 s again, ${again - first} ms after its first RA`);
    for (let seq = 10; ; seq++) {
      await sleep(700);
      const via = await replyThrough(ctx, seq);
      const since = Date.now() - again;
      if (via && since > lifetime + MARGIN_MS + ANSWER_WINDOW_MS) return fail(RFC, `TR1 no longer a default router ${lifetime} ms after its last RA`, `a reply through it ${since} ms after`);
      if (!via && since < lifetime - MARGIN_MS) return fail(RFC, `TR1 a default router until ${lifetime} ms after its latest RA (the lifetime starts again)`, `no reply ${since} ms after it`);
      if (!via) return pass(`TR1 was the default router until about ${Math.round(since / 1000)} s after its second RA`);
    }
  } finally {
    stop();
  }
};

/** Parts B and C: TR1 and TR2 both routers; each in turn withdraws (`lifetimeS` 0) or lets its lifetime run out (5 s). */
async function withdrawEach(ctx: CaseContext, lifetimeS: number): Promise<CaseVerdict> {
  await forgetRoutersAfterwards(ctx);
  const stops = [answerSolicitations(ctx, TR1, { router: true }), answerSolicitations(ctx, TR2, { router: true })];
  try {
    const failed = await advertiseToHost(ctx, [
      { frame: raFrom(ctx, TR1), note: 'TR1 advertises itself and Link0\'s prefix' },
      { frame: raFrom(ctx, TR2, { prefixes: [] }), note: 'TR2 advertises itself' },
    ]);
    if (failed) return failed;
    const left: BareNode[] = [TR1, TR2];
    for (let round = 1; round <= 2; round++) {
      const via = await replyThrough(ctx, round);
      const router = left.find((r) => r.mac === via);
      if (!router) return fail(RFC, `a reply to off-link TN2 through ${left.map((r) => r.name).join(' or ')}`, via ? `it went to ${via}` : ctx.link().seenSinceSend());
      await ctx.link().send(raFrom(ctx, router, { lifetime: lifetimeS, prefixes: [] }), `${router.name}, the one in use, advertises Router Lifetime ${lifetimeS}`);
      left.splice(left.indexOf(router), 1);
      if (lifetimeS > 0) await sleep(lifetimeS * 1000 + 2_000);
    }
    await offLinkEcho(ctx, TR1.mac, 9);
    const after = await ctx.link().expectNothing((f) => offLinkReply(9)(f), ANSWER_WINDOW_MS);
    if (after) return fail(RFC, 'no default router left once both advertised Router Lifetime 0 or let it run out', `a reply through ${after.frame.eth?.dst}`);
    return pass(lifetimeS === 0 ? 'each router stopped being used as soon as it advertised lifetime 0' : 'each router stopped being used once its 5 s lifetime ran out');
  } finally {
    for (const s of stops) s();
  }
}

export const cases: CaseDefinition[] = [
  { id: 'v6LC.2.2.14-A', title: `${TEST}: Part A: Router Lifetime Updated with Same Lifetime`, rfc: RFC, appliesTo: HOST_MODES, timeoutMs: 60_000, run: partA },
  { id: 'v6LC.2.2.14-B', title: `${TEST}: Part B: Router Lifetime Set to Zero`, rfc: RFC, appliesTo: HOST_MODES, timeoutMs: 40_000, run: (ctx) => withdrawEach(ctx, 0) },
  { id: 'v6LC.2.2.14-C', title: `${TEST}: Part C: Router Lifetime Set to Five; Allowed to Expire`, rfc: RFC, appliesTo: HOST_MODES, timeoutMs: 50_000, run: (ctx) => withdrawEach(ctx, 5) },
];
