// v6LC.2.3.9 No Destination Cache Entry (RFC 4861 §8.3): a Redirect for a destination the host has sent
// nothing to yet is still followed (the host creates the destination cache entry): TN1's first Echo Reply
// goes to TR2.
import { pass, type CaseDefinition } from '../runner/case.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { routerKnown } from '../vocabulary/redirect-followed.js';
import { redirectToNut, tlla } from '../vocabulary/redirect-messages.js';
import { hostBehindTr1, repliesThrough, TR2 } from '../vocabulary/redirect-network.js';

const RFC = 'RFC 4861 §8.3';

export const cases: CaseDefinition[] = [
  {
    id: 'v6LC.2.3.9',
    title: 'No Destination Cache Entry (Hosts Only)',
    rfc: RFC,
    appliesTo: HOST_MODES,
    timeoutMs: 30_000,
    async run(ctx) {
      const host = await hostBehindTr1(ctx);
      const unknown = await routerKnown(ctx, TR2, 1);
      if (unknown) return unknown;
      await ctx.link().send(redirectToNut(ctx, host, { target: TR2.address, options: [tlla(TR2.mac)] }), 'TR1 redirects TN1 to TR2 before the NUT has sent TN1 anything');
      const failed = await repliesThrough(ctx, host, 1, TR2.mac, { rfc: RFC, what: 'a Redirect to TR2 for a destination with no destination cache entry' });
      if (failed) return failed;
      return pass("the NUT sent TN1's first Echo Reply through TR2");
    },
  },
];
