// v6LC.1.1.9 Hop Limit Decrement - Intermediate Node (RFC 8200 §3): a router forwards with the hop limit one
// lower.
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { across, forwardedRequest } from '../vocabulary/forwarding.js';
import { ROUTER_MODES } from '../vocabulary/nut-modes.js';
import { toTester } from '../vocabulary/probe-outcomes.js';
import { ANSWER_WINDOW_MS } from '../vocabulary/timing.js';

const hopLimitDecrement: CaseDefinition = {
  id: 'v6LC.1.1.9',
  title: 'Hop Limit Decrement - Intermediate Node (Routers Only)',
  rfc: 'RFC 8200 §3',
  appliesTo: ROUTER_MODES,
  async run(ctx) {
    const rfc = 'RFC 8200 §3';
    const a = across(ctx, 0x09);
    await ctx.link().send(a.request({ hopLimit: 15 }), 'TN1 to TN2 across the NUT, hop limit 15');
    const out = await ctx.link('Link1').expect(forwardedRequest(a), ANSWER_WINDOW_MS);
    if (!out) return fail(rfc, 'the Echo Request forwarded to TN2 on Link1', ctx.link('Link1').seenSinceSend(toTester(a.tn2.address)));
    if (out.frame.ipv6!.hopLimit !== 14) return fail(rfc, 'the forwarded packet with hop limit 14 (15 decremented by one)', `hop limit ${out.frame.ipv6!.hopLimit}`);
    return pass('forwarded to Link1 with hop limit 14');
  },
};

export const cases: CaseDefinition[] = [hopLimitDecrement];
