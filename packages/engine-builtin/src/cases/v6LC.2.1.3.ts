// v6LC.2.1.3 Prefix Information Option Processing, On-link Flag (Hosts Only) (RFC 4861 §6.3.4): a prefix
// advertised with L = 1 goes on the Prefix List, so TR1's global address is resolved directly; a later
// advertisement of it with L = 0 says nothing about on-link-ness and must not take it off. Judged as TAHI's
// V6LC_2_1_3.seq: after each RA, TR1 (global) pings the host, does not answer its solicitations, and the host
// must solicit TR1's global address (not TR1's link-local one, as its default router).
import { normalizeIpv6 } from '@testlab/packet';
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { echoTo } from '../vocabulary/echo-to.js';
import { globalOf } from '../vocabulary/global-address.js';
import { isNsFor } from '../vocabulary/nd-messages.js';
import { MAX_MULTICAST_SOLICIT, RETRANS_TIMER_MS } from '../vocabulary/nd-constants.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { LINK0_PREFIX } from '../vocabulary/tahi-network.js';
import { bareNode, ND_TR1 } from '../vocabulary/tester-nodes.js';
import { tr1Advertises } from '../vocabulary/tr1-router.js';
import { sleep } from '../vocabulary/timing.js';

const RFC = 'RFC 4861 §6.3.4';
const TR1_GLOBAL = bareNode('TR1', ND_TR1.mac, globalOf(ND_TR1.mac));
/** TAHI waits RETRANS_TIMER * MAX_MULTICAST_SOLICIT + 1 s for the solicitations (and for resolution to give up). */
const RESOLUTION_MS = RETRANS_TIMER_MS * MAX_MULTICAST_SOLICIT + 1_000;

async function tr1GlobalResolved(ctx: CaseContext, onLink: boolean, seq: number): Promise<CaseVerdict | undefined> {
  // TAHI's RA A: router lifetime 100 s, prefix lifetimes 20 s (its Reachable Time and Retrans Interval are left
  // unspecified here so that the NUT's timers stay as the other cases expect them).
  await tr1Advertises(ctx, { routerLifetime: 100, slla: false, prefixes: [{ prefix: LINK0_PREFIX, onLink, autonomous: false, valid: 20, preferred: 20 }] }, `TR1 advertises ${LINK0_PREFIX}/64 with L = ${Number(onLink)}`);
  await sleep(500);
  await echoTo(ctx, TR1_GLOBAL, ctx.nutOn().linkLocal, seq, `TR1 pings the host from its global address ${TR1_GLOBAL.address}; it will not answer the host's solicitations`);
  const sent = await ctx.link().collect((f) => f.icmpv6?.type === 'neighbor-solicitation' && normalizeIpv6(f.ipv6?.src ?? '::') !== '::', RESOLUTION_MS);
  const expected = `Neighbor Solicitations for TR1's global address ${TR1_GLOBAL.address} after an RA with L = ${Number(onLink)} (${onLink ? 'the prefix is on-link' : 'L = 0 does not take an on-link prefix off the Prefix List'})`;
  if (sent.some((r) => isNsFor(TR1_GLOBAL.address)(r.frame))) return undefined;
  if (sent.some((r) => isNsFor(ND_TR1.address)(r.frame))) return fail(RFC, expected, 'an NS for TR1\'s link-local address: the host sent through its default router, taking the prefix as off-link');
  return fail(RFC, expected, `no solicitation for it (${ctx.link().seenSinceSend()}): the RA's prefix was not taken as on-link`);
}

export const cases: CaseDefinition[] = [
  {
    id: 'v6LC.2.1.3',
    title: 'Prefix Information Option Processing, On-link Flag (Hosts Only)',
    rfc: RFC,
    appliesTo: HOST_MODES,
    timeoutMs: 25_000,
    run: async (ctx) => {
      const first = await tr1GlobalResolved(ctx, true, 1);
      if (first) return first;
      const second = await tr1GlobalResolved(ctx, false, 2);
      if (second) return second;
      return pass('TR1\'s global address was resolved on-link after the RA with L = 1 and still after the one with L = 0');
    },
  },
];
