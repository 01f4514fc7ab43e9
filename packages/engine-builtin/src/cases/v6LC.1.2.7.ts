// v6LC.1.2.7 Options Processing, Hop-by-Hop Options Header - Intermediate Node (RFC 8200 §4.2, §4.3): a router
// examines the Hop-by-Hop options of a packet it forwards. Pad1, PadN and an unknown 00b option: forwarded
// (A-C); 01b: discarded silently (D); 10b, 11b to a unicast destination and 10b to an off-link multicast one:
// discarded with Parameter Problem code 2 pointing at the option (E, F; G, off-link multicast, needs multicast
// routing on the NUT, else NA); 11b to an on-link multicast
// destination: discarded silently (H). After a silent part, the same packet without the option is forwarded.
import { multicastMac, type FrameSpec, type Ipv6OptionSpec } from '@testlab/packet';
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { across, forwardedRequest, type Across } from '../vocabulary/forwarding.js';
import { ROUTER_MODES } from '../vocabulary/nut-modes.js';
import { withoutMulticastRouting } from '../vocabulary/multicast-routing.js';
import { expectIcmpError, isIcmpError } from '../vocabulary/probe-outcomes.js';
import { ANSWER_WINDOW_MS } from '../vocabulary/timing.js';
import { unknown } from '../vocabulary/unknown-options.js';

const RFC = 'RFC 8200 §4.2, §4.3';
const TITLE = 'Options Processing, Hop-by-Hop Options Header - Intermediate Node (Routers Only)';

type Outcome = 'forwarded' | 'silence' | 'parameter-problem';

function withOptions(a: Across, options: Ipv6OptionSpec[], seq: number, to?: string): FrameSpec {
  const request = a.request({ seq, ...(to ? { to } : {}) });
  const multicast = to?.startsWith('ff') ?? false;
  return { ...request, ...(multicast ? { eth: { ...request.eth, dst: multicastMac(to!) } } : {}), extensionHeaders: [{ type: 'hop-by-hop', options }] };
}

async function forwardedOn(ctx: CaseContext, a: Across, frame: FrameSpec, seq: number, what: string): Promise<CaseVerdict | undefined> {
  await ctx.link().send(frame, what);
  const out = await ctx.link('Link1').expect(forwardedRequest(a, seq), ANSWER_WINDOW_MS);
  if (!out) return fail(RFC, `${what} forwarded to TN2 on Link1`, ctx.link('Link1').seenSinceSend((f) => f.icmpv6?.type === 'echo-request'));
  return undefined;
}

function part(letter: string, partTitle: string, options: Ipv6OptionSpec[], outcome: Outcome, what: string, to?: string, needsMulticastRouting = false): CaseDefinition {
  return {
    id: `v6LC.1.2.7-${letter}`,
    title: `${TITLE}: Part ${letter}: ${partTitle}`,
    rfc: RFC,
    appliesTo: ROUTER_MODES,
    async run(ctx) {
      // An off-link multicast destination reaches a router only through multicast routing (TAHI joins the
      // group behind Link1 and starts pim6dd; without MULTICAST_ROUTING it skips the part).
      if (needsMulticastRouting) return withoutMulticastRouting(ctx);
      const a = across(ctx, 0xc0 + letter.charCodeAt(0));
      const frame = withOptions(a, options, 1, to);
      const sent = `an Echo Request to ${to ?? 'TN2'} with ${what} in a Hop-by-Hop header`;
      if (outcome === 'forwarded') return (await forwardedOn(ctx, a, frame, 1, sent)) ?? pass(`${sent} was forwarded`);
      if (outcome === 'parameter-problem') {
        const r = await expectIcmpError(ctx, frame, a.tn1.address, { type: 'parameter-problem', code: 2, pointer: 42 }, { rfc: RFC, what: sent });
        if ('failed' in r) return r.failed;
        if (ctx.link('Link1').seenSinceSend(forwardedRequest(a, 1)) !== 'nothing') return fail(RFC, `${sent} discarded`, 'it forwarded on Link1');
        return pass(`Parameter Problem code 2 pointer 42 for ${sent}; nothing forwarded`);
      }
      await ctx.link().send(frame, sent);
      const answer = await ctx.link().expectNothing(isIcmpError, ANSWER_WINDOW_MS);
      if (answer) return fail(RFC, `${sent} discarded silently`, `ICMPv6 type ${answer.frame.icmpv6!.icmpType} code ${answer.frame.icmpv6!.code} in answer`);
      if (ctx.link('Link1').seenSinceSend((f) => f.icmpv6?.type === 'echo-request' && f.icmpv6.seq === 1) !== 'nothing') return fail(RFC, `${sent} discarded`, 'it forwarded on Link1');
      const control = await forwardedOn(ctx, a, a.request({ seq: 2 }), 2, 'control: the same Echo Request without the option');
      return control ?? pass(`${sent} was discarded silently; the same request without it was forwarded`);
    },
  };
}

export const cases: CaseDefinition[] = [
  part('A', 'Pad1 Option', Array.from({ length: 6 }, () => ({ type: 0 })), 'forwarded', 'six Pad1 options'),
  part('B', 'PadN Option', [{ type: 1, data: new Uint8Array(4) }], 'forwarded', 'a PadN option'),
  part('C', 'Most Significant Bits 00b', [unknown('00')], 'forwarded', 'an unknown option of type 0x1e (00b: skip)'),
  part('D', 'Most Significant Bits 01b', [unknown('01')], 'silence', 'an unknown option of type 0x5e (01b: discard)'),
  part('E', 'Most Significant Bits 10b, unicast destination', [unknown('10')], 'parameter-problem', 'an unknown option of type 0x9e (10b)'),
  part('F', 'Most Significant Bits 11b, unicast destination', [unknown('11')], 'parameter-problem', 'an unknown option of type 0xde (11b)'),
  part('G', 'Most Significant Bits 10b, off-link multicast destination', [unknown('10')], 'parameter-problem', 'an unknown option of type 0x9e (10b)', 'ff1e::1:2', true),
  part('H', 'Most Significant Bits 11b, on-link multicast destination', [unknown('11')], 'silence', 'an unknown option of type 0xde (11b)', 'ff02::1'),
];
