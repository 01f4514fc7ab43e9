// The NUT's Neighbor Advertisement answering a tester node's solicitation, checked field by field as TAHI's
// nd.p2 frames accept it (ndSetNa4ucastNs, ndSetNa4mcastNs): solicited, to the soliciting node's address
// and link-layer address, the Router flag telling what the NUT is, and for a multicast solicitation the
// Override flag and the NUT's own Target Link-Layer Address (RFC 4861 §7.2.4).
import { normalizeIpv6 } from '@testlab/packet';
import { fail, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { isNaFor } from './nd-messages.js';
import type { BareNode } from './tester-nodes.js';
import { ANSWER_WINDOW_MS } from './timing.js';

const RFC = 'RFC 4861 §7.2.4';

/** What was wrong with `na` as the answer to `tn`'s solicitation, or undefined. */
export function naAnswerProblem(ctx: CaseContext, na: ReceivedFrame, tn: BareNode, o: { lla: string; multicastNs: boolean }): string | undefined {
  const nut = ctx.nutOn();
  const m = na.frame.icmpv6;
  if (m?.type !== 'neighbor-advertisement') return 'no Neighbor Advertisement';
  if (normalizeIpv6(na.frame.ipv6?.dst ?? '::') !== tn.address) return `an NA sent to ${na.frame.ipv6?.dst}, not to ${tn.name}'s address`;
  if (na.frame.eth?.dst !== o.lla) return `an NA sent to the link-layer address ${na.frame.eth?.dst}, not to ${o.lla}`;
  if (!m.solicited) return 'an NA with the Solicited flag clear';
  const router = ctx.mode === 'router';
  if (m.router !== router) return `an NA with the Router flag ${m.router ? 'set from a host' : 'clear from a router'}`;
  const tlla = m.options.find((x) => x.type === 'target-lla');
  const ownTlla = tlla?.type === 'target-lla' && tlla.mac === nut.mac;
  if (tlla && !ownTlla) return `an NA whose TLLA ${tlla.type === 'target-lla' ? tlla.mac : '?'} is not the NUT's ${nut.mac}`;
  if (o.multicastNs && !ownTlla) return 'an NA without the Target Link-Layer Address option, answering a multicast solicitation';
  // TAHI accepts O = 1 with the TLLA, or O = 0 without it (the option MAY be left out of a unicast answer).
  if (ownTlla && !m.override) return 'an NA with a TLLA but the Override flag clear';
  if (!tlla && m.override) return 'an NA with the Override flag set but no TLLA (RFC 4861 §7.2.4: it SHOULD then be clear)';
  return undefined;
}

/** Waits for the NUT's NA answering `tn`; returns the FAIL when it does not come or is wrong. */
export async function expectNaAnswer(ctx: CaseContext, tn: BareNode, what: string, o: { lla: string; multicastNs: boolean }): Promise<CaseVerdict | undefined> {
  const na = await ctx.link().expect(isNaFor(ctx.nutOn().linkLocal), ANSWER_WINDOW_MS);
  const expected = `a solicited Neighbor Advertisement to ${tn.name} at ${o.lla} answering ${what}`;
  if (!na) return fail(RFC, expected, `${ctx.link().seenSinceSend()} (the solicitation was ignored)`);
  const problem = naAnswerProblem(ctx, na, tn, o);
  return problem ? fail(RFC, expected, problem) : undefined;
}
