// v6LC.2.2.23 Processing Router Advertisment with Route Information Option (RFC 4191 §3.1, §2.3): a Type C
// host routes to a prefix a Route Information Option names through the router that advertises it, the
// longest match first and the higher route preference between equals; it ignores a RIO with the reserved
// preference, forgets a route whose lifetime ran out or is 0, and a ::/0 RIO sets that router's default
// route preference. TAHI runs these only on a NUT declared a Type C host: Linux is one when
// accept_ra_rt_info_max_plen allows the prefix length (default 0), so the case sets it to 128 for the
// interface and restores it. Part I gives TR1's low-preference route a 600 s lifetime (TAHI: 30 s, and waits
// 90 s) so that which route remains is certain, and waits 30 s + 3 s. Linux: net/ipv6/route.c rt6_route_rcv.
import { pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { answerSolicitations } from '../vocabulary/address-resolution.js';
import { acceptRouteInformation, advertiseToHost, forgetRoutersAfterwards, isVerdict, offLinkEcho, raFrom, replyNextHop, rio, TN2_EX, TN2_EX96, TR1, TR2, type RioSpec } from '../vocabulary/host-routers.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { PREFERENCE } from '../vocabulary/router-solicitations.js';
import { sleep } from '../vocabulary/timing.js';

const RFC = 'RFC 4191 §3.1';
const TEST = 'Processing Router Advertisment with Route Information Option (Hosts Only)';
const { high, medium, low, reserved } = PREFERENCE;
const R64 = '3ffe:501:ffff:102::';

interface Step {
  /** RIOs TR1 or TR2 advertise anew before this step, or a wait. */
  before?: { router: 'TR1' | 'TR2'; rios: RioSpec[] } | { waitMs: number };
  /** TN2's address and the router its Echo Request comes through. */
  from?: string;
  in?: 'TR1' | 'TR2';
  via: 'TR1' | 'TR2';
}

async function routes(ctx: CaseContext, tr1: RioSpec[], tr2: RioSpec[], steps: Step[]): Promise<CaseVerdict> {
  await forgetRoutersAfterwards(ctx);
  await acceptRouteInformation(ctx);
  const routers = { TR1, TR2 };
  const stops = [answerSolicitations(ctx, TR1, { router: true }), answerSolicitations(ctx, TR2, { router: true })];
  try {
    const failed = await advertiseToHost(ctx, [
      { frame: raFrom(ctx, TR1, { extra: tr1.map(rio) }), note: `TR1 advertises itself${tr1.length ? ` and ${tr1.map((r) => `${r.prefix}/${r.length}`).join(', ')}` : ''}` },
      { frame: raFrom(ctx, TR2, { extra: tr2.map(rio) }), note: `TR2 advertises itself and ${tr2.map((r) => `${r.prefix}/${r.length} (preference ${r.preference}, ${r.lifetime} s)`).join(', ')}` },
    ]);
    if (failed) return failed;
    for (const [i, s] of steps.entries()) {
      if (s.before && 'waitMs' in s.before) {
        ctx.log(`waiting ${s.before.waitMs} ms for a route lifetime to run out`);
        await sleep(s.before.waitMs);
      } else if (s.before) {
        await ctx.link().send(raFrom(ctx, routers[s.before.router], { extra: s.before.rios.map(rio) }), `${s.before.router} advertises its routes anew`);
        await sleep(300);
      }
      const to = s.from ?? TN2_EX;
      await offLinkEcho(ctx, routers[s.in ?? 'TR1'].mac, i + 1, to);
      const r = await replyNextHop(ctx, i + 1, routers[s.via].mac, `the route to ${to} through ${s.via}`, RFC, to);
      if (isVerdict(r)) return r;
    }
    return pass(`the host routed through ${steps.map((s) => s.via).join(', then ')} as the Route Information said`);
  } finally {
    for (const s of stops) s();
  }
}

function part(letter: string, partTitle: string, tr1: RioSpec[], tr2: RioSpec[], steps: Step[], timeoutMs = 30_000): CaseDefinition {
  return { id: `v6LC.2.2.23-${letter}`, title: `${TEST}: Part ${letter}: ${partTitle}`, rfc: RFC, appliesTo: HOST_MODES, timeoutMs, run: (ctx) => routes(ctx, tr1, tr2, steps) };
}

const r64 = (preference: number, lifetime = 30): RioSpec => ({ prefix: R64, length: 64, preference, lifetime });
const dflt = (preference: number, lifetime: number): RioSpec => ({ prefix: '::', length: 0, preference, lifetime });

export const cases: CaseDefinition[] = [
  part('A', 'Route Information Option High', [], [r64(high)], [{ via: 'TR2' }]),
  part('B', 'Route Information Option Low', [], [r64(low)], [{ via: 'TR2' }]),
  part('C', 'Route Information Option with PRF set to Reserved', [r64(low)], [r64(reserved)], [{ in: 'TR2', via: 'TR1' }]),
  part('D', 'Route Information Option with a Prefix Length of 96', [], [{ prefix: '3ffe:501:ffff:102:0:1::', length: 96, preference: high, lifetime: 30 }], [{ from: TN2_EX96, via: 'TR2' }]),
  part('E', 'Route Information Option with a Prefix Length of 32', [], [{ prefix: '3ffe:501::', length: 32, preference: high, lifetime: 30 }], [{ via: 'TR2' }]),
  part('F', 'PRF change in Route Information Option', [r64(low)], [r64(medium)], [{ via: 'TR2' }, { before: { router: 'TR1', rios: [r64(high)] }, via: 'TR1' }]),
  part('G', 'Route Information Option with a Prefix Length of 0 and PRF of High', [], [dflt(high, 30)], [{ via: 'TR2' }]),
  part('H', 'Route Information Option with a Prefix Length of 0 and PRF of Low', [], [dflt(low, 30)], [{ via: 'TR1' }]),
  part('I', 'Expired Lifetime', [r64(low, 600)], [r64(high, 30)], [{ via: 'TR2' }, { before: { waitMs: 33_000 }, via: 'TR1' }], 70_000),
  part('J', 'Route Information Option with a Prefix Length of 0 and Lifetime set to 0', [], [dflt(high, 600)], [{ via: 'TR2' }, { before: { router: 'TR2', rios: [dflt(high, 0)] }, via: 'TR1' }]),
];
