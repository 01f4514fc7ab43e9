// v6LC.2.3.12 Neighbor Cache Updated from State REACHABLE (RFC 4861 §8.3): with TR2 REACHABLE, a Redirect to
// TR2 with no TLLA or TR2's own address leaves the entry alone (TR2's ping 3 s later is answered and no
// solicitation for TR2 follows; TN1's traffic goes through TR2); a TLLA with another address replaces it
// and makes the entry STALE (the reply goes to the new address, which is probed 5 s later).
import { pass, type CaseDefinition } from '../runner/case.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { redirectToNut, tr2RedirectParts, type Quote, type TllaKind } from '../vocabulary/redirect-messages.js';
import { hostBehindTr1, repliesThroughTr1, TR2, TR2_OTHER_MAC } from '../vocabulary/redirect-network.js';
import { AFTER_REDIRECT_WAIT_MS, redirectedToTr2, tr2Pings, tr2Reachable, tr2StaleAt, tr2StillReachable } from '../vocabulary/redirect-neighbor.js';
import { sleep } from '../vocabulary/timing.js';

const TEST = 'Neighbor Cache Updated from State REACHABLE (Hosts Only)';

function part(letter: string, partTitle: string, kind: TllaKind, quote: Quote): CaseDefinition {
  return {
    id: `v6LC.2.3.12-${letter}`,
    title: `${TEST}: Part ${letter}: ${partTitle}`,
    rfc: 'RFC 4861 §8.3',
    appliesTo: HOST_MODES,
    timeoutMs: 45_000,
    async run(ctx) {
      const host = await hostBehindTr1(ctx);
      const reachable = await tr2Reachable(ctx, 1);
      if (reachable) return reachable;
      const before = await repliesThroughTr1(ctx, host, 1);
      if ('verdict' in before) return before;
      const { options, what } = tr2RedirectParts(kind, quote, before, host);
      await ctx.link().send(redirectToNut(ctx, host, { target: TR2.address, options }), `TR1 redirects TN1 to TR2 (entry REACHABLE): ${what}`);
      await sleep(AFTER_REDIRECT_WAIT_MS);
      await tr2Pings(ctx, 2, "TR2 pings the NUT: what it does shows TR2's entry");
      if (kind === 'other') {
        const failed = await tr2StaleAt(ctx, host, 2, TR2_OTHER_MAC, `${what} (entry REACHABLE)`);
        return failed ?? pass(`${what} replaced TR2's address; the entry went STALE`);
      }
      const failed = (await tr2StillReachable(ctx, host, 2, what)) ?? (await redirectedToTr2(ctx, host, 2, what));
      return failed ?? pass(`${what} left TR2's entry REACHABLE, and TN1's traffic went through TR2`);
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
