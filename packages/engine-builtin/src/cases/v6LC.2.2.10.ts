// v6LC.2.2.10 Router Solicitation Processing, Neighbor Cache (RFC 4861 §6.2.6): an RS with a Source
// Link-Layer Address option creates TN1's entry (STALE) or, when the address differs from the one cached,
// replaces it and makes the entry STALE; the same address leaves the entry as it was; an RS without the
// option creates nothing usable. Seen on the wire as where the NUT's next Echo Reply goes and whether it
// probes. The kernel does this (net/ipv6/ndisc.c ndisc_recv_rs), radvd plays no part.
import type { CaseDefinition } from '../runner/case.js';
import { entryPart, staleAt, type EntryPart, type EntryTest } from '../vocabulary/entry-after-message.js';
import { rsFrom } from '../vocabulary/router-solicitations.js';
import { ND_TN1 } from '../vocabulary/tester-nodes.js';

const test: EntryTest = {
  id: 'v6LC.2.2.10',
  title: 'Router Solicitation Processing, Neighbor Cache (Routers Only)',
  rfc: 'RFC 4861 §6.2.6',
  appliesTo: ['router', 'security-gateway'],
  node: ND_TN1,
  message: 'RS',
  async send(ctx, slla, what) {
    const rs = rsFrom(ND_TN1, { slla });
    await ctx.link().send({ ...rs, eth: { ...rs.eth!, src: slla ?? ND_TN1.mac } }, what);
  },
};
const part = (p: EntryPart): CaseDefinition => entryPart(test, p);
const { diff, same } = staleAt(ND_TN1);

export const cases: CaseDefinition[] = [
  part({ letter: 'A', title: 'RS processing with SLL, no NCE', start: 'NONE', slla: 'same', outcome: same }),
  part({ letter: 'B', title: 'RS processing without SLL, no NCE', start: 'NONE', slla: 'none', outcome: 'incomplete' }),
  part({ letter: 'C', title: 'RS processing, NCE INCOMPLETE', start: 'INCOMPLETE', slla: 'same', outcome: same }),
  part({ letter: 'D', title: 'RS with SLLA changed, NCE REACHABLE', start: 'REACHABLE', slla: 'different', outcome: diff }),
  part({ letter: 'E', title: 'RS with SLLA unchanged, NCE REACHABLE', start: 'REACHABLE', slla: 'same', outcome: 'reachable' }),
  part({ letter: 'F', title: 'RS with SLLA changed, NCE STALE', start: 'STALE', slla: 'different', outcome: diff }),
  part({ letter: 'G', title: 'RS with SLLA unchanged, NCE STALE', start: 'STALE', slla: 'same', outcome: same }),
  part({ letter: 'H', title: 'RS with SLLA changed, NCE PROBE', start: 'PROBE', slla: 'different', outcome: diff }),
  part({ letter: 'I', title: 'RA with SLLA unchanged, NCE PROBE', start: 'PROBE', slla: 'same', outcome: 'probe' }),
];
