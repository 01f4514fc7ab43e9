// v6LC.2.3.11 Neighbor Cache Updated from State INCOMPLETE (RFC 4861 §8.3): while the host resolves TR2 (TR2
// pinged it and does not answer), a Redirect to TR2 with a TLLA completes the entry (STALE): the queued Echo
// Reply goes out to that address at once and TR2 is probed 5 s later. Without a TLLA the host goes on
// soliciting TR2; its entry tells nothing then, so TN1's next reply must go through TR2 once TR2 answers.
import { pass, type CaseDefinition } from '../runner/case.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { redirectToNut, tr2RedirectParts, type Quote } from '../vocabulary/redirect-messages.js';
import { hostBehindTr1, repliesThroughTr1, TR2 } from '../vocabulary/redirect-network.js';
import { naFromTr2, redirectedToTr2, tr2Incomplete, tr2StaleAt, tr2StillUnresolved } from '../vocabulary/redirect-neighbor.js';

const TEST = 'Neighbor Cache Updated from State INCOMPLETE (Hosts Only)';

function part(letter: string, partTitle: string, withTlla: boolean, quote: Quote): CaseDefinition {
  return {
    id: `v6LC.2.3.11-${letter}`,
    title: `${TEST}: Part ${letter}: ${partTitle}`,
    rfc: 'RFC 4861 §8.3',
    appliesTo: HOST_MODES,
    timeoutMs: 45_000,
    async run(ctx) {
      const host = await hostBehindTr1(ctx);
      const before = await repliesThroughTr1(ctx, host, 1);
      if ('verdict' in before) return before;
      const incomplete = await tr2Incomplete(ctx, 1);
      if (incomplete) return incomplete;
      const { options, what } = tr2RedirectParts(withTlla ? 'same' : 'none', quote, before, host);
      await ctx.link().send(redirectToNut(ctx, host, { target: TR2.address, options }), `TR1 redirects TN1 to TR2 while the NUT resolves TR2: ${what}`);
      if (withTlla) {
        const failed = await tr2StaleAt(ctx, host, 1, TR2.mac, `${what} (entry INCOMPLETE)`);
        return failed ?? pass(`${what} completed TR2's entry (STALE at ${TR2.mac}); the queued reply went out`);
      }
      const failed = await tr2StillUnresolved(ctx, host, what);
      if (failed) return failed;
      await ctx.link().send(naFromTr2(ctx, { solicited: true, override: true }), 'TR2 answers');
      const ignored = await redirectedToTr2(ctx, host, 2, what);
      return ignored ?? pass(`the NUT went on resolving TR2 after ${what}, and sent TN1's traffic through TR2`);
    },
  };
}

export const cases: CaseDefinition[] = [
  part('A', 'No TLLA Option, No Redirected Packet Option, Link-layer Address Unchanged', false, 'none'),
  part('B', 'TLLA Option, No Redirected Packet Option, Link-layer Address Updated', true, 'none'),
  part('C', 'TLLA Option, Redirected Packet Option, Link-layer Address Updated', true, 'quote'),
  part('D', 'TLLA Option, Oversized Redirected Packet Option, Link-layer Address Updated', true, 'oversized'),
];
