// Router-only cases (TAHI's "Routers Only"): the NUT forwards between Link0 and Link1. TN1 sits on Link0
// and TN2 on Link1, each with a global address on its link's prefix; the NUT has 3ffe:501:ffff:100::1 and
// 3ffe:501:ffff:101::1. Cases: v6LC.1.1.9 (hop limit decrement), v6LC.5.1.3-A (no route), v6LC.5.1.4-A
// (Packet Too Big generation), v6LC.5.1.5-A/B (Time Exceeded generation).
import { normalizeIpv6, type DecodedFrame, type FrameSpec } from '@testlab/packet';
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { SimulatedNode } from '../runner/simulated-node.js';
import { ANSWER_WINDOW_MS, ETHERNET_MTU, LINK0_PREFIX, LINK1_PREFIX, MIN_MTU, pattern, sleep, tnWithMac } from './common.js';
import { globalOf } from './global-address.js';
import { expectIcmpError, toTester } from './probes.js';

const ECHO_ID = 0x0f0d;

interface Across {
  tn1: SimulatedNode;
  tn2: SimulatedNode;
  /** An Echo Request from TN1 to TN2, handed to the NUT on Link0. */
  request(o?: { hopLimit?: number; size?: number; seq?: number; to?: string }): FrameSpec;
}

function across(ctx: CaseContext, n: number): Across {
  if (!ctx.hasLink('Link1')) throw new Error('a router case needs the NUT on Link0 and Link1');
  const s1 = tnWithMac('TN1', 0xf100 + n);
  const s2 = tnWithMac('TN2', 0xf200 + n);
  const tn1 = ctx.node({ ...s1, address: globalOf(s1.mac, LINK0_PREFIX) });
  const tn2 = ctx.node({ ...s2, address: globalOf(s2.mac, LINK1_PREFIX) }, 'Link1');
  const nut = ctx.nutOn();
  return {
    tn1,
    tn2,
    request: (o = {}) => ({
      eth: { src: tn1.mac, dst: nut.mac },
      ipv6: { src: tn1.address, dst: o.to ?? tn2.address, ...(o.hopLimit !== undefined ? { hopLimit: o.hopLimit } : {}) },
      icmpv6: { type: 'echo-request', id: ECHO_ID, seq: o.seq ?? 1, data: pattern((o.size ?? 64) - 48) },
    }),
  };
}

const forwardedRequest = (a: Across, seq = 1) => (f: DecodedFrame): boolean =>
  toTester(a.tn2.address)(f) && f.icmpv6?.type === 'echo-request' && f.icmpv6.id === ECHO_ID && f.icmpv6.seq === seq;

const ROUTER = ['router'] as const;

