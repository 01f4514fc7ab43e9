// v6LC.2.2.10 Router Solicitation Processing, Neighbor Cache (RFC 4861 §6.2.6): an RS with a Source
// Link-Layer Address option creates TN1's entry (STALE) or, when the address differs from the one cached,
// replaces it and makes the entry STALE; the same address leaves the entry as it was; an RS without the
// option creates nothing usable. Seen on the wire as where the NUT's next Echo Reply goes and whether it
// probes. The kernel does this (net/ipv6/ndisc.c ndisc_recv_rs), radvd plays no part.
import { fail, type CaseDefinition } from '../runner/case.js';
import { echoFrom } from '../vocabulary/echo.js';
import { judgeEntry, multicastNsFor, type EntryOutcome } from '../vocabulary/entry-outcome.js';
import { enterState, entryCaseTimeoutMs, type Start } from '../vocabulary/neighbor-entry.js';
import { rsFrom } from '../vocabulary/router-solicitations.js';
import { ND_TN1, OTHER_MAC } from '../vocabulary/tester-nodes.js';
import { ANSWER_WINDOW_MS, sleep } from '../vocabulary/timing.js';

const RFC = 'RFC 4861 §6.2.6';
const TEST = 'Router Solicitation Processing, Neighbor Cache (Routers Only)';
interface Part {
  letter: string;
  title: string;
  start: Start | 'NONE' | 'INCOMPLETE';
  slla: 'same' | 'different' | 'none';
  outcome: EntryOutcome;
}

function part(p: Part): CaseDefinition {
  return {
    id: `v6LC.2.2.10-${p.letter}`,
    title: `${TEST}: Part ${p.letter}: ${p.title}`,
    rfc: RFC,
    appliesTo: ['router', 'security-gateway'],
    // Entering STALE waits for REACHABLE to time out (TAHI's way): entryCaseTimeoutMs says how long.
    timeoutMs: p.start === 'REACHABLE' || p.start === 'STALE' || p.start === 'PROBE' ? Math.max(40_000, entryCaseTimeoutMs(p.start) + 15_000) : 40_000,
    async run(ctx) {
      if (p.start === 'INCOMPLETE') {
        await echoFrom(ctx, ND_TN1, 7, 'TN1 pings; nobody answers the NUT\'s NS: the entry is INCOMPLETE');
        if (!(await ctx.link().expect(multicastNsFor(ND_TN1), ANSWER_WINDOW_MS))) return fail('RFC 4861 §7.2.2', 'a Neighbor Solicitation for TN1 (setup)', ctx.link().seenSinceSend());
      } else if (p.start !== 'NONE') {
        const failed = await enterState(ctx, p.start);
        if (failed) return failed;
      }
      const slla = p.slla === 'none' ? null : p.slla === 'same' ? ND_TN1.mac : OTHER_MAC;
      const what = `an RS ${slla ? `with SLLA ${slla}` : 'without SLLA'} (entry ${p.start})`;
      const rs = rsFrom(ND_TN1, { slla });
      await ctx.link().send({ ...rs, eth: { ...rs.eth!, src: slla ?? ND_TN1.mac } }, what);
      if (p.start !== 'PROBE' && p.start !== 'INCOMPLETE') await sleep(300);
      return judgeEntry(ctx, ND_TN1, p.outcome, what, RFC, { queued: p.start === 'INCOMPLETE' });
    },
  };
}

const diff = { stale: OTHER_MAC };
const same = { stale: ND_TN1.mac };

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
