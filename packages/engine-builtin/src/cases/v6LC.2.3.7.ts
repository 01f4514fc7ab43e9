// v6LC.2.3.7 Redirected Twice (RFC 4861 §8.1, §8.3): TR1 redirects TN1's traffic to TR2; TR2, now the
// first hop for TN1, redirects it to TR3. The host must follow both: the second Redirect is valid because
// its source is the current first hop, not the default router.
import { pass, type CaseDefinition } from '../runner/case.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { routerKnown } from '../vocabulary/redirect-followed.js';
import { redirectToNut, tlla } from '../vocabulary/redirect-messages.js';
import { hostBehindTr1, repliesThrough, repliesThroughTr1, TR2, TR3 } from '../vocabulary/redirect-network.js';

const RFC = 'RFC 4861 §8.3';

export const cases: CaseDefinition[] = [
  {
    id: 'v6LC.2.3.7',
    title: 'Redirected Twice (Hosts Only)',
    rfc: RFC,
    appliesTo: HOST_MODES,
    timeoutMs: 30_000,
    async run(ctx) {
      const host = await hostBehindTr1(ctx);
      // TAHI's setup: TR2 and TR3 ping the NUT and answer its solicitations (both REACHABLE).
      const unknown = (await routerKnown(ctx, TR2, 1)) ?? (await routerKnown(ctx, TR3, 2));
      if (unknown) return unknown;
      const before = await repliesThroughTr1(ctx, host, 1);
      if ('verdict' in before) return before;
      await ctx.link().send(redirectToNut(ctx, host, { target: TR2.address, options: [tlla(TR2.mac)] }), 'TR1 redirects TN1 to TR2');
      const first = await repliesThrough(ctx, host, 2, TR2.mac, { rfc: RFC, what: "TR1's Redirect to TR2" });
      if (first) return first;
      await ctx.link().send(redirectToNut(ctx, host, { target: TR3.address, options: [tlla(TR3.mac)], from: TR2 }), 'TR2, now the first hop for TN1, redirects TN1 to TR3');
      const second = await repliesThrough(ctx, host, 3, TR3.mac, { rfc: 'RFC 4861 §8.1', what: "TR2's Redirect to TR3 (TR2 being the current first hop)" });
      if (second) return second;
      return pass('TN1 redirected to TR2, then by TR2 to TR3');
    },
  },
];
