// TN1's entry in the NUT's neighbor cache, brought into the state a case starts from (RFC 4861 §7.3.2):
// REACHABLE, STALE or PROBE, by what TN1 sends and answers.
import { fail, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { isVerdict, provokeResolution } from './address-resolution.js';
import { echoFrom, echoReplyTo } from './echo.js';
import { isNaFor, isNsFor, naFrom, nsToNut } from './nd-messages.js';
import { ND_TN1, type BareNode } from './tester-nodes.js';
import { ANSWER_WINDOW_MS } from './timing.js';

/**
 * REACHABLE: TN1 pings, the NUT resolves it, TN1 answers with a solicited NA. STALE: TN1's own NS creates
 * the entry. PROBE: from STALE, TN1 pings; the NUT answers (DELAY) and DELAY_FIRST_PROBE_TIME (5 s) later
 * sends its first unicast probe (RFC 4861 §7.3.3): the entry is in PROBE from then on.
 */
export type Start = 'REACHABLE' | 'STALE' | 'PROBE';

/** DELAY_FIRST_PROBE_TIME plus what a busy VM adds. */
const PROBE_WINDOW_MS = 8_000;

/** `tn` is TN1 unless a case names another bare node (TR1 in the Router Discovery cases). */
export async function enterState(ctx: CaseContext, start: Start, tn: BareNode = ND_TN1): Promise<CaseVerdict | undefined> {
  if (start === 'REACHABLE') {
    const ns = await provokeResolution(ctx, tn, 1);
    if (isVerdict(ns)) return ns;
    await ctx.link().send(naFrom(ctx, tn, { solicited: true, override: true }), `${tn.name} answers: the entry is REACHABLE`);
    if (!(await ctx.link().expect(echoReplyTo(tn, 1), ANSWER_WINDOW_MS))) return fail('RFC 4861 §7.2.5', 'the queued Echo Reply once TN1 answered (setup)', ctx.link().seenSinceSend());
    return undefined;
  }
  await ctx.link().send(nsToNut(ctx, tn, { unicast: true }), `${tn.name} solicits the NUT: its SLLA makes a STALE entry`);
  if (!(await ctx.link().expect(isNaFor(ctx.nutOn().linkLocal), ANSWER_WINDOW_MS))) return fail('RFC 4861 §7.2.4', `a Neighbor Advertisement to ${tn.name} (setup)`, ctx.link().seenSinceSend());
  if (start === 'STALE') return undefined;
  await echoFrom(ctx, tn, 9, `${tn.name} pings: the NUT answers from its STALE entry and starts DELAY`);
  if (!(await ctx.link().expect(echoReplyTo(tn, 9), ANSWER_WINDOW_MS))) return fail('RFC 4861 §7.3.3', 'an Echo Reply sent from the STALE entry (setup)', ctx.link().seenSinceSend());
  const probe = await ctx.link().expect((f) => isNsFor(tn.address)(f) && f.eth?.dst === tn.mac, PROBE_WINDOW_MS);
  if (!probe) return fail('RFC 4861 §7.3.3', `a unicast Neighbor Solicitation probing ${tn.name} DELAY_FIRST_PROBE_TIME (5 s) after the entry was used`, ctx.link().seenSinceSend());
  return undefined;
}
