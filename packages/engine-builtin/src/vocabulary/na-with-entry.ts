// Neighbor Advertisement processing with an entry already there (RFC 4861 §7.2.5): an NA whose TLLA
// differs replaces the recorded link-layer address only when its Override flag is set; without a TLLA, or
// with the same one, the address stays. Seen on the wire as the Ethernet destination of the NUT's next Echo Reply.
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { echoFrom, echoReplyTo } from './echo.js';
import { enterState, type Start } from './neighbor-entry.js';
import { naFrom } from './nd-messages.js';
import { ALL_MODES } from './nut-modes.js';
import { ND_TN1, OTHER_MAC } from './tester-nodes.js';
import { ANSWER_WINDOW_MS, sleep } from './timing.js';

const RFC = 'RFC 4861 §7.2.5';

type Tlla = 'none' | 'same' | 'different';

async function naWithEntry(ctx: CaseContext, start: Start, o: { multicast: boolean; s: boolean; o: boolean; tlla: Tlla }): Promise<CaseVerdict> {
  const failed = await enterState(ctx, start);
  if (failed) return failed;
  const tlla = o.tlla === 'none' ? null : o.tlla === 'same' ? ND_TN1.mac : OTHER_MAC;
  const what = `a ${o.multicast ? 'multicast' : 'unicast'} NA with S = ${Number(o.s)}, O = ${Number(o.o)} and ${o.tlla === 'none' ? 'no' : `${o.tlla}`} TLLA`;
  await ctx.link().send(naFrom(ctx, ND_TN1, { solicited: o.s, override: o.o, tlla, ...(o.multicast ? { dst: 'ff02::1' } : {}) }), `${what} (entry ${start})`);
  await sleep(200);
  const expected = o.tlla === 'different' && o.o ? OTHER_MAC : ND_TN1.mac;
  await echoFrom(ctx, ND_TN1, 2, 'TN1 pings again: the reply shows the link-layer address the NUT now has for TN1');
  const reply = await ctx.link().expect(echoReplyTo(ND_TN1, 2), ANSWER_WINDOW_MS);
  if (!reply) return fail('RFC 4443 §4.2', `an Echo Reply to TN1 (its entry, ${start}, must survive ${what})`, ctx.link().seenSinceSend());
  if (reply.frame.eth?.dst !== expected) return fail(RFC, `the entry for TN1 to hold ${expected} after ${what}`, `the Echo Reply sent to ${reply.frame.eth?.dst}`);
  return pass(`after ${what} the NUT sends to ${expected}`);
}

/** The 18 parts (A-R) of v6LC.2.1.18-20, in INDEX order. */
export function naWithEntryParts(testNumber: string, test: string, start: Start): CaseDefinition[] {
  const combos: Array<{ multicast: boolean; s: boolean; o: boolean; tlla: Tlla }> = [];
  for (const tlla of ['none', 'same', 'different'] as const) for (const [s, o] of [[false, false], [false, true], [true, false], [true, true]] as const) combos.push({ multicast: false, s, o, tlla });
  for (const tlla of ['same', 'different', 'none'] as const) for (const o of [false, true]) combos.push({ multicast: true, s: false, o, tlla });
  const words = { none: 'no TLLA', same: 'the same TLLA', different: 'a different TLLA' };
  return combos.map((c, i) => {
    const letter = String.fromCharCode(65 + i);
    const tllaWords = c.multicast && c.tlla === 'none' ? 'NO TLLA' : words[c.tlla];
    return {
      id: `v6LC.${testNumber}-${letter}`,
      title: `${test}: Part ${letter}: Receiving ${c.multicast ? 'Multicast' : 'Unicast'} NA with S = ${Number(c.s)}, O = ${Number(c.o)} and ${tllaWords}`,
      rfc: RFC,
      appliesTo: ALL_MODES,
      run: (ctx) => naWithEntry(ctx, start, c),
    };
  });
}
