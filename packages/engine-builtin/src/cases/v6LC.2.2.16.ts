// v6LC.2.2.16 Router Advertisement Processing, Neighbor Cache (RFC 4861 §6.3.4): TR1's RA with a Source
// Link-Layer Address option creates TR1's entry (STALE), completes an INCOMPLETE one, and replaces a
// different cached address (entry STALE); the same address, or no option, leaves the entry as it was.
// TR1 advertises Router Lifetime 0 and no prefix, so only the cache changes. Linux: net/ipv6/ndisc.c
// ndisc_router_discovery (ndisc_update with NEIGH_UPDATE_F_WEAK_OVERRIDE).
import { fail, type CaseDefinition } from '../runner/case.js';
import { echoFrom } from '../vocabulary/echo.js';
import { judgeEntry, multicastNsFor, type EntryOutcome } from '../vocabulary/entry-outcome.js';
import { forgetRoutersAfterwards, raFrom, TR1 } from '../vocabulary/host-routers.js';
import { enterState, entryCaseTimeoutMs, type Start } from '../vocabulary/neighbor-entry.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { OTHER_MAC } from '../vocabulary/tester-nodes.js';
import { ANSWER_WINDOW_MS, sleep } from '../vocabulary/timing.js';

const RFC = 'RFC 4861 §6.3.4';
const TEST = 'Router Advertisement Processing, Neighbor Cache (Hosts Only)';

interface Part {
  letter: string;
  title: string;
  start: Start | 'NONE' | 'INCOMPLETE';
  slla: 'same' | 'different' | 'none';
  outcome: EntryOutcome;
}

function part(p: Part): CaseDefinition {
  return {
    id: `v6LC.2.2.16-${p.letter}`,
    title: `${TEST}: Part ${p.letter}: ${p.title}`,
    rfc: RFC,
    appliesTo: HOST_MODES,
    // Entering STALE waits for REACHABLE to time out (TAHI's way): entryCaseTimeoutMs says how long.
    timeoutMs: p.start === 'REACHABLE' || p.start === 'STALE' || p.start === 'PROBE' ? Math.max(40_000, entryCaseTimeoutMs(p.start) + 15_000) : 40_000,
    async run(ctx) {
      await forgetRoutersAfterwards(ctx);
      if (p.start === 'INCOMPLETE') {
        await echoFrom(ctx, TR1, 7, 'TR1 pings; nobody answers the host\'s NS: the entry is INCOMPLETE');
        if (!(await ctx.link().expect(multicastNsFor(TR1), ANSWER_WINDOW_MS))) return fail('RFC 4861 §7.2.2', 'a Neighbor Solicitation for TR1 (setup)', ctx.link().seenSinceSend());
      } else if (p.start !== 'NONE') {
        const failed = await enterState(ctx, p.start, TR1);
        if (failed) return failed;
      }
      const slla = p.slla === 'none' ? null : p.slla === 'same' ? TR1.mac : OTHER_MAC;
      const what = `an RA ${slla ? `with SLLA ${slla}` : 'without SLLA'} (entry ${p.start})`;
      await ctx.link().send(raFrom(ctx, TR1, { lifetime: 0, prefixes: [], slla, ethSrc: slla ?? TR1.mac }), what);
      if (p.start !== 'PROBE' && p.start !== 'INCOMPLETE') await sleep(300);
      return judgeEntry(ctx, TR1, p.outcome, what, RFC, { queued: p.start === 'INCOMPLETE' });
    },
  };
}

const diff = { stale: OTHER_MAC };
const same = { stale: TR1.mac };

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
