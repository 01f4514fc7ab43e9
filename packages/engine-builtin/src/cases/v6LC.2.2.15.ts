// v6LC.2.2.15 Router Advertisement Processing, Reachable Time (RFC 4861 §6.3.4, §6.3.2): a host takes a
// non-zero Reachable Time from an RA as its BaseReachableTime, so a neighbor stays REACHABLE 0.5..1.5 times
// that (Part A: 10 s, then 40 s); a router advertising AdvReachableTime uses it for its own neighbors
// (Part B, as TAHI expects: radvd writes it into the interface, radvd.c config_interface). Measured as
// TAHI does: TN1 pings every 0.5 s, unanswered probes show when REACHABLE ended (less
// DELAY_FIRST_PROBE_TIME); the interface's base_reachable_time_ms is read as well.
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { echoFrom, echoReplyTo } from '../vocabulary/echo.js';
import { forgetRoutersAfterwards } from '../vocabulary/host-routers.js';
import { naFrom, isNsFor } from '../vocabulary/nd-messages.js';
import { advertiseAsSet } from '../vocabulary/ra-answers.js';
import { raFromTr1 } from '../vocabulary/router-advertisements.js';
import { ND_TN1 } from '../vocabulary/tester-nodes.js';
import { ANSWER_WINDOW_MS, sleep } from '../vocabulary/timing.js';

const RFC = 'RFC 4861 §6.3.4';
const TEST = 'Router Advertisement Processing, Reachable Time';
const DELAY_FIRST_PROBE_MS = 5_000;
const PING_EVERY_MS = 500;
/** Timestamps and the ping interval blur the measured end of REACHABLE by this much. */
const SLACK_MS = 1_000;

async function base(ctx: CaseContext): Promise<number> {
  return Number((await ctx.nutCommand(['cat', `/proc/sys/net/ipv6/neigh/${ctx.nutOn().ifname}/base_reachable_time_ms`])).trim());
}

/** How long TN1's entry stayed REACHABLE, in ms, as the wire shows it. */
async function reachableFor(ctx: CaseContext, limitMs: number): Promise<number | CaseVerdict> {
  await echoFrom(ctx, ND_TN1, 1, 'TN1 pings; it answers the NUT\'s NS once');
  const ns = await ctx.link().expect(isNsFor(ND_TN1.address), ANSWER_WINDOW_MS);
  if (!ns) return fail('RFC 4861 §7.2.2', 'a Neighbor Solicitation for TN1', ctx.link().seenSinceSend());
  await ctx.link().send(naFrom(ctx, ND_TN1, { solicited: true, override: true }), 'TN1 answers: the entry is REACHABLE');
  const reply = await ctx.link().expect(echoReplyTo(ND_TN1, 1), ANSWER_WINDOW_MS);
  if (!reply) return fail('RFC 4861 §7.2.5', 'the Echo Reply once TN1 answered', ctx.link().seenSinceSend());
  const reachable = reply.atMs;
  for (let seq = 2; Date.now() - reachable < limitMs; seq++) {
    await echoFrom(ctx, ND_TN1, seq, 'TN1 pings again');
    await sleep(PING_EVERY_MS);
    const probe = await ctx.link().expect((f) => isNsFor(ND_TN1.address)(f) && f.eth?.dst === ND_TN1.mac, 0);
    if (probe) return probe.atMs - DELAY_FIRST_PROBE_MS - reachable;
  }
  return fail(RFC, `a probe of TN1 within ${limitMs} ms (REACHABLE ending, then DELAY_FIRST_PROBE_TIME)`, 'none');
}

async function judge(ctx: CaseContext, advertisedMs: number, what: string): Promise<CaseVerdict | string> {
  const set = await base(ctx);
  if (set !== advertisedMs) return fail(RFC, `BaseReachableTime ${advertisedMs} ms after ${what}`, `base_reachable_time_ms ${set}`);
  const measured = await reachableFor(ctx, 1.5 * advertisedMs + DELAY_FIRST_PROBE_MS + 3 * SLACK_MS);
  if (typeof measured !== 'number') return measured;
  if (measured < 0.5 * advertisedMs - SLACK_MS || measured > 1.5 * advertisedMs + SLACK_MS) {
    return fail(RFC, `TN1 REACHABLE for 0.5..1.5 x ${advertisedMs} ms (ReachableTime from the advertised ${advertisedMs} ms)`, `${Math.round(measured)} ms`);
  }
  return `${Math.round(measured / 100) / 10} s with ${advertisedMs / 1000} s advertised`;
}

const partA = async (ctx: CaseContext): Promise<CaseVerdict> => {
  await forgetRoutersAfterwards(ctx);
  const results: string[] = [];
  for (const ms of [10_000, 40_000]) {
    const ra = raFromTr1({ prefixes: [] });
    await ctx.link().send({ ...ra, icmpv6: { ...(ra.icmpv6 as Extract<NonNullable<typeof ra.icmpv6>, { type: 'router-advertisement' }>), reachableTime: ms } }, `TR1 advertises Reachable Time ${ms} ms (Router Lifetime 0)`);
    await sleep(300);
    const r = await judge(ctx, ms, `an RA with Reachable Time ${ms} ms`);
    if (typeof r !== 'string') return r;
    results.push(r);
    await ctx.nutCommand(['ip', '-6', 'neigh', 'flush', 'dev', ctx.nutOn().ifname]);
  }
  return pass(`TN1 stayed REACHABLE ${results.join(', then ')}`);
};

const partB = async (ctx: CaseContext): Promise<CaseVerdict> => {
  await advertiseAsSet(ctx, { defaultLifetime: 0, reachableTimeMs: 10_000 });
  const r = await judge(ctx, 10_000, 'configuring AdvReachableTime 10000 ms');
  return typeof r === 'string' ? pass(`the router uses its advertised Reachable Time: TN1 stayed REACHABLE ${r}`) : r;
};

export const cases: CaseDefinition[] = [
  { id: 'v6LC.2.2.15-A', title: `${TEST}: Part A: RA Processing - Reachable Time (Host Only)`, rfc: RFC, appliesTo: ['host', 'ipsec-end-node'], timeoutMs: 130_000, run: partA },
  { id: 'v6LC.2.2.15-B', title: `${TEST}: Part B: Reachable Time Configuration (Routers Only)`, rfc: 'RFC 4861 §6.2.1', appliesTo: ['router', 'security-gateway'], timeoutMs: 60_000, run: partB },
];
