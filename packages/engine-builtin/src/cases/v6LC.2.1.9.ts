// v6LC.2.1.9 Neighbor Solicitation Processing, NCE State INCOMPLETE (RFC 4861 §7.2.3): while the NUT
// resolves TN1, a solicitation from TN1 carrying an SLLA completes the entry (STALE): the NUT answers it
// and sends what it queued to that address. Without an SLLA it must still answer once TN1 is resolved.
import { normalizeIpv6 } from '@testlab/packet';
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { answerSolicitations, isVerdict, provokeResolution } from '../vocabulary/address-resolution.js';
import { echoReplyTo } from '../vocabulary/echo.js';
import { isNaFor, nsToNut } from '../vocabulary/nd-messages.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { ND_TN1, OTHER_MAC } from '../vocabulary/tester-nodes.js';
import { ANSWER_WINDOW_MS } from '../vocabulary/timing.js';

const RFC = 'RFC 4861 §7.2.3';
const TEST = 'Neighbor Solicitation Processing, NCE State INCOMPLETE';

async function nsWhileIncomplete(ctx: CaseContext, o: { unicast: boolean; slla: boolean }) {
  const ns = await provokeResolution(ctx, ND_TN1, 1);
  if (isVerdict(ns)) return ns;
  const what = `a ${o.unicast ? 'unicast' : 'multicast'} NS ${o.slla ? `with SLLA ${OTHER_MAC}` : 'without SLLA'}`;
  // Without an SLLA the NUT can learn nothing from the NS: TN1 then answers the NUT's own solicitations.
  const stop = o.slla ? () => undefined : answerSolicitations(ctx, ND_TN1);
  try {
    await ctx.link().send(nsToNut(ctx, ND_TN1, { unicast: o.unicast, slla: o.slla ? OTHER_MAC : null }), `${what} while the NUT resolves TN1`);
    const lla = o.slla ? OTHER_MAC : ND_TN1.mac;
    const reply = await ctx.link().expect(echoReplyTo(ND_TN1, 1), ANSWER_WINDOW_MS);
    if (!reply) return fail(RFC, `the queued Echo Reply sent once ${what} arrived`, ctx.link().seenSinceSend());
    if (reply.frame.eth?.dst !== lla) return fail(RFC, `the queued Echo Reply sent to ${lla}`, `Ethernet destination ${reply.frame.eth?.dst}`);
    const na = await ctx.link().expect((f) => isNaFor(ctx.nutOn().linkLocal)(f) && normalizeIpv6(f.ipv6?.dst ?? '::') === ND_TN1.address, ANSWER_WINDOW_MS);
    if (!na) return fail('RFC 4861 §7.2.4', `a Neighbor Advertisement answering ${what}`, ctx.link().seenSinceSend());
    return pass(`${what} answered; the queued Echo Reply went to ${lla}`);
  } finally {
    stop();
  }
}

const part = (letter: string, partTitle: string, o: { unicast: boolean; slla: boolean }): CaseDefinition => ({
  id: `v6LC.2.1.9-${letter}`,
  title: `${TEST}: Part ${letter}: ${partTitle}`,
  rfc: RFC,
  appliesTo: ALL_MODES,
  run: (ctx) => nsWhileIncomplete(ctx, o),
});

export const cases: CaseDefinition[] = [
  part('A', 'Unicast Neighbor Solicitation', { unicast: true, slla: true }),
  part('B', 'Multicast Neighbor Solicitation', { unicast: false, slla: true }),
  part('C', 'Unicast Neighbor Solicitation without SLL', { unicast: true, slla: false }),
];
