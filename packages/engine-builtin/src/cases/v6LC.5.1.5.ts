// v6LC.5.1.5 Hop Limit Exceeded (RFC 4443 §3.3, RFC 8200 §3): a router discards a packet it receives with hop
// limit 0 (A) or would forward with hop limit 0 (B), and sends Time Exceeded code 0.
import { normalizeIpv6 } from '@testlab/packet';
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { across, forwardedRequest } from '../vocabulary/forwarding.js';
import { ROUTER_MODES } from '../vocabulary/nut-modes.js';
import { expectIcmpError } from '../vocabulary/probe-outcomes.js';

function timeExceeded(part: 'A' | 'B', hopLimit: 0 | 1): CaseDefinition {
  const rfc = 'RFC 4443 §3.3, RFC 8200 §3';
  return {
    id: `v6LC.5.1.5-${part}`,
    title: `Hop Limit Exceeded (Time Exceeded Generation) (Routers Only): Part ${part}: ${hopLimit === 0 ? 'Receive Hop Limit 0' : 'Decrement Hop Limit to 0'}`,
    rfc,
    appliesTo: ROUTER_MODES,
    async run(ctx) {
      const a = across(ctx, part === 'A' ? 0x5a : 0x5b);
      const r = await expectIcmpError(ctx, a.request({ hopLimit }), a.tn1.address, { type: 'time-exceeded', code: 0 }, { rfc, what: `an Echo Request to TN2 with hop limit ${hopLimit}` });
      if ('failed' in r) return r.failed;
      if (ctx.link('Link1').seenSinceSend(forwardedRequest(a)) !== 'nothing') return fail(rfc, 'the packet discarded, not forwarded', 'it forwarded on Link1');
      if (normalizeIpv6(r.error.frame.ipv6!.src) === '::') return fail('RFC 4443 §2.2', 'the Time Exceeded from a unicast address of the NUT', 'source ::');
      return pass(`Time Exceeded code 0 for hop limit ${hopLimit}; nothing forwarded`);
    },
  };
}

export const cases: CaseDefinition[] = [timeExceeded('A', 0), timeExceeded('B', 1)];
