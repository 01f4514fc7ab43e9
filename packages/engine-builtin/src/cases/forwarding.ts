// Router-only cases of Section 5 (TAHI's "Routers Only"), until they move to their own files: v6LC.5.1.3-A (no
// route), v6LC.5.1.4-A (Packet Too Big generation), v6LC.5.1.5-A/B (Time Exceeded generation).
import { normalizeIpv6 } from '@testlab/packet';
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { across, forwardedRequest } from '../vocabulary/forwarding.js';
import { ROUTER_MODES } from '../vocabulary/nut-modes.js';
import { expectIcmpError } from '../vocabulary/probe-outcomes.js';
import { ETHERNET_MTU, MIN_MTU } from '../vocabulary/tahi-network.js';
import { sleep } from '../vocabulary/timing.js';

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

export const timeExceededCases = [timeExceeded('A', 0), timeExceeded('B', 1)];

export const routeUnreachable: CaseDefinition = {
  id: 'v6LC.5.1.3-A',
  title: 'Destination Unreachable Message Generation: Part A: Route Unreachable - Routers Only',
  rfc: 'RFC 4443 §3.1',
  appliesTo: ROUTER_MODES,
  async run(ctx) {
    const a = across(ctx, 0x3a);
    // A prefix the NUT has no route for (no default route on a TAHI router NUT).
    const r = await expectIcmpError(ctx, a.request({ to: '3ffe:501:ffff:200::1' }), a.tn1.address, { type: 'destination-unreachable', code: 0 }, { rfc: 'RFC 4443 §3.1', what: 'an Echo Request to 3ffe:501:ffff:200::1 (no route)' });
    return 'failed' in r ? r.failed : pass('Destination Unreachable code 0 (no route to destination)');
  },
};

export const packetTooBigGeneration: CaseDefinition = {
  id: 'v6LC.5.1.4-A',
  title: 'Packet Too Big Message Generation (Routers Only): Part A: Unicast Destination',
  rfc: 'RFC 4443 §3.2',
  appliesTo: ROUTER_MODES,
  async run(ctx) {
    const rfc = 'RFC 4443 §3.2';
    const a = across(ctx, 0x4a);
    const link1 = ctx.nutOn('Link1');
    await ctx.nutCommand(['ip', 'link', 'set', 'dev', link1.ifname, 'mtu', String(MIN_MTU)]);
    ctx.onCleanup(`give ${link1.ifname} its MTU of ${ETHERNET_MTU} back`, async () => void (await ctx.nutCommand(['ip', 'link', 'set', 'dev', link1.ifname, 'mtu', String(ETHERNET_MTU)])));
    await sleep(200);
    const r = await expectIcmpError(ctx, a.request({ size: ETHERNET_MTU }), a.tn1.address, { type: 'packet-too-big', code: 0 }, { rfc, what: `a ${ETHERNET_MTU}-octet Echo Request to TN2 behind a ${MIN_MTU}-octet Link1` });
    if ('failed' in r) return r.failed;
    const m = r.error.frame.icmpv6!;
    if (m.type !== 'packet-too-big' || m.mtu !== MIN_MTU) return fail(rfc, `Packet Too Big with MTU ${MIN_MTU} (Link1's)`, `MTU ${m.type === 'packet-too-big' ? m.mtu : '?'}`);
    if (r.error.bytes.length - 14 > MIN_MTU) return fail('RFC 4443 §2.4 (c)', `the Packet Too Big no larger than ${MIN_MTU} octets`, `${r.error.bytes.length - 14} octets`);
    return pass(`Packet Too Big with MTU ${MIN_MTU}, ${r.error.bytes.length - 14} octets`);
  },
};
