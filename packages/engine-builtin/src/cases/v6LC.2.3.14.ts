// v6LC.2.3.14 Neighbor Cache Updated from State PROBE (RFC 4861 §8.3): TR2's entry is in PROBE (STALE from
// its RA's SLLA, used by TR2's ping, probed 5 s later; TR2 does not answer). A Redirect to TR2 with no TLLA
// or TR2's own address leaves it in PROBE (the probing goes on; TN1's traffic goes through TR2); another
// address in the TLLA replaces the old one and makes the entry STALE.
import { pass, type CaseDefinition } from '../runner/case.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { redirectToNut, tr2RedirectParts, type Quote, type TllaKind } from '../vocabulary/redirect-messages.js';
import { hostBehindTr1, repliesThroughTr1, TR2, TR2_OTHER_MAC } from '../vocabulary/redirect-network.js';
import { AFTER_REDIRECT_WAIT_MS, redirectedToTr2, tr2Pings, tr2ProbedFromStale, tr2Stale, tr2StaleAt, tr2StillProbed } from '../vocabulary/redirect-neighbor.js';
import { sleep } from '../vocabulary/timing.js';

const TEST = 'Neighbor Cache Updated from State PROBE (Hosts Only)';

function part(letter: string, partTitle: string, kind: TllaKind, quote: Quote): CaseDefinition {
  return {
    id: `v6LC.2.3.14-${letter}`,
    title: `${TEST}: Part ${letter}: ${partTitle}`,
    rfc: 'RFC 4861 §8.3',
    appliesTo: HOST_MODES,
    timeoutMs: 45_000,
    async run(ctx) {
      const host = await hostBehindTr1(ctx);
      await tr2Stale(ctx);
      const before = await repliesThroughTr1(ctx, host, 1);
      if ('verdict' in before) return before;
      const probed = await tr2ProbedFromStale(ctx, 1);
      if (probed) return probed;
      const { options, what } = tr2RedirectParts(kind, quote, before, host);
      await ctx.link().send(redirectToNut(ctx, host, { target: TR2.address, options }), `TR1 redirects TN1 to TR2 (entry PROBE): ${what}`);
      if (kind !== 'other') {
        const failed = (await tr2StillProbed(ctx, what)) ?? (await redirectedToTr2(ctx, host, 2, what));
        return failed ?? pass(`${what} left TR2's entry in PROBE, and TN1's traffic went through TR2`);
      }
      await sleep(AFTER_REDIRECT_WAIT_MS);
      await tr2Pings(ctx, 2, "TR2 pings the NUT: what it does shows TR2's entry");
      const failed = await tr2StaleAt(ctx, host, 2, TR2_OTHER_MAC, `${what} (entry PROBE)`);
      return failed ?? pass(`${what} replaced TR2's address; the entry went STALE`);
    },
  };
}

export const cases: CaseDefinition[] = [
  part('A', 'No TLLA Option, No Redirected Packet Option, Link-layer Address Unchanged', 'none', 'none'),
  part('B', 'TLLA Option, No Redirected Packet Option, Link-layer Address Unchanged', 'same', 'none'),
  part('C', 'TLLA Option, No Redirected Packet Option, Link-layer Address Updated', 'other', 'none'),
  part('D', 'TLLA Option, Redirected Packet Option, Link-layer Address Updated', 'other', 'quote'),
  part('E', 'TLLA Option, Oversized Redirected Packet Option, Link-layer Address Updated', 'other', 'oversized'),
];
