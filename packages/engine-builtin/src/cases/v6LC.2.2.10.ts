// v6LC.2.2.10 Router Solicitation Processing, Neighbor Cache (RFC 4861 §6.2.6): an RS with a Source
// Link-Layer Address option creates TN1's entry (STALE) or, when the address differs from the one cached,
// replaces it and makes the entry STALE; the same address leaves the entry as it was; an RS without the
// option creates nothing usable. Seen on the wire as where the NUT's next Echo Reply goes and whether it
// probes. The kernel does this (net/ipv6/ndisc.c ndisc_recv_rs), radvd plays no part.
import { normalizeIpv6, type DecodedFrame } from '@testlab/packet';
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { echoFrom, echoReplyTo } from '../vocabulary/echo.js';
import { enterState, type Start } from '../vocabulary/neighbor-entry.js';
import { isNsFor } from '../vocabulary/nd-messages.js';
import { rsFrom } from '../vocabulary/router-solicitations.js';
import { ND_TN1, OTHER_MAC } from '../vocabulary/tester-nodes.js';
import { ANSWER_WINDOW_MS, sleep } from '../vocabulary/timing.js';

const RFC = 'RFC 4861 §6.2.6';
const TEST = 'Router Solicitation Processing, Neighbor Cache (Routers Only)';
/** DELAY_FIRST_PROBE_TIME and the lab's delay (TAHI: 5 s + 2 s). */
const PROBE_WINDOW_MS = 7_000;

const isNsForTn1 = isNsFor(ND_TN1.address);
const unicastNs = (mac: string) => (f: DecodedFrame) => isNsForTn1(f) && f.eth?.dst === mac;
const multicastNs = (f: DecodedFrame) => isNsForTn1(f) && normalizeIpv6(f.ipv6!.dst).startsWith('ff02::1:ff');

type Outcome = { stale: string } | 'incomplete' | 'reachable' | 'probe';

async function judge(ctx: CaseContext, outcome: Outcome, what: string): Promise<CaseVerdict> {
  if (outcome === 'probe') {
    const ns = await ctx.link().expect(unicastNs(ND_TN1.mac), ANSWER_WINDOW_MS);
    if (!ns) return fail(RFC, `the entry still in PROBE after ${what}: a unicast NS for TN1 within ${ANSWER_WINDOW_MS} ms`, ctx.link().seenSinceSend());
    return pass(`the entry stayed in PROBE after ${what}`);
  }
  if (outcome === 'incomplete') {
    const ns = await ctx.link().expect(multicastNs, ANSWER_WINDOW_MS);
    if (!ns) return fail(RFC, `no entry for TN1 after ${what}: a multicast NS resolving TN1 before the Echo Reply`, ctx.link().seenSinceSend());
    return pass(`${what} created no usable entry: the NUT resolved TN1`);
  }
  const mac = outcome === 'reachable' ? ND_TN1.mac : outcome.stale;
  const reply = await ctx.link().expect(echoReplyTo(ND_TN1, 7), ANSWER_WINDOW_MS);
  if (!reply) return fail(RFC, `an Echo Reply to TN1 sent from its entry after ${what}`, ctx.link().seenSinceSend());
  if (reply.frame.eth?.dst !== mac) return fail(RFC, `the entry for TN1 to hold ${mac} after ${what}`, `the Echo Reply sent to ${reply.frame.eth?.dst}`);
  if (outcome === 'reachable') {
    const probe = await ctx.link().expectNothing(isNsForTn1, PROBE_WINDOW_MS);
    if (probe) return fail(RFC, `the entry still REACHABLE after ${what}: no Neighbor Solicitation for TN1 within ${PROBE_WINDOW_MS} ms`, 'a unicast NS probing TN1');
    return pass(`the entry stayed REACHABLE after ${what}`);
  }
  const probe = await ctx.link().expect(unicastNs(mac), PROBE_WINDOW_MS);
  if (!probe) return fail(RFC, `the entry STALE after ${what}: a unicast NS probing TN1 at ${mac} DELAY_FIRST_PROBE_TIME after the Echo Reply`, ctx.link().seenSinceSend());
  return pass(`after ${what} the entry held ${mac} and was STALE (Echo Reply, then a probe)`);
}

interface Part {
  letter: string;
  title: string;
  start: Start | 'NONE' | 'INCOMPLETE';
  slla: 'same' | 'different' | 'none';
  outcome: Outcome;
}

function part(p: Part): CaseDefinition {
  return {
    id: `v6LC.2.2.10-${p.letter}`,
    title: `${TEST}: Part ${p.letter}: ${p.title}`,
    rfc: RFC,
    appliesTo: ['router', 'security-gateway'],
    timeoutMs: 40_000,
    async run(ctx) {
      if (p.start === 'INCOMPLETE') {
        await echoFrom(ctx, ND_TN1, 7, 'TN1 pings; nobody answers the NUT\'s NS: the entry is INCOMPLETE');
        if (!(await ctx.link().expect(multicastNs, ANSWER_WINDOW_MS))) return fail('RFC 4861 §7.2.2', 'a Neighbor Solicitation for TN1 (setup)', ctx.link().seenSinceSend());
      } else if (p.start !== 'NONE') {
        const failed = await enterState(ctx, p.start);
        if (failed) return failed;
      }
      const slla = p.slla === 'none' ? null : p.slla === 'same' ? ND_TN1.mac : OTHER_MAC;
      const what = `an RS ${slla ? `with SLLA ${slla}` : 'without SLLA'} (entry ${p.start})`;
      const rs = rsFrom(ND_TN1, { slla });
      await ctx.link().send({ ...rs, eth: { ...rs.eth!, src: slla ?? ND_TN1.mac } }, what);
      if (p.start === 'INCOMPLETE') return judge(ctx, p.outcome, what);
      await sleep(p.start === 'PROBE' ? 50 : 300);
      if (p.outcome !== 'probe') await echoFrom(ctx, ND_TN1, 7, 'TN1 pings: where does the reply go?');
      return judge(ctx, p.outcome, what);
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
