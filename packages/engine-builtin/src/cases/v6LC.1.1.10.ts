// v6LC.1.1.10 Source and Destination Address - Intermediate Node (RFC 8200 §3, RFC 4291 §2.5): a router
// forwards a packet to a global unicast destination (A; B: a prefix ending in zero-valued fields, through
// its default route) and to a site-local one (G, through its default route); it forwards none from the
// unspecified (C) or a link-local source (E), nor to the loopback (D) or a link-local destination (F). The
// multicast parts (H-K) need multicast routing on the NUT (TAHI: MULTICAST_ROUTING). After a part that must
// not forward, a well-formed packet must be forwarded, so the silence is not a router that forwards nothing.
import { linkLocalFromMac, normalizeIpv6, slaacAddress } from '@testlab/packet';
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { across, type Across } from '../vocabulary/forwarding.js';
import { withoutMulticastRouting } from '../vocabulary/multicast-routing.js';
import { ROUTER_MODES } from '../vocabulary/nut-modes.js';
import { ANSWER_WINDOW_MS } from '../vocabulary/timing.js';

const RFC = 'RFC 8200 §3, RFC 4291 §2.5';
const TITLE = 'Source and Destination Address - Intermediate Node (Routers Only)';

/** A default route through TN2's link-local address on Link1 (TAHI's setup gives the RUT one), undone afterwards. */
async function defaultRouteViaTn2(ctx: CaseContext, a: Across): Promise<void> {
  const link1 = ctx.nutOn('Link1');
  const gateway = ctx.node({ name: 'TN2', mac: a.tn2.mac }, 'Link1');
  await ctx.nutCommand(['ip', '-6', 'route', 'add', 'default', 'via', gateway.address, 'dev', link1.ifname]);
  ctx.onCleanup('remove the default route through TN2', async () => void (await ctx.nutCommand(['ip', '-6', 'route', 'del', 'default', 'via', gateway.address, 'dev', link1.ifname])));
}

async function forwarded(ctx: CaseContext, a: Across, o: { to?: string; src?: string; what: string; seq: number }): Promise<CaseVerdict | undefined> {
  const request = a.request({ seq: o.seq, ...(o.to ? { to: o.to } : {}) });
  await ctx.link().send(o.src ? { ...request, ipv6: { ...request.ipv6!, src: o.src } } : request, o.what);
  const out = await ctx.link('Link1').expect((f) => f.icmpv6?.type === 'echo-request' && f.icmpv6.seq === o.seq && f.eth?.dst === a.tn2.mac, ANSWER_WINDOW_MS);
  if (!out) return fail(RFC, `${o.what} forwarded to TN2 on Link1`, ctx.link('Link1').seenSinceSend((f) => f.icmpv6?.type === 'echo-request'));
  return undefined;
}

function mustForward(letter: string, partTitle: string, dst: (a: Across) => string | undefined, viaDefault: boolean): CaseDefinition {
  return {
    id: `v6LC.1.1.10-${letter}`,
    title: `${TITLE}: Part ${letter}: ${partTitle}`,
    rfc: RFC,
    appliesTo: ROUTER_MODES,
    async run(ctx) {
      const a = across(ctx, 0xa0 + letter.charCodeAt(0));
      if (viaDefault) await defaultRouteViaTn2(ctx, a);
      const to = dst(a) ?? a.tn2.address;
      return (await forwarded(ctx, a, { to, what: `an Echo Request from TN1 to ${to}`, seq: 1 })) ?? pass(`an Echo Request to ${to} was forwarded to TN2 on Link1`);
    },
  };
}

function mustNotForward(letter: string, partTitle: string, shape: (a: Across) => { to?: string; src?: string }): CaseDefinition {
  return {
    id: `v6LC.1.1.10-${letter}`,
    title: `${TITLE}: Part ${letter}: ${partTitle}`,
    rfc: RFC,
    appliesTo: ROUTER_MODES,
    async run(ctx) {
      const a = across(ctx, 0xa0 + letter.charCodeAt(0));
      const s = shape(a);
      const what = `an Echo Request from ${s.src ?? 'TN1'} to ${s.to ?? 'TN2'}`;
      const request = a.request({ ...(s.to ? { to: s.to } : {}) });
      await ctx.link().send({ ...request, ipv6: { ...request.ipv6!, ...(s.src ? { src: s.src } : {}) } }, what);
      const out = await ctx.link('Link1').expectNothing((f) => f.icmpv6?.type === 'echo-request' && f.icmpv6.seq === 1, ANSWER_WINDOW_MS);
      if (out) return fail(RFC, `${what} not forwarded`, `it forwarded on Link1 to ${out.frame.ipv6?.dst}`);
      const control = await forwarded(ctx, a, { what: 'control: a well-formed Echo Request from TN1 to TN2', seq: 2 });
      return control ?? pass(`${what} was not forwarded; a well-formed one was`);
    },
  };
}

function needsMulticastRouting(letter: string, partTitle: string): CaseDefinition {
  return { id: `v6LC.1.1.10-${letter}`, title: `${TITLE}: Part ${letter}: ${partTitle}`, rfc: `${RFC}, RFC 4291 §2.7`, appliesTo: ROUTER_MODES, run: (ctx) => withoutMulticastRouting(ctx) };
}

const iidOf = (a: Across) => normalizeIpv6(linkLocalFromMac(a.tn2.mac)).replace('fe80::', '');

export const cases: CaseDefinition[] = [
  mustForward('A', 'Request sent to Global Unicast address', () => undefined, false),
  mustForward('B', 'Request sent to Global Unicast address (prefix end in zero-valued fields)', (a) => normalizeIpv6(slaacAddress('8000::', a.tn2.mac)), true),
  mustNotForward('C', 'Request sent from unspecified address', () => ({ src: '::' })),
  mustNotForward('D', 'Request sent to Lookback address', () => ({ to: '::1' })),
  mustNotForward('E', 'Request sent from Link Local address', (a) => ({ src: normalizeIpv6(linkLocalFromMac(a.tn1.mac)) })),
  mustNotForward('F', 'Request sent to Link Local address', (a) => ({ to: normalizeIpv6(linkLocalFromMac(a.tn2.mac)) })),
  mustForward('G', 'Request sent to Site-Local address', (a) => normalizeIpv6(`fec0::${iidOf(a)}`), true),
  needsMulticastRouting('H', 'Request sent to Global Scope multicast address'),
  needsMulticastRouting('I', 'Request sent to Link-local Scope multicast address'),
  needsMulticastRouting('J', 'Request sent to Multicast address (Reserved Value = 0)'),
  needsMulticastRouting('K', 'Request sent to Multicast address (Reserved Value = F)'),
];

