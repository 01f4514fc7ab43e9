// v6LC.2.1.16 Neighbor Advertisement Processing, No NCE (RFC 4861 §7.2.5): an unsolicited NA for a
// neighbor the NUT has no entry for is silently discarded, whatever its flags. Seen on the wire: when TN1
// then pings the NUT, the NUT must resolve TN1 (NS) instead of answering straight to the advertised MAC.
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { answerSolicitations } from '../vocabulary/address-resolution.js';
import { echoFrom, echoReplyTo } from '../vocabulary/echo.js';
import { isNsFor, naFrom } from '../vocabulary/nd-messages.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { ND_TN1 } from '../vocabulary/tester-nodes.js';
import { ANSWER_WINDOW_MS, sleep } from '../vocabulary/timing.js';

const TEST = 'Neighbor Advertisement Processing, No NCE';
const RFC = 'RFC 4861 §7.2.5';

async function naWithoutEntryDiscarded(ctx: CaseContext, o: { s: boolean; o: boolean; tlla: boolean }) {
  const what = `S = ${Number(o.s)}, O = ${Number(o.o)}, ${o.tlla ? 'and TLLA' : 'and no TLLA'}`;
  await ctx.link().send(naFrom(ctx, ND_TN1, { solicited: o.s, override: o.o, tlla: o.tlla ? ND_TN1.mac : null }), `unsolicited NA with ${what}`);
  await sleep(300);
  const stop = answerSolicitations(ctx, ND_TN1);
  try {
    await echoFrom(ctx, ND_TN1, 1, 'TN1 pings the NUT: the NUT must first resolve TN1');
    const first = await ctx.link().expect((f) => isNsFor(ND_TN1.address)(f) || echoReplyTo(ND_TN1, 1)(f), ANSWER_WINDOW_MS);
    if (!first) return fail('RFC 4443 §4.2', 'an Echo Reply or a Neighbor Solicitation for TN1', ctx.link().seenSinceSend());
    if (first.frame.icmpv6?.type === 'echo-reply') {
      return fail(RFC, `an NA with ${what} for an unknown neighbor discarded (no entry created)`, 'the Echo Reply sent to TN1 without resolving it first');
    }
    return pass(`NA with ${what} discarded: the NUT solicited TN1 before answering`);
  } finally {
    stop();
  }
}

const combos: Array<[string, boolean, boolean, boolean]> = [
  ['A', false, false, true], ['B', false, true, true], ['C', true, false, true], ['D', true, true, true],
  ['E', false, false, false], ['F', false, true, false], ['G', true, false, false], ['H', true, true, false],
];

export const cases: CaseDefinition[] = combos.map(([letter, s, o, tlla]) => ({
  id: `v6LC.2.1.16-${letter}`,
  title: `${TEST}: Part ${letter}: Receiving NA with S = ${Number(s)}, O = ${Number(o)}, and ${tlla ? 'TLLA' : 'NO TLLA'}`,
  rfc: RFC,
  appliesTo: ALL_MODES,
  run: (ctx) => naWithoutEntryDiscarded(ctx, { s, o, tlla }),
}));
