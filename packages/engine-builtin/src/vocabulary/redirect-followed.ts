// The case factories of the host Redirect tests that watch where TN1's Echo Reply goes (TAHI's
// v6LC_2_3_1_*, v6LC_2_3_3, v6LC_2_3_4 and v6LC_2_3_6 in redirect.pm): a valid Redirect sends it to TN1
// itself (redirected on-link) or to TR2 (alternate router); an invalid one leaves it with TR1, and the same
// Redirect made valid (the control) moves it, so a NUT that ignores every Redirect cannot pass.
import type { NdOptionSpec } from '@testlab/packet';
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { echoFrom, echoReplyTo } from './echo.js';
import { HOST_MODES } from './nut-modes.js';
import { INVALID_REDIRECTS, redirectToNut, type InvalidRedirect } from './redirect-messages.js';
import { firstHopName, hostBehindTr1, OFF_LINK_TN1, repliesThrough, repliesThroughTr1, stillThroughTr1, TR2, type RedirectHost } from './redirect-network.js';
import { TN1, type BareNode } from './tester-nodes.js';
import { ANSWER_WINDOW_MS } from './timing.js';

const RFC = 'RFC 4861 §8.3';
/** How long a host Redirect case may take: the NUT's autoconfiguration, then a few exchanges. */
const TIMEOUT_MS = 30_000;

/** Where a Redirect sends TN1's traffic: TN1 itself on Link0, or TR2. */
export type RedirectTo = 'on-link' | 'TR2';

export interface RedirectPart {
  id: string;
  title: string;
  /** What is sent, for reasons: "a Redirect without TLLA or Redirected Header". */
  what: string;
  to: RedirectTo;
  /** The Redirect's options, given the NUT's Echo Reply through TR1 (what a Redirected Header quotes). */
  options: (before: ReceivedFrame, host: RedirectHost) => NdOptionSpec[];
  reserved?: number;
}

const isBareTlla = (options: NdOptionSpec[]) => options.some((o) => o.type === 'target-lla');

/** TAHI's setup b) of 2.3.4-2.3.9: the router pings the NUT and answers its solicitation, so its entry is REACHABLE. */
export async function routerKnown(ctx: CaseContext, router: BareNode, seq: number): Promise<CaseVerdict | undefined> {
  ctx.node({ ...router, isRouter: true });
  await echoFrom(ctx, router, seq, `${router.name} pings the NUT and answers its solicitation (setup: ${router.name} REACHABLE)`);
  if (!(await ctx.link().expect(echoReplyTo(router, seq), ANSWER_WINDOW_MS))) return fail('RFC 4861 §7.2.2', `an Echo Reply to ${router.name} (setup)`, ctx.link().seenSinceSend());
  return undefined;
}

/** The Redirect a part sends, before any spoiling: TR1 names TN1 itself (on-link) or TR2 as the better first hop for TN1. */
function validRedirect(ctx: CaseContext, host: RedirectHost, to: RedirectTo, options: NdOptionSpec[], reserved?: number) {
  const spec = redirectToNut(ctx, host, { target: to === 'on-link' ? OFF_LINK_TN1.address : TR2.address, options });
  return reserved === undefined ? spec : { ...spec, icmpv6: { ...(spec.icmpv6 as Extract<NonNullable<typeof spec.icmpv6>, { type: 'redirect' }>), reserved } };
}

const expectedHop = (to: RedirectTo) => (to === 'on-link' ? TN1.mac : TR2.mac);

/**
 * A Redirect the NUT must follow: TN1's next Echo Reply goes to TN1 itself or to TR2. Redirected on-link
 * without a TLLA, TN1 answers the NUT's solicitation; with one, it stays silent (TAHI: the NUT must use the
 * TLLA, not resolve TN1).
 */
export function redirectFollowed(p: RedirectPart): CaseDefinition {
  return {
    id: p.id,
    title: p.title,
    rfc: RFC,
    appliesTo: HOST_MODES,
    timeoutMs: TIMEOUT_MS,
    async run(ctx) {
      const host = await hostBehindTr1(ctx);
      if (p.to === 'TR2') {
        const failed = await routerKnown(ctx, TR2, 1);
        if (failed) return failed;
      }
      const before = await repliesThroughTr1(ctx, host, 1);
      if ('verdict' in before) return before;
      const options = p.options(before, host);
      if (p.to === 'on-link' && !isBareTlla(options)) ctx.node({ name: 'TN1', mac: TN1.mac, address: OFF_LINK_TN1.address });
      await ctx.link().send(validRedirect(ctx, host, p.to, options, p.reserved), `TR1 redirects TN1's traffic to ${p.to === 'on-link' ? 'TN1 itself' : 'TR2'}: ${p.what}`);
      const failed = await repliesThrough(ctx, host, 2, expectedHop(p.to), { rfc: RFC, what: p.what });
      if (failed) return failed;
      return pass(`after ${p.what} the NUT sent TN1's Echo Reply to ${firstHopName(expectedHop(p.to), host)}`);
    },
  };
}

/**
 * Parts A-I of a test whose Redirects are invalid (RFC 4861 §8.1): TN1's next reply still goes through
 * TR1; then the same Redirect, valid, must move it (the control).
 */
export function invalidRedirectsIgnored(o: { test: string; testTitle: string; to: RedirectTo; tlla: string }): CaseDefinition[] {
  return INVALID_REDIRECTS.map((bad: InvalidRedirect) => ({
    id: `${o.test}-${bad.letter}`,
    title: `${o.testTitle}: Part ${bad.letter}: ${bad.partTitle}`,
    rfc: 'RFC 4861 §8.1',
    appliesTo: HOST_MODES,
    timeoutMs: TIMEOUT_MS,
    async run(ctx) {
      const host = await hostBehindTr1(ctx);
      if (o.to === 'TR2') {
        const failed = await routerKnown(ctx, TR2, 1);
        if (failed) return failed;
      }
      const before = await repliesThroughTr1(ctx, host, 1);
      if ('verdict' in before) return before;
      const valid = validRedirect(ctx, host, o.to, [{ type: 'target-lla', mac: o.tlla }]);
      await ctx.link().send(bad.spoil(valid, host), `invalid: ${bad.what}`);
      const followed = await stillThroughTr1(ctx, host, 2, { rfc: 'RFC 4861 §8.1', what: bad.what });
      if (followed) return followed;
      await ctx.link().send(valid, 'control: the same Redirect, valid');
      const ignored = await repliesThrough(ctx, host, 3, expectedHop(o.to), { rfc: RFC, what: 'the same Redirect made valid (control)' });
      if (ignored) return ignored;
      return pass(`${bad.what} ignored; the valid Redirect followed`);
    },
  }));
}
