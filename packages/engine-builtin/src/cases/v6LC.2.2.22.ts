// v6LC.2.2.22 Processing Router Advertisements with Router Preference (RFC 4191 §3.1, §2.2): a Type B
// host prefers the default router with the higher Default Router Preference, treats the reserved value as
// medium, and follows a change of preference. Seen as the router the host's reply to off-link TN2 goes
// through. Linux (CONFIG_IPV6_ROUTER_PREF, accept_ra_rtr_pref): net/ipv6/route.c rt6_score_route.
import { pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { answerSolicitations } from '../vocabulary/address-resolution.js';
import { advertiseToHost, forgetRoutersAfterwards, isVerdict, offLinkEcho, raFrom, replyNextHop, TR1, TR2 } from '../vocabulary/host-routers.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { PREFERENCE, preferenceName } from '../vocabulary/router-solicitations.js';
import { sleep } from '../vocabulary/timing.js';

const RFC = 'RFC 4191 §3.1';
const TEST = 'Processing Router Advertisements with Router Preference (Hosts Only)';
const { high, medium, low, reserved } = PREFERENCE;

interface Step {
  /** A new RA from TR1 or TR2 with this preference before the ping; none for the first step. */
  change?: { router: 'TR1' | 'TR2'; preference: number };
  via: 'TR1' | 'TR2';
}

async function preferred(ctx: CaseContext, tr1: number, tr2: number, steps: Step[]): Promise<CaseVerdict> {
  await forgetRoutersAfterwards(ctx);
  const stops = [answerSolicitations(ctx, TR1, { router: true }), answerSolicitations(ctx, TR2, { router: true })];
  try {
    const failed = await advertiseToHost(ctx, [
      { frame: raFrom(ctx, TR1, { preference: tr1 }), note: `TR1 advertises preference ${preferenceName(tr1)}` },
      { frame: raFrom(ctx, TR2, { preference: tr2 }), note: `TR2 advertises preference ${preferenceName(tr2)}` },
    ]);
    if (failed) return failed;
    const routers = { TR1, TR2 };
    const prefs = { TR1: tr1, TR2: tr2 };
    for (const [i, s] of steps.entries()) {
      if (s.change) {
        await ctx.link().send(raFrom(ctx, routers[s.change.router], { preference: s.change.preference }), `${s.change.router} now advertises preference ${preferenceName(s.change.preference)}`);
        prefs[s.change.router] = s.change.preference;
        await sleep(300);
      }
      await offLinkEcho(ctx, TR1.mac, i + 1);
      const r = await replyNextHop(ctx, i + 1, routers[s.via].mac, `${s.via}: TR1 ${preferenceName(prefs.TR1)}, TR2 ${preferenceName(prefs.TR2)}`, RFC);
      if (isVerdict(r)) return r;
    }
    return pass(`the host used ${steps.map((s) => s.via).join(', then ')} as the preferences said`);
  } finally {
    for (const s of stops) s();
  }
}

function part(letter: string, partTitle: string, tr1: number, tr2: number, steps: Step[]): CaseDefinition {
  return { id: `v6LC.2.2.22-${letter}`, title: `${TEST}: Part ${letter}: ${partTitle}`, rfc: RFC, appliesTo: HOST_MODES, timeoutMs: 30_000, run: (ctx) => preferred(ctx, tr1, tr2, steps) };
}

export const cases: CaseDefinition[] = [
  part('A', 'High Route Preference', high, medium, [{ via: 'TR1' }]),
  part('B', 'Low Route Preference', low, medium, [{ via: 'TR2' }]),
  part('C', 'Reserved Route Preference', reserved, low, [{ via: 'TR1' }, { change: { router: 'TR2', preference: high }, via: 'TR2' }]),
  part('D', 'Change lower Route Preference', high, medium, [{ via: 'TR1' }, { change: { router: 'TR1', preference: low }, via: 'TR2' }]),
  part('E', 'Change higher Route Preference', low, medium, [{ via: 'TR2' }, { change: { router: 'TR1', preference: high }, via: 'TR1' }]),
];
