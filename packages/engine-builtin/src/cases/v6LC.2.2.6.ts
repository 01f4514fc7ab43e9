// v6LC.2.2.6 Router Does Not Send Router Advertisements on Non-advertising Interface (RFC 4861 §6.2.2):
// a router sends RAs, answers included, only on interfaces configured to advertise. Part A: none advertises
// (radvd stopped): solicitations from :: and from TN1 go unanswered, and the router still answers a ping.
// Part B: Link0 advertises (and answers both solicitations), Link1 does not (and answers neither).
// The kernel itself never sends RAs; radvd decides per interface.
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { advertise } from '../vocabulary/advertising-router.js';
import { nutAnswersEcho } from '../vocabulary/echo.js';
import { advertiseAsSet, ANSWER_MS, solicit } from '../vocabulary/ra-answers.js';
import { isRaFromNut, rsFrom } from '../vocabulary/router-solicitations.js';
import { bareNode, ND_TN1, TN1 } from '../vocabulary/tester-nodes.js';

const RFC = 'RFC 4861 §6.2.2';
const TEST = 'Router Does Not Send Router Advertisements on Non-advertising Interface (Routers Only)';
/** TAHI waits MAX_RA_DELAY_TIME + 3 s for RAs that must not come. */
const SILENCE_MS = 3_500;
const TN2 = bareNode('TN2', '00:00:00:00:02:00');

async function noRaFor(ctx: CaseContext, link: string, from: typeof ND_TN1, unspecified: boolean): Promise<CaseVerdict | undefined> {
  const what = unspecified ? 'an RS from ::' : `an RS from ${from.name}`;
  await ctx.link(link).send(rsFrom(from, { unspecified }), `${what} on ${link}`);
  const ra = await ctx.link(link).expectNothing(isRaFromNut(ctx, link), SILENCE_MS);
  if (ra) return fail(RFC, `no Router Advertisement on non-advertising ${link}`, `an RA to ${ra.frame.ipv6?.dst} after ${what}`);
  return undefined;
}

const partA: CaseDefinition = {
  id: 'v6LC.2.2.6-A',
  title: `${TEST}: Part A: No advertising interfaces`,
  rfc: RFC,
  appliesTo: ['router', 'security-gateway'],
  timeoutMs: 40_000,
  async run(ctx) {
    await advertise(ctx, []);
    const failed = (await noRaFor(ctx, 'Link0', ND_TN1, true)) ?? (await noRaFor(ctx, 'Link0', ND_TN1, false));
    if (failed) return failed;
    if (!(await nutAnswersEcho(ctx, ctx.node(TN1), 1))) return fail('RFC 4443 §4.2', 'an Echo Reply to the control Echo Request (silence alone proves nothing)', ctx.link().seenSinceSend());
    return pass('no RA for solicitations from :: and TN1 with no advertising interface; the router still answers');
  },
};

const partB: CaseDefinition = {
  id: 'v6LC.2.2.6-B',
  title: `${TEST}: Part B: Advertising interface`,
  rfc: RFC,
  appliesTo: ['router', 'security-gateway'],
  timeoutMs: 45_000,
  async run(ctx) {
    if (!ctx.hasLink('Link1')) throw new Error('Part B needs the router on two links (Link0 and Link1)');
    const { clock } = await advertiseAsSet(ctx);
    for (const unspecified of [true, false]) {
      const what = unspecified ? 'an RS from ::' : 'an RS from TN1';
      const { ra } = await solicit(ctx, clock, rsFrom(ND_TN1, { unspecified }), `${what} on advertising Link0`);
      if (!ra) return fail('RFC 4861 §6.2.6', `a Router Advertisement on advertising Link0 within ${ANSWER_MS} ms of ${what}`, ctx.link().seenSinceSend());
    }
    const failed = (await noRaFor(ctx, 'Link1', TN2, true)) ?? (await noRaFor(ctx, 'Link1', TN2, false));
    return failed ?? pass('RAs answer solicitations on advertising Link0; none on non-advertising Link1');
  },
};

export const cases: CaseDefinition[] = [partA, partB];
