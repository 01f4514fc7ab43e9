// v6LC.2.1.4 Host Prefix List (Hosts Only) (RFC 4861 §6.3.4): an on-link prefix stays on the Prefix List
// for its valid lifetime, and a new advertisement of it resets that lifetime. Judged as TAHI's
// V6LC_2_1_5_{A,B}.seq: TR1 is the host's default router and reachable; 8 s after an RA giving the prefix
// 10 s (Part A), or 8 s after a second such RA sent 8 s after the first (Part B, 16 s in all), TN1 pings the
// host from a global address in the prefix and the host must solicit TN1 (on-link), not send via TR1.
import { normalizeIpv6 } from '@testlab/packet';
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { echoReplyTo } from '../vocabulary/echo.js';
import { echoTo } from '../vocabulary/echo-to.js';
import { globalOf } from '../vocabulary/global-address.js';
import { isNsFor } from '../vocabulary/nd-messages.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { LINK0_PREFIX } from '../vocabulary/tahi-network.js';
import { bareNode, ND_TN1, ND_TR1 } from '../vocabulary/tester-nodes.js';
import { tr1Advertises, tr1AnswersAsRouter } from '../vocabulary/tr1-router.js';
import { ANSWER_WINDOW_MS, sleep } from '../vocabulary/timing.js';

const TEST = 'Host Prefix List (Hosts Only)';
const RFC = 'RFC 4861 §6.3.4';
const TN1_GLOBAL = bareNode('TN1', ND_TN1.mac, globalOf(ND_TN1.mac));
const PREFIX = { prefix: LINK0_PREFIX, onLink: true, autonomous: false, valid: 10, preferred: 10 };

async function prefixStillOnLink(ctx: CaseContext, advertisements: number): Promise<CaseVerdict> {
  const stop = tr1AnswersAsRouter(ctx);
  try {
    // Steps 1-3: TR1 (router lifetime 20 s, no prefix) becomes the default router and is resolved.
    await tr1Advertises(ctx, { routerLifetime: 20, slla: false }, 'TR1 advertises itself as default router, without a prefix');
    await sleep(500);
    await echoTo(ctx, ND_TR1, ctx.nutOn().linkLocal, 1, 'TR1 pings the host from its link-local address');
    if (!(await ctx.link().expect(echoReplyTo(ND_TR1, 1), ANSWER_WINDOW_MS))) return fail('RFC 4861 §7.2.2', 'an Echo Reply to TR1 once it answered the host\'s solicitation (setup)', ctx.link().seenSinceSend());
    for (let n = 0; n < advertisements; n++) {
      await tr1Advertises(ctx, { routerLifetime: 20, slla: false, prefixes: [PREFIX] }, `TR1 advertises ${LINK0_PREFIX}/64 on-link, valid for 10 s`);
      ctx.log('waiting 8 s');
      await sleep(8_000);
    }
  } finally {
    stop();
  }
  await echoTo(ctx, TN1_GLOBAL, ctx.nutOn().linkLocal, 2, `TN1 pings the host from ${TN1_GLOBAL.address}, inside the prefix`);
  const first = await ctx.link().expect((f) => isNsFor(TN1_GLOBAL.address)(f) || echoReplyTo(TN1_GLOBAL, 2)(f), ANSWER_WINDOW_MS);
  const expected = `a Neighbor Solicitation for TN1's global address ${TN1_GLOBAL.address}: ${LINK0_PREFIX}/64 is on-link ${advertisements > 1 ? 'until 10 s after the second RA' : 'for 10 s'}`;
  if (!first) return fail(RFC, expected, `${ctx.link().seenSinceSend()} (the prefix was not on the Prefix List)`);
  if (first.frame.icmpv6?.type === 'echo-reply') {
    const via = first.frame.eth?.dst === ND_TR1.mac ? 'through TR1, its default router: the prefix was taken as off-link' : `to ${first.frame.eth?.dst} without resolving TN1`;
    return fail(RFC, expected, `the Echo Reply sent ${via}`);
  }
  if (!normalizeIpv6(first.frame.ipv6?.dst ?? '').startsWith('ff02::1:ff')) return fail('RFC 4861 §7.2.2', `${expected}, multicast`, `an NS to ${first.frame.ipv6?.dst}`);
  return pass(`TN1's global address was resolved on-link ${advertisements > 1 ? '16 s after the first RA (lifetime renewed by the second)' : '8 s into the prefix\'s 10 s'}`);
}

export const cases: CaseDefinition[] = [
  { id: 'v6LC.2.1.4-A', title: `${TEST}: Part A: Prefix Lifetime has not Expired`, rfc: RFC, appliesTo: HOST_MODES, timeoutMs: 25_000, run: (ctx) => prefixStillOnLink(ctx, 1) },
  { id: 'v6LC.2.1.4-B', title: `${TEST}: Part B: Prefix Lifetime updated by Router Advertisement`, rfc: RFC, appliesTo: HOST_MODES, timeoutMs: 35_000, run: (ctx) => prefixStillOnLink(ctx, 2) },
];
