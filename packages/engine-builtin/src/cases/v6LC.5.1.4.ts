// v6LC.5.1.4 Packet Too Big Message Generation (RFC 4443 §3.2): a router that cannot forward a packet because
// the next link's MTU is too small reports that MTU.
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { across } from '../vocabulary/forwarding.js';
import { ROUTER_MODES } from '../vocabulary/nut-modes.js';
import { expectIcmpError } from '../vocabulary/probe-outcomes.js';
import { ETHERNET_MTU, MIN_MTU } from '../vocabulary/tahi-network.js';
import { sleep } from '../vocabulary/timing.js';
import { withoutMulticastRouting } from '../vocabulary/multicast-routing.js';

const packetTooBigGeneration: CaseDefinition = {
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

/** Part B: a packet to a multicast group with a listener behind a smaller Link1: needs multicast forwarding. */
const packetTooBigMulticast: CaseDefinition = {
  id: 'v6LC.5.1.4-B',
  title: 'Packet Too Big Message Generation (Routers Only): Part B: Multicast Destination',
  rfc: 'RFC 4443 §3.2, §2.4 (e.3)',
  appliesTo: ROUTER_MODES,
  run: (ctx) => withoutMulticastRouting(ctx),
};

export const cases: CaseDefinition[] = [packetTooBigGeneration, packetTooBigMulticast];
