// Redirects in fragments (TAHI v6LC.2.3.18-19): RFC 6980 §5 says a node MUST silently ignore Neighbor
// Discovery messages in packets with a Fragment header, atomic fragments included. The Redirect is the
// one of v6LC.2.3.1-D (on-link, TLLA, Redirected Header); the control sends it whole.
import { pass, type CaseDefinition } from '../runner/case.js';
import { cutFragments, fragmentableLength, type Piece } from './fragments.js';
import { HOST_MODES } from './nut-modes.js';
import { quoting, redirectToNut, tlla } from './redirect-messages.js';
import { hostBehindTr1, OFF_LINK_TN1, repliesThrough, repliesThroughTr1, stillThroughTr1 } from './redirect-network.js';
import { TN1 } from './tester-nodes.js';

/** TAHI's FRAG_ID. */
const FRAGMENT_ID = 0x100;

export function fragmentedRedirectIgnored(o: { id: string; title: string; what: string; pieces: (length: number) => Piece[] }): CaseDefinition {
  return {
    id: o.id,
    title: o.title,
    rfc: 'RFC 6980 §5',
    appliesTo: HOST_MODES,
    timeoutMs: 30_000,
    async run(ctx) {
      const host = await hostBehindTr1(ctx);
      const before = await repliesThroughTr1(ctx, host, 1);
      if ('verdict' in before) return before;
      const redirect = redirectToNut(ctx, host, { target: OFF_LINK_TN1.address, options: [tlla(TN1.mac), quoting(before)] });
      for (const fragment of cutFragments(redirect, FRAGMENT_ID, o.pieces(fragmentableLength(redirect)))) await ctx.link().send(fragment, o.what);
      const followed = await stillThroughTr1(ctx, host, 2, { rfc: 'RFC 6980 §5', what: o.what });
      if (followed) return followed;
      await ctx.link().send(redirect, 'control: the same Redirect, unfragmented');
      const ignored = await repliesThrough(ctx, host, 3, TN1.mac, { rfc: 'RFC 4861 §8.3', what: 'the same Redirect unfragmented (control)' });
      return ignored ?? pass(`${o.what} ignored; the same Redirect unfragmented followed`);
    },
  };
}
