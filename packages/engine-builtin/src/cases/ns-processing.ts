// Neighbor Solicitation processing with an entry already there (RFC 4861 §7.2.3): the NUT records the
// solicitation's SLLA (an entry whose address changes becomes STALE), answers, and its next packet to TN1
// goes to the link-layer address it now has. Seen on the wire as the Ethernet destination of an Echo Reply.
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { ALL_MODES, ANSWER_WINDOW_MS } from './common.js';
import { ND_TN1, OTHER_MAC, echoFrom, echoReplyTo, isNaFor, isNsFor, isVerdict, naFrom, nsToNut, provokeResolution } from './common-nd.js';

const RFC = 'RFC 4861 §7.2.3';

/**
 * REACHABLE: TN1 pings, the NUT resolves it, TN1 answers with a solicited NA. STALE: TN1's own NS creates
 * the entry. PROBE: from STALE, TN1 pings; the NUT answers (DELAY) and DELAY_FIRST_PROBE_TIME (5 s) later
 * sends its first unicast probe (RFC 4861 §7.3.3): the entry is in PROBE from then on.
 */
export type Start = 'REACHABLE' | 'STALE' | 'PROBE';

/** DELAY_FIRST_PROBE_TIME plus what a busy VM adds. */
const PROBE_WINDOW_MS = 8_000;

export async function enterState(ctx: CaseContext, start: Start): Promise<CaseVerdict | undefined> {
  if (start === 'REACHABLE') {
    const ns = await provokeResolution(ctx, ND_TN1, 1);
    if (isVerdict(ns)) return ns;
    await ctx.link().send(naFrom(ctx, ND_TN1, { solicited: true, override: true }), 'TN1 answers: the entry is REACHABLE');
    if (!(await ctx.link().expect(echoReplyTo(ND_TN1, 1), ANSWER_WINDOW_MS))) return fail('RFC 4861 §7.2.5', 'the queued Echo Reply once TN1 answered (setup)', ctx.link().seenSinceSend());
    return undefined;
  }
  await ctx.link().send(nsToNut(ctx, ND_TN1, { unicast: true }), 'TN1 solicits the NUT: its SLLA makes a STALE entry');
  if (!(await ctx.link().expect(isNaFor(ctx.nutOn().linkLocal), ANSWER_WINDOW_MS))) return fail('RFC 4861 §7.2.4', 'a Neighbor Advertisement to TN1 (setup)', ctx.link().seenSinceSend());
  if (start === 'STALE') return undefined;
  await echoFrom(ctx, ND_TN1, 9, 'TN1 pings: the NUT answers from its STALE entry and starts DELAY');
  if (!(await ctx.link().expect(echoReplyTo(ND_TN1, 9), ANSWER_WINDOW_MS))) return fail('RFC 4861 §7.3.3', 'an Echo Reply sent from the STALE entry (setup)', ctx.link().seenSinceSend());
  const probe = await ctx.link().expect((f) => isNsFor(ND_TN1.address)(f) && f.eth?.dst === ND_TN1.mac, PROBE_WINDOW_MS);
  if (!probe) return fail('RFC 4861 §7.3.3', 'a unicast Neighbor Solicitation probing TN1 DELAY_FIRST_PROBE_TIME (5 s) after the entry was used', ctx.link().seenSinceSend());
  return undefined;
}

export async function nsWithEntry(ctx: CaseContext, start: Start, o: { unicast: boolean; sameSlla: boolean }): Promise<CaseVerdict> {
  const failed = await enterState(ctx, start);
  if (failed) return failed;
  const slla = o.sameSlla ? ND_TN1.mac : OTHER_MAC;
  const what = `a ${o.unicast ? 'unicast' : 'multicast'} NS with ${o.sameSlla ? 'the same' : 'a different'} SLLA`;
  await ctx.link().send(nsToNut(ctx, ND_TN1, { unicast: o.unicast, slla }), `${what} (entry ${start})`);
  if (!(await ctx.link().expect(isNaFor(ctx.nutOn().linkLocal), ANSWER_WINDOW_MS))) return fail('RFC 4861 §7.2.4', `a Neighbor Advertisement answering ${what}`, ctx.link().seenSinceSend());
  await echoFrom(ctx, ND_TN1, 2, 'TN1 pings again: the reply shows the link-layer address the NUT now has for TN1');
  const reply = await ctx.link().expect(echoReplyTo(ND_TN1, 2), ANSWER_WINDOW_MS);
  if (!reply) return fail('RFC 4443 §4.2', 'an Echo Reply to TN1', ctx.link().seenSinceSend());
  if (reply.frame.eth?.dst !== slla) return fail(RFC, `the entry for TN1 to hold ${slla} after ${what}`, `the Echo Reply sent to ${reply.frame.eth?.dst}`);
  return pass(`after ${what} the NUT answered and sends to ${slla}`);
}

export function nsWithEntryParts(testNumber: string, test: string, start: Start): CaseDefinition[] {
  const parts: Array<[string, boolean, boolean]> = [['A', true, true], ['B', true, false], ['C', false, true], ['D', false, false]];
  return parts.map(([letter, unicast, sameSlla]) => ({
    id: `v6LC.${testNumber}-${letter}`,
    title: `${test}: Part ${letter}: ${unicast ? 'Unicast' : 'Multicast'} Neighbor Solicitation with ${sameSlla ? 'the same' : 'a different'} SLLA`,
    rfc: RFC,
    appliesTo: ALL_MODES,
    run: (ctx) => nsWithEntry(ctx, start, { unicast, sameSlla }),
  }));
}
