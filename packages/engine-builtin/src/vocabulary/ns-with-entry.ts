// Neighbor Solicitation processing with an entry already there (RFC 4861 §7.2.3): the NUT records the
// solicitation's SLLA (an entry whose address changes becomes STALE), answers, and its next packet to TN1
// goes to the link-layer address it now has. Seen on the wire as the Ethernet destination of an Echo Reply.
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { echoFrom, echoReplyTo } from './echo.js';
import { enterState, type Start } from './neighbor-entry.js';
import { isNaFor, nsToNut } from './nd-messages.js';
import { ALL_MODES } from './nut-modes.js';
import { ND_TN1, OTHER_MAC } from './tester-nodes.js';
import { ANSWER_WINDOW_MS } from './timing.js';

const RFC = 'RFC 4861 §7.2.3';

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
