// v6LC.2.3.13 Neighbor Cache Updated from State STALE (RFC 4861 §8.3): TR2's entry is STALE (made by its
// Router Advertisement's SLLA, RFC 4861 §6.3.4, where TAHI waits out ReachableTime). A Redirect to TR2 with
// no TLLA or TR2's own address leaves it STALE: TR2's ping 3 s later is answered at once and TR2 probed 5 s
// later, and TN1's traffic goes through TR2. Another address in the TLLA replaces the old one.
import { pass, type CaseDefinition } from '../runner/case.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { redirectToNut, tr2RedirectParts, type Quote, type TllaKind } from '../vocabulary/redirect-messages.js';
import { hostBehindTr1, repliesThroughTr1, TR2, TR2_OTHER_MAC } from '../vocabulary/redirect-network.js';
import { AFTER_REDIRECT_WAIT_MS, redirectedToTr2, tr2Pings, tr2Stale, tr2StaleAt } from '../vocabulary/redirect-neighbor.js';
import { sleep } from '../vocabulary/timing.js';

const TEST = 'Neighbor Cache Updated from State STALE (Hosts Only)';

function part(letter: string, partTitle: string, kind: TllaKind, quote: Quote): CaseDefinition {
  return {
    id: `v6LC.2.3.13-${letter}`,
    title: `${TEST}: Part ${letter}: ${partTitle}`,
    rfc: 'RFC 4861 §8.3',
    appliesTo: HOST_MODES,
    timeoutMs: 45_000,
    async run(ctx) {
      const host = await hostBehindTr1(ctx);
      await tr2Stale(ctx);
      const before = await repliesThroughTr1(ctx, host, 1);
      if ('verdict' in before) return before;
      const { options, what } = tr2RedirectParts(kind, quote, before, host);
      await ctx.link().send(redirectToNut(ctx, host, { target: TR2.address, options }), `TR1 redirects TN1 to TR2 (entry STALE): ${what}`);
      await sleep(AFTER_REDIRECT_WAIT_MS);
      await tr2Pings(ctx, 1, "TR2 pings the NUT: what it does shows TR2's entry");
      const mac = kind === 'other' ? TR2_OTHER_MAC : TR2.mac;
      const failed = await tr2StaleAt(ctx, host, 1, mac, `${what} (entry STALE)`);
      if (failed) return failed;
      if (kind === 'other') return pass(`${what} replaced TR2's address; the entry stayed STALE`);
      const ignored = await redirectedToTr2(ctx, host, 2, what);
      return ignored ?? pass(`${what} left TR2's entry STALE, and TN1's traffic went through TR2`);
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
