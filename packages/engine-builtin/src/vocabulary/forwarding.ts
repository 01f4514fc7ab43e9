// The router cases' setting (TAHI's "Routers Only"): the NUT forwards between Link0 and Link1. TN1 sits on
// Link0 and TN2 on Link1, each with a global address on its link's prefix; the NUT has 3ffe:501:ffff:100::1
// and 3ffe:501:ffff:101::1. Also the factory of the cases where a packet must be forwarded intact.
import { normalizeIpv6, type DecodedFrame, type FrameSpec } from '@testlab/packet';
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { SimulatedNode } from '../runner/simulated-node.js';
import { globalOf } from './global-address.js';
import { ROUTER_MODES } from './nut-modes.js';
import { pattern } from './payload.js';
import { toTester } from './probe-outcomes.js';
import { LINK0_PREFIX, LINK1_PREFIX } from './tahi-network.js';
import { tnWithMac } from './tester-nodes.js';
import { ANSWER_WINDOW_MS } from './timing.js';

const ECHO_ID = 0x0f0d;

export interface Across {
  tn1: SimulatedNode;
  tn2: SimulatedNode;
  /** An Echo Request from TN1 to TN2, handed to the NUT on Link0. */
  request(o?: { hopLimit?: number; size?: number; seq?: number; to?: string }): FrameSpec;
}

export function across(ctx: CaseContext, n: number): Across {
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

export const forwardedRequest = (a: Across, seq = 1) => (f: DecodedFrame): boolean =>
  toTester(a.tn2.address)(f) && f.icmpv6?.type === 'echo-request' && f.icmpv6.id === ECHO_ID && f.icmpv6.seq === seq;

/**
 * A packet the router must forward untouched but for the hop limit (RFC 8200 §3): traffic class and flow
 * label (§6, §7, RFC 6437 §3), an odd payload length, bytes after No Next Header (§4.7).
 */
export function forwardedIntact(o: { id: string; title: string; rfc: string; what: string; n: number; shape: (request: FrameSpec) => FrameSpec }): CaseDefinition {
  return {
    id: o.id,
    title: o.title,
    rfc: o.rfc,
    appliesTo: ROUTER_MODES,
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
