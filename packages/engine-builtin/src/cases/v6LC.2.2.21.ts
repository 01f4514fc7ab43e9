// v6LC.2.2.21 Transmitting Route Information Option (RFC 4191 §2.3): a router configured with a route
// advertises it in a Route Information Option: the prefix, its length, the Length field that fits it
// (RFC 4191 §2.3: 3 beyond /64, 2 or 3 up to /64, any of 1-3 for ::/0; radvd always sends 3), the preference and the lifetime; when it ceases to advertise (Part E) its final RA carries
// Router Lifetime 0 and the route with Route Lifetime 0. radvd builds the RAs; the kernel only sends them.
import { normalizeIpv6 } from '@testlab/packet';
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import type { AdvertisedRoute } from '../modes/radvd-conf.js';
import { stopAdvertising } from '../vocabulary/advertising-router.js';
import { advertiseAsSet } from '../vocabulary/ra-answers.js';
import { isRaFromNut, PREFERENCE, preferenceName, raOf, routeInfos } from '../vocabulary/router-solicitations.js';

const RFC = 'RFC 4191 §2.3';
const TEST = 'Transmitting Route Information Option (Routers Only)';

/** RFC 4191 §2.3: "If Prefix Length is greater than 64, then Length must be 3. If Prefix Length is greater than 0, then Length must be 2 or 3. If Prefix Length is zero, then Length must be 1, 2, or 3." */
const rioLengths = (len: number): number[] => (len === 0 ? [1, 2, 3] : len <= 64 ? [2, 3] : [3]);

function rioProblem(ra: ReceivedFrame, r: AdvertisedRoute, lifetime: number): string | undefined {
  const m = raOf(ra);
  const want = normalizeIpv6(r.prefix);
  const rio = routeInfos(m).find((x) => x.length === r.length && x.prefix === want);
  if (!rio) return `no Route Information Option for ${r.prefix}/${r.length} (options: ${routeInfos(m).map((x) => `${x.prefix}/${x.length}`).join(', ') || 'none'})`;
  const option = m.options.find((o) => o.optionType === 24 && o.type === 'other' && o.body[0] === r.length);
  const problems: string[] = [];
  if (option && !rioLengths(r.length).includes(option.length)) problems.push(`Length ${option.length} (RFC 4191 §2.3: ${rioLengths(r.length).join(' or ')} for a /${r.length})`);
  if (rio.preference !== PREFERENCE[r.preference ?? 'medium']) problems.push(`preference ${preferenceName(rio.preference)} (configured ${r.preference ?? 'medium'})`);
  if (rio.lifetime !== lifetime) problems.push(`Route Lifetime ${rio.lifetime} (expected ${lifetime})`);
  return problems.length ? `a Route Information Option for ${r.prefix}/${r.length} with ${problems.join(', ')}` : undefined;
}

function part(letter: string, partTitle: string, route: AdvertisedRoute, run?: (ctx: CaseContext, route: AdvertisedRoute) => Promise<CaseVerdict>): CaseDefinition {
  return {
    id: `v6LC.2.2.21-${letter}`,
    title: `${TEST}: Part ${letter}: ${partTitle}`,
    rfc: RFC,
    appliesTo: ['router', 'security-gateway'],
    timeoutMs: 30_000,
    async run(ctx) {
      const { adv } = await advertiseAsSet(ctx, { routes: [route] });
      const ra = adv.initial.get('Link0');
      if (!ra) return fail('RFC 4861 §6.2.4', 'an RA once Link0 advertises', ctx.link().seenSinceSend());
      const problem = rioProblem(ra, route, route.lifetime);
      if (problem) return fail(RFC, `a Route Information Option for ${route.prefix}/${route.length}`, problem);
      if (run) return run(ctx, route);
      return pass(`the RA carries ${route.prefix}/${route.length}, preference ${route.preference ?? 'medium'}, lifetime ${route.lifetime} s`);
    },
  };
}

async function ceases(ctx: CaseContext, route: AdvertisedRoute): Promise<CaseVerdict> {
  ctx.link().markNow();
  await stopAdvertising(ctx);
  const final = await ctx.link().expect(isRaFromNut(ctx), 17_000);
  if (!final) return fail('RFC 4861 §6.2.5', 'a final RA when Link0 ceases to advertise', ctx.link().seenSinceSend());
  if (raOf(final).routerLifetime !== 0) return fail('RFC 4861 §6.2.5', 'the final RA with Router Lifetime 0', `Router Lifetime ${raOf(final).routerLifetime}`);
  const problem = rioProblem(final, route, 0);
  if (problem) return fail(RFC, `the final RA withdrawing ${route.prefix}/${route.length} with Route Lifetime 0`, problem);
  return pass(`the route was advertised, then withdrawn (Route Lifetime 0) in the final RA`);
}

export const cases: CaseDefinition[] = [
  part('A', 'Route Information Option with Prefix Length of 64', { prefix: '3ffe:501:ffff:102::', length: 64, preference: 'high', lifetime: 600 }),
  part('B', 'Route Information Option with Prefix Length less than 64', { prefix: '3ffe:501::', length: 32, preference: 'medium', lifetime: 600 }),
  part('C', 'Route Information Option with Prefix Length greater than 64', { prefix: '3ffe:501:ffff:102:0:1::', length: 96, preference: 'low', lifetime: 600 }),
  part('D', 'Route Information Option with Prefix Length of 0', { prefix: '::', length: 0, lifetime: 600 }),
  part('E', 'Non-advestising Interface', { prefix: '3ffe:501:ffff:102::', length: 64, lifetime: 600 }, ceases),
];
