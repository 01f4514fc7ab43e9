// v6LC.2.2.16 Router Advertisement Processing, Neighbor Cache (RFC 4861 §6.3.4): TR1's RA with a Source
// Link-Layer Address option creates TR1's entry (STALE), completes an INCOMPLETE one, and replaces a
// different cached address (entry STALE); the same address, or no option, leaves the entry as it was.
// TR1 advertises Router Lifetime 0 and no prefix, so only the cache changes. Linux: net/ipv6/ndisc.c
// ndisc_router_discovery (ndisc_update with NEIGH_UPDATE_F_WEAK_OVERRIDE).
import type { CaseDefinition } from '../runner/case.js';
import { entryPart, staleAt, type EntryPart, type EntryTest } from '../vocabulary/entry-after-message.js';
import { forgetRoutersAfterwards, raFrom, TR1 } from '../vocabulary/host-routers.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';

const test: EntryTest = {
  id: 'v6LC.2.2.16',
  title: 'Router Advertisement Processing, Neighbor Cache (Hosts Only)',
  rfc: 'RFC 4861 §6.3.4',
  appliesTo: HOST_MODES,
  node: TR1,
  message: 'RA',
  setUp: forgetRoutersAfterwards,
  async send(ctx, slla, what) {
    await ctx.link().send(raFrom(ctx, TR1, { lifetime: 0, prefixes: [], slla, ethSrc: slla ?? TR1.mac }), what);
  },
};
const part = (p: EntryPart): CaseDefinition => entryPart(test, p);
const { diff, same } = staleAt(TR1);

export const cases: CaseDefinition[] = [
  part({ letter: 'A', title: 'RA processing, no NCE', start: 'NONE', slla: 'same', outcome: same }),
  part({ letter: 'B', title: 'RA processing, NCE INCOMPLETE', start: 'INCOMPLETE', slla: 'same', outcome: same }),
  part({ letter: 'C', title: 'RA with SLLA changed, NCE REACHABLE', start: 'REACHABLE', slla: 'different', outcome: diff }),
  part({ letter: 'D', title: 'RA with SLLA unchanged, NCE REACHABLE', start: 'REACHABLE', slla: 'same', outcome: 'reachable' }),
  part({ letter: 'E', title: 'RA without SLLA, NCE REACHABLE', start: 'REACHABLE', slla: 'none', outcome: 'reachable' }),
  part({ letter: 'F', title: 'RA with SLLA changed, NCE PROBE', start: 'PROBE', slla: 'different', outcome: diff }),
  part({ letter: 'G', title: 'RA with SLLA unchanged, NCE PROBE', start: 'PROBE', slla: 'same', outcome: 'probe' }),
  part({ letter: 'H', title: 'RA without SLLA, NCE PROBE', start: 'PROBE', slla: 'none', outcome: 'probe' }),
  part({ letter: 'I', title: 'RA with SLLA changed, NCE STALE', start: 'STALE', slla: 'different', outcome: diff }),
  part({ letter: 'J', title: 'RA with SLLA unchanged, NCE STALE', start: 'STALE', slla: 'same', outcome: same }),
  part({ letter: 'K', title: 'RA without SLLA, NCE STALE', start: 'STALE', slla: 'none', outcome: same }),
];
