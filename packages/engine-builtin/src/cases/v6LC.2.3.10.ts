// v6LC.2.3.10 Neighbor Cache Updated, No Neighbor Cache Entry (RFC 4861 §8.3): a Redirect to TR2, for which
// the host has no entry, creates one (STALE, with the TLLA's address) only when it carries a TLLA. TR2 pings
// 3 s later: without a TLLA the host must solicit TR2 (no entry), with one it answers at once and probes
// TR2 5 s later (STALE). Without a TLLA the entry tells nothing, so TN1's next reply must go through TR2.
import { pass, type CaseDefinition } from '../runner/case.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { redirectToNut, tr2RedirectParts, type Quote } from '../vocabulary/redirect-messages.js';
import { hostBehindTr1, repliesThroughTr1, TR2 } from '../vocabulary/redirect-network.js';
import { AFTER_REDIRECT_WAIT_MS, naFromTr2, redirectedToTr2, tr2Pings, tr2StaleAt, tr2StillUnresolved } from '../vocabulary/redirect-neighbor.js';
import { sleep } from '../vocabulary/timing.js';

const TEST = 'Neighbor Cache Updated, No Neighbor Cache Entry (Hosts Only)';

function part(letter: string, partTitle: string, withTlla: boolean, quote: Quote): CaseDefinition {
  return {
    id: `v6LC.2.3.10-${letter}`,
    title: `${TEST}: Part ${letter}: ${partTitle}`,
    rfc: 'RFC 4861 §8.3',
    appliesTo: HOST_MODES,
    timeoutMs: 45_000,
    async run(ctx) {
      const host = await hostBehindTr1(ctx);
      const before = await repliesThroughTr1(ctx, host, 1);
      if ('verdict' in before) return before;
      const { options, what } = tr2RedirectParts(withTlla ? 'same' : 'none', quote, before, host);
      await ctx.link().send(redirectToNut(ctx, host, { target: TR2.address, options }), `TR1 redirects TN1 to TR2, of which the NUT knows nothing: ${what}`);
      await sleep(AFTER_REDIRECT_WAIT_MS);
      await tr2Pings(ctx, 1, "TR2 pings the NUT: what it does shows TR2's entry");
      if (withTlla) {
        const failed = await tr2StaleAt(ctx, host, 1, TR2.mac, what);
        return failed ?? pass(`${what} made a STALE entry for TR2 at ${TR2.mac}`);
      }
      const failed = await tr2StillUnresolved(ctx, host, what);
      if (failed) return failed;
      await ctx.link().send(naFromTr2(ctx, { solicited: true, override: true }), 'TR2 answers');
      const ignored = await redirectedToTr2(ctx, host, 2, what);
      return ignored ?? pass(`${what} made no entry for TR2, and TN1's traffic went through TR2`);
    },
  };
}

export const cases: CaseDefinition[] = [
  part('A', 'No TLLA Option, No Redirected Packet Option, Link-layer Address Unchanged', false, 'none'),
  part('B', 'TLLA Option, No Redirected Packet Option, Link-layer Address Updated', true, 'none'),
  part('C', 'TLLA Option, Redirected Packet Option, Link-layer Address Updated', true, 'quote'),
  part('D', 'TLLA Option, Oversized Redirected Packet Option, Link-layer Address Updated', true, 'oversized'),
];
