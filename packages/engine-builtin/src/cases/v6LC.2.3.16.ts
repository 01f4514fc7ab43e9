// v6LC.2.3.16 Redirect - Transmit (RFC 4861 §8.2): a router that forwards a packet back out the link it came
// in on, from a neighbor, tells the sender of a better first hop: TN2 itself when TN2 is on that link (A),
// TR1 when TR1 is the next hop (B). It sends no Redirect when the source is not a neighbor (C) or the
// destination is multicast (D); there a Redirect for a packet as in B must follow (the control), so a
// router that never redirects cannot pass.
import { normalizeIpv6, solicitedNodeMulticast, type DecodedFrame, type FrameSpec } from '@testlab/packet';
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { globalOf } from '../vocabulary/global-address.js';
import { ROUTER_MODES } from '../vocabulary/nut-modes.js';
import { pattern } from '../vocabulary/payload.js';
import { OFF_LINK_PREFIX } from '../vocabulary/tahi-network.js';
import { tnWithMac, TR1 } from '../vocabulary/tester-nodes.js';
import { ANSWER_WINDOW_MS } from '../vocabulary/timing.js';

const RFC = 'RFC 4861 §8.2';
const TEST = 'Redirect - Transmit (Routers Only)';
const ECHO_ID = 0x2316;

interface Lan {
  tn1: { mac: string; address: string };
  tr1: { mac: string; address: string };
}

/** Common Test Setup 1.1 for a router: a default route through TR1 on Link0; TN1 on Link0 with a global address. */
async function routerWithDefaultViaTr1(ctx: CaseContext, n: number): Promise<Lan> {
  const link = ctx.nutOn();
  const tr1 = ctx.node(TR1);
  await ctx.nutCommand(['/usr/sbin/ip', '-6', 'route', 'replace', 'default', 'via', tr1.address, 'dev', link.ifname]);
  ctx.onCleanup('remove the default route through TR1', async () => void (await ctx.nutCommand(['/usr/sbin/ip', '-6', 'route', 'del', 'default', 'via', tr1.address, 'dev', link.ifname])));
  const spec = tnWithMac('TN1', 0x2300 + n);
  const tn1 = ctx.node({ ...spec, address: globalOf(spec.mac) });
  return { tn1, tr1 };
}

function echoThroughNut(ctx: CaseContext, from: { mac: string; address: string }, to: string, seq: number): FrameSpec {
  // 8 octets of data, as TAHI's payload8: the 56-octet packet fits a Redirected Header whole.
  return { eth: { src: from.mac, dst: ctx.nutOn().mac }, ipv6: { src: from.address, dst: to }, icmpv6: { type: 'echo-request', id: ECHO_ID, seq, data: pattern(8) } };
}

const isRedirectTo = (address: string) => (f: DecodedFrame): boolean => f.icmpv6?.type === 'redirect' && normalizeIpv6(f.ipv6!.dst) === normalizeIpv6(address);

/** What TAHI's local_redirect* frames accept: every field, and the options if the router sent them. */
function redirectProblem(ctx: CaseContext, r: ReceivedFrame, sent: Uint8Array, want: { target: string; destination: string; tlla: string }): string | undefined {
  const m = r.frame.icmpv6;
  if (m?.type !== 'redirect' || !r.frame.ipv6) return 'not a Redirect';
  if (normalizeIpv6(r.frame.ipv6.src) !== ctx.nutOn().linkLocal) return `source ${r.frame.ipv6.src}, not the router's link-local address`;
  if (r.frame.ipv6.hopLimit !== 255) return `hop limit ${r.frame.ipv6.hopLimit}`;
  if (m.code !== 0 || !m.checksumOk) return `ICMPv6 code ${m.code}${m.checksumOk ? '' : ' and a bad checksum'}`;
  if (normalizeIpv6(m.target) !== normalizeIpv6(want.target)) return `Target Address ${m.target}, not ${want.target}`;
  if (normalizeIpv6(m.destination) !== normalizeIpv6(want.destination)) return `Destination Address ${m.destination}, not ${want.destination}`;
  if (r.bytes.length - 14 > 1280) return `${r.bytes.length - 14} octets, more than the 1280 of the minimum MTU`;
  for (const o of m.options) {
    if (o.type === 'target-lla' && o.mac !== want.tlla) return `a TLLA of ${o.mac}, not ${want.tlla}`;
    if (o.type === 'redirected-header') {
      // The packet as TN1 sent it, hop limit 64 (quoted before forwarding) or 63 (after).
      const packet = sent.subarray(14);
      const quote = o.packet.subarray(0, packet.length);
      const same = quote.length === packet.length && quote.every((b, i) => b === packet[i] || (i === 7 && b === (packet[7]! - 1)));
      if (!same) return 'a Redirected Header that is not the Echo Request TN1 sent';
    }
  }
  return undefined;
}

