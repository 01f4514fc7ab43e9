// v6LC.1.1.11 Routing prefixes greater than 64 bits - Intermediate Node (RFC 7608 §2): a router with a default
// route through TR1 and a route of length 65, 96 or 127 through TR2 (both on Link0) forwards TN2's packets by
// the longest match: an address that shares the first 64 bits but not the prefix goes to TR1, addresses in
// the prefix (with the bit after it clear or set) go to TR2. The frame's destination MAC tells which.
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { across } from '../vocabulary/forwarding.js';
import { ROUTER_MODES } from '../vocabulary/nut-modes.js';
import { tnWithMac, TR1 } from '../vocabulary/tester-nodes.js';
import { ANSWER_WINDOW_MS } from '../vocabulary/timing.js';

const RFC = 'RFC 7608 §2';
const TITLE = 'Routing prefixes greater than 64 bits - Intermediate Node (Routers Only)';
const TR2 = tnWithMac('TR2', 0xa1a1);

interface Prefix {
  letter: 'A' | 'B' | 'C';
  length: 65 | 96 | 127;
  route: string;
  /** First 64 bits shared, the prefix not: through TR1 (the default route). */
  outside: string;
  /** In the prefix, and in it with the bit after the prefix set: through TR2. */
  inside: [string, string];
}

const PREFIXES: Prefix[] = [
  { letter: 'A', length: 65, route: '3ffe:501:ffff:0:8000::', outside: '3ffe:501:ffff:0:4000::1', inside: ['3ffe:501:ffff:0:8000::1', '3ffe:501:ffff:0:c000::1'] },
  { letter: 'B', length: 96, route: '3ffe:501:ffff:0:0:1::', outside: '3ffe:501:ffff:0:0:2::1', inside: ['3ffe:501:ffff:0:0:1:0:1', '3ffe:501:ffff:0:0:1:8000:1'] },
  { letter: 'C', length: 127, route: '3ffe:501:ffff::2', outside: '3ffe:501:ffff::4', inside: ['3ffe:501:ffff::2', '3ffe:501:ffff::3'] },
];

function part(p: Prefix): CaseDefinition {
  return {
    id: `v6LC.1.1.11-${p.letter}`,
    title: `${TITLE}: Part ${p.letter}: Prefix Route length ${p.length}`,
    rfc: RFC,
    appliesTo: ROUTER_MODES,
    async run(ctx) {
      const a = across(ctx, 0xb0 + p.length % 16);
      const link0 = ctx.nutOn();
      const tr1 = ctx.node(TR1);
      const tr2 = ctx.node(TR2);
      const route = (verb: 'add' | 'del', prefix: string, via: string) => ctx.nutCommand(['ip', '-6', 'route', verb, prefix, 'via', via, 'dev', link0.ifname]);
      await route('add', 'default', tr1.address);
      ctx.onCleanup('remove the default route through TR1', async () => void (await route('del', 'default', tr1.address)));
      await route('add', `${p.route}/${p.length}`, tr2.address);
      ctx.onCleanup(`remove the route to ${p.route}/${p.length}`, async () => void (await route('del', `${p.route}/${p.length}`, tr2.address)));
      const steps: Array<[string, { name: string; mac: string }]> = [[p.outside, tr1], [p.inside[0], tr2], [p.inside[1], tr2]];
      for (const [seq, [to, next]] of steps.entries()) {
        // TN2 on Link1 sends; the router must hand the packet to the right next hop on Link0.
        const request = a.request({ to, seq: seq + 1 });
        await ctx.link('Link1').send({ ...request, eth: { src: a.tn2.mac, dst: ctx.nutOn('Link1').mac }, ipv6: { ...request.ipv6!, src: a.tn2.address } }, `TN2 to ${to}`);
        const out = await ctx.link().expect((f) => f.icmpv6?.type === 'echo-request' && f.icmpv6.seq === seq + 1, ANSWER_WINDOW_MS);
        const expected = `the Echo Request to ${to} forwarded to ${next.name} (${next.mac}) on Link0 (${p.route}/${p.length} through TR2, default through TR1)`;
        if (!out) return fail(RFC, expected, 'nothing forwarded on Link0');
        if (out.frame.eth?.dst !== next.mac) return fail(RFC, expected, `it sent to ${out.frame.eth?.dst}`);
      }
      return pass(`longest match on a /${p.length}: ${p.outside} through TR1, ${p.inside.join(' and ')} through TR2`);
    },
  };
}

export const cases: CaseDefinition[] = PREFIXES.map(part);
