// v6LC.2.1.8 Neighbor Solicitation Processing, No NCE (RFC 4861 §7.2.3, §7.2.4): the NUT, with no entry
// for TN1, answers TN1's solicitation with a solicited NA sent to TN1. With a source link-layer address
// option it must use it (no solicitation of its own first); a multicast NS also needs the TLLA option.
import { normalizeIpv6 } from '@testlab/packet';
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { answerSolicitations } from '../vocabulary/address-resolution.js';
import { isNaFor, nsToNut } from '../vocabulary/nd-messages.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { ND_TN1 } from '../vocabulary/tester-nodes.js';
import { ANSWER_WINDOW_MS } from '../vocabulary/timing.js';

const TEST = 'Neighbor Solicitation Processing, No NCE';
const RFC = 'RFC 4861 §7.2.4';

async function nsAnswered(ctx: CaseContext, o: { unicast: boolean; slla: boolean }) {
  const nut = ctx.nutOn();
  // Without an SLLA the NUT has to resolve TN1 before it can answer: TN1 then answers for itself.
  const stop = o.slla ? () => undefined : answerSolicitations(ctx, ND_TN1);
  try {
    await ctx.link().send(nsToNut(ctx, ND_TN1, { unicast: o.unicast, slla: o.slla ? ND_TN1.mac : null }), `${o.unicast ? 'unicast' : 'multicast'} NS ${o.slla ? 'with' : 'without'} SLLA`);
    const na = await ctx.link().expect((f) => isNaFor(nut.linkLocal)(f) && normalizeIpv6(f.ipv6?.dst ?? '::') === ND_TN1.address, ANSWER_WINDOW_MS);
    if (!na) return fail(RFC, `a solicited Neighbor Advertisement for ${nut.linkLocal} sent to TN1`, ctx.link().seenSinceSend());
    const m = na.frame.icmpv6;
    if (m?.type !== 'neighbor-advertisement') throw new Error('unreachable');
    if (!m.solicited) return fail(RFC, 'the Solicited flag set in the answer to a solicitation', 'S = 0');
    if (na.frame.eth?.dst !== ND_TN1.mac) return fail('RFC 4861 §7.2.3', `the NA sent to TN1's link-layer address ${ND_TN1.mac}`, `Ethernet destination ${na.frame.eth?.dst}`);
    if (!o.unicast && !m.options.some((x) => x.type === 'target-lla' && x.mac === nut.mac)) {
      return fail(RFC, 'a Target Link-Layer Address option in the answer to a multicast solicitation', 'no TLLA option');
    }
    return pass(`solicited NA sent to TN1${o.slla ? ' straight to its SLLA' : ' after resolving it'}`);
  } finally {
    stop();
  }
}

function part(letter: string, partTitle: string, o: { unicast: boolean; slla: boolean }): CaseDefinition {
  return { id: `v6LC.2.1.8-${letter}`, title: `${TEST}: Part ${letter}: ${partTitle}`, rfc: RFC, appliesTo: ALL_MODES, run: (ctx) => nsAnswered(ctx, o) };
}

export const cases: CaseDefinition[] = [
  part('A', 'Unicast Neighbor Solicitation', { unicast: true, slla: true }),
  part('B', 'Multicast Neighbor Solicitation', { unicast: false, slla: true }),
  part('C', 'Unicast Neighbor Solicitation without SLL', { unicast: true, slla: false }),
];