/** Sends TN1's packet through the router and waits for the Redirect that names `want.target`. */
async function redirectSent(ctx: CaseContext, lan: Lan, packet: FrameSpec, want: { target: string; destination: string; tlla: string }, what: string): Promise<CaseVerdict | undefined> {
  const sent = await ctx.link().send(packet, what);
  const r = await ctx.link().expect(isRedirectTo(lan.tn1.address), ANSWER_WINDOW_MS);
  const expected = `a Redirect to TN1 naming ${want.target} as the first hop for ${want.destination} after ${what}`;
  if (!r) return fail(RFC, expected, `${ctx.link().seenSinceSend((f) => f.icmpv6?.type !== 'neighbor-solicitation' && f.icmpv6?.type !== 'neighbor-advertisement')}: no Redirect`);
  const problem = redirectProblem(ctx, r, sent, want);
  return problem ? fail(RFC, expected, `a Redirect with ${problem}`) : undefined;
}

/** TN2 off-link behind TR1 (TAHI's prefix X of Part B). */
const offLinkTn2 = () => globalOf(tnWithMac('TN2', 0x2316).mac, OFF_LINK_PREFIX);

const sendRedirect: CaseDefinition = {
  id: 'v6LC.2.3.16-A',
  title: `${TEST}: Part A: Send Redirect`,
  rfc: RFC,
  appliesTo: ROUTER_MODES,
  async run(ctx) {
    const lan = await routerWithDefaultViaTr1(ctx, 1);
    const ifname = ctx.nutOn().ifname;
    // Setup ii: prefix X is on Link0, where TN2 is, next to TN1.
    await ctx.nutCommand(['/usr/sbin/ip', '-6', 'route', 'replace', `${OFF_LINK_PREFIX}/64`, 'dev', ifname]);
    ctx.onCleanup(`take ${OFF_LINK_PREFIX}/64 off Link0`, async () => void (await ctx.nutCommand(['/usr/sbin/ip', '-6', 'route', 'del', `${OFF_LINK_PREFIX}/64`, 'dev', ifname])));
    const spec = tnWithMac('TN2', 0x2316);
    const tn2 = ctx.node({ ...spec, address: globalOf(spec.mac, OFF_LINK_PREFIX) });
    const failed = await redirectSent(ctx, lan, echoThroughNut(ctx, lan.tn1, tn2.address, 1), { target: tn2.address, destination: tn2.address, tlla: tn2.mac }, 'TN1 pings TN2, on Link0 too, through the router');
    return failed ?? pass('the router redirected TN1 to TN2 on Link0');
  },
};

const sendRedirectToTr1: CaseDefinition = {
  id: 'v6LC.2.3.16-B',
  title: `${TEST}: Part B: Send Redirect to Alternate Router`,
  rfc: RFC,
  appliesTo: ROUTER_MODES,
  async run(ctx) {
    const lan = await routerWithDefaultViaTr1(ctx, 2);
    const tn2 = offLinkTn2();
    const failed = await redirectSent(ctx, lan, echoThroughNut(ctx, lan.tn1, tn2, 1), { target: lan.tr1.address, destination: tn2, tlla: lan.tr1.mac }, 'TN1 pings off-link TN2 through the router, whose next hop is TR1');
    return failed ?? pass('the router redirected TN1 to TR1 for off-link TN2');
  },
};

/** Parts C and D: no Redirect for `packet`; then one for TN1's ping to off-link TN2 (the control). */
function noRedirect(letter: string, partTitle: string, n: number, what: string, packet: (ctx: CaseContext, lan: Lan) => FrameSpec): CaseDefinition {
  return {
    id: `v6LC.2.3.16-${letter}`,
    title: `${TEST}: Part ${letter}: ${partTitle}`,
    rfc: RFC,
    appliesTo: ROUTER_MODES,
    async run(ctx) {
      const lan = await routerWithDefaultViaTr1(ctx, n);
      await ctx.link().send(packet(ctx, lan), what);
      const redirect = await ctx.link().expectNothing((f) => f.icmpv6?.type === 'redirect', ANSWER_WINDOW_MS);
      if (redirect) return fail(RFC, `no Redirect for ${what}`, `a Redirect to ${redirect.frame.ipv6?.dst} naming ${redirect.frame.icmpv6?.type === 'redirect' ? redirect.frame.icmpv6.target : '?'}`);
      const tn2 = offLinkTn2();
      const control = await redirectSent(ctx, lan, echoThroughNut(ctx, lan.tn1, tn2, 2), { target: lan.tr1.address, destination: tn2, tlla: lan.tr1.mac }, 'TN1 pings off-link TN2 through the router (control)');
      return control ?? pass(`no Redirect for ${what}; one for the control`);
    },
  };
}

export const cases: CaseDefinition[] = [
  sendRedirect,
  sendRedirectToTr1,
  noRedirect('C', 'Source not neighbor', 3, 'a packet from an off-link source (TN1 at an address in prefix X)', (ctx, lan) => {
    const tn1OffLink = { mac: lan.tn1.mac, address: globalOf(lan.tn1.mac, OFF_LINK_PREFIX) };
    return echoThroughNut(ctx, tn1OffLink, offLinkTn2(), 1);
  }),
  noRedirect('D', 'Destination Multicast', 4, "a packet to TN2's solicited-node multicast address", (ctx, lan) => echoThroughNut(ctx, lan.tn1, solicitedNodeMulticast(offLinkTn2()), 1)),
];