export const hopLimitDecrement: CaseDefinition = {
  id: 'v6LC.1.1.9',
  title: 'Hop Limit Decrement - Intermediate Node (Routers Only)',
  rfc: 'RFC 8200 §3',
  appliesTo: ROUTER,
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

function timeExceeded(part: 'A' | 'B', hopLimit: 0 | 1): CaseDefinition {
  const rfc = 'RFC 4443 §3.3, RFC 8200 §3';
  return {
    id: `v6LC.5.1.5-${part}`,
    title: `Hop Limit Exceeded (Time Exceeded Generation) (Routers Only): Part ${part}: ${hopLimit === 0 ? 'Receive Hop Limit 0' : 'Decrement Hop Limit to 0'}`,
    rfc,
    appliesTo: ROUTER,
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
  appliesTo: ROUTER,
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
  appliesTo: ROUTER,
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

/**
 * A packet the router must forward untouched but for the hop limit (RFC 8200 §3): traffic class and flow
 * label (§6, §7, RFC 6437 §3), an odd payload length, bytes after No Next Header (§4.7).
 */
function forwardedIntact(o: { id: string; title: string; rfc: string; what: string; n: number; shape: (request: FrameSpec) => FrameSpec }): CaseDefinition {
  return {
    id: o.id,
    title: o.title,
    rfc: o.rfc,
    appliesTo: ROUTER,
    async run(ctx) {
      const a = across(ctx, o.n);
      const sent = await ctx.link().send(o.shape(a.request({ hopLimit: 15 })), `TN1 to TN2 across the NUT: ${o.what}`);
      const out = await ctx.link('Link1').expect((f) => toTester(a.tn2.address)(f) && normalizeIpv6(f.ipv6!.src) === a.tn1.address, ANSWER_WINDOW_MS);
      if (!out) return fail(o.rfc, `${o.what} forwarded to TN2 on Link1`, ctx.link('Link1').seenSinceSend(toTester(a.tn2.address)));
      // The forwarded IPv6 packet must be the one sent, octet for octet, with the hop limit one lower.
      const expected = sent.slice(14);
      expected[7] = 14;
      const got = out.bytes.subarray(14, 14 + 40 + (out.frame.ipv6?.payloadLength ?? 0));
      const at = expected.findIndex((b, i) => b !== got[i]);
      if (got.length !== expected.length || at !== -1) {
        const where = at === -1 ? `length ${got.length} instead of ${expected.length}` : `octet ${at} is 0x${(got[at] ?? 0).toString(16)}, not 0x${(expected[at] ?? 0).toString(16)}`;
        return fail(o.rfc, `${o.what} forwarded unchanged but for the hop limit`, `the forwarded packet differs: ${where}`);
      }
      return pass(`${o.what} forwarded unchanged, hop limit 15 -> 14`);
    },
  };
}

export const forwardedIntactCases: CaseDefinition[] = [
  forwardedIntact({
    id: 'v6LC.1.1.3',
    title: 'Traffic Class Non-Zero - Intermediate Node (Routers Only)',
    rfc: 'RFC 8200 §7',
    what: 'an Echo Request with traffic class 0x12',
    n: 0x13,
    shape: (r) => ({ ...r, ipv6: { ...r.ipv6!, trafficClass: 0x12 } }),
  }),
  forwardedIntact({
    id: 'v6LC.1.1.4-B',
    title: 'Flow Label Non-Zero: Part B: RUT forwards Non-Zero Flow Label (Routers Only)',
    rfc: 'RFC 8200 §6, RFC 6437 §3',
    what: 'an Echo Request with flow label 0x34567',
    n: 0x14,
    shape: (r) => ({ ...r, ipv6: { ...r.ipv6!, flowLabel: 0x34567 } }),
  }),
  forwardedIntact({
    id: 'v6LC.1.1.5-B',
    title: 'Payload Length: Part B: RUT forwards Payload Length Odd (Routers Only)',
    rfc: 'RFC 8200 §3',
    what: 'an Echo Request with an odd Payload Length (17)',
    n: 0x15,
    shape: (r) => (r.icmpv6?.type === 'echo-request' ? { ...r, icmpv6: { ...r.icmpv6, data: pattern(9) } } : r),
  }),
  forwardedIntact({
    id: 'v6LC.1.1.6-B',
    title: 'No Next Header after IPv6 Header: Part B: RUT Forwards No Next Header - (Routers Only)',
    rfc: 'RFC 8200 §4.7',
    what: 'a packet with Next Header 59 and 16 octets after it',
    n: 0x16,
    shape: ({ icmpv6: _, ...r }) => ({ ...r, payload: { nextHeader: 59, bytes: pattern(16) } }),
  }),
  forwardedIntact({
    id: 'v6LC.1.2.2-B',
    title: 'No Next Header after Extension Header: Part B: Intermediate Node (Routers Only)',
    rfc: 'RFC 8200 §4.7',
    what: 'a Destination Options header with Next Header 59 and 16 octets after it',
    n: 0x22,
    shape: ({ icmpv6: _, ...r }) => ({ ...r, extensionHeaders: [{ type: 'destination-options' }], payload: { nextHeader: 59, bytes: pattern(16) } }),
  }),
];
