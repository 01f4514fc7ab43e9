// v6LC.2.2.13 Router Advertisement Processing, Cur Hop Limit (RFC 4861 §6.3.4): a non-zero Cur Hop Limit
// in an RA becomes the host's hop limit for what it sends; zero means "unspecified" and changes nothing.
// Seen on the wire as the hop limit of the NUT's Echo Reply. On a router NUT (RFC 4861 §6.2.1 AdvCurHopLimit)
// the advertising interface is configured with the value: its RAs must carry it, and advertising 0 leaves
// the router's own hop limit alone (TAHI does not judge the router's hop limit after advertising 100; radvd
// writes the value it advertises into the interface's hop_limit, radvd.c config_interface).
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { answerSolicitations } from '../vocabulary/address-resolution.js';
import { echoFrom, echoReplyTo } from '../vocabulary/echo.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { advertiseAsSet, solicit } from '../vocabulary/ra-answers.js';
import { raFromTr1 } from '../vocabulary/router-advertisements.js';
import { raOf, validRs } from '../vocabulary/router-solicitations.js';
import { bareNode } from '../vocabulary/tester-nodes.js';
import { ANSWER_WINDOW_MS, sleep } from '../vocabulary/timing.js';

const RFC = 'RFC 4861 §6.3.4';
const TEST = 'Router Advertisement Processing, Cur Hop Limit';
/** Linux's and the RFC 4861 §10 suggested default (IANA's AdvCurHopLimit is 64). */
const DEFAULT_HOP_LIMIT = 64;
const TN1 = bareNode('TN1', '00:00:00:00:01:13');

async function hopLimitAfterRa(ctx: CaseContext, curHopLimit: number, expected: number) {
  const ifname = ctx.nutOn().ifname;
  ctx.onCleanup(`hop limit back to ${DEFAULT_HOP_LIMIT}`, async () => {
    await ctx.nutCommand(['sysctl', '-w', `net.ipv6.conf.${ifname}.hop_limit=${DEFAULT_HOP_LIMIT}`]);
  });
  const ra = raFromTr1({ prefixes: [] });
  await ctx.link().send({ ...ra, icmpv6: { ...(ra.icmpv6 as Extract<NonNullable<typeof ra.icmpv6>, { type: 'router-advertisement' }>), curHopLimit } }, `TR1 advertises Cur Hop Limit ${curHopLimit}`);
  await sleep(300);
  const stop = answerSolicitations(ctx, TN1);
  try {
    await echoFrom(ctx, TN1, 1, 'TN1 pings the NUT: the reply shows its hop limit');
    const reply = await ctx.link().expect(echoReplyTo(TN1, 1), ANSWER_WINDOW_MS);
    if (!reply) return fail('RFC 4443 §4.2', 'an Echo Reply to TN1', ctx.link().seenSinceSend());
    const got = reply.frame.ipv6!.hopLimit;
    if (got !== expected) return fail(RFC, `the Echo Reply sent with hop limit ${expected} after an RA with Cur Hop Limit ${curHopLimit}`, `hop limit ${got}`);
    return pass(`after an RA with Cur Hop Limit ${curHopLimit} the NUT sends with hop limit ${got}`);
  } finally {
    stop();
  }
}

async function echoHopLimit(ctx: CaseContext, seq: number): Promise<number | CaseVerdict> {
  const stop = answerSolicitations(ctx, TN1);
  try {
    await echoFrom(ctx, TN1, seq, 'TN1 pings the router: the reply shows its hop limit');
    const reply = await ctx.link().expect(echoReplyTo(TN1, seq), ANSWER_WINDOW_MS);
    return reply ? reply.frame.ipv6!.hopLimit : fail('RFC 4443 §4.2', 'an Echo Reply to TN1', ctx.link().seenSinceSend());
  } finally {
    stop();
  }
}

/** The router advertises Cur Hop Limit `advertised` (TAHI: 0 and 100). */
async function routerAdvertises(ctx: CaseContext, advertised: number): Promise<CaseVerdict> {
  const before = await echoHopLimit(ctx, 1);
  if (typeof before !== 'number') return before;
  const { clock } = await advertiseAsSet(ctx, { curHopLimit: advertised });
  const { ra } = await solicit(ctx, clock, validRs(), 'TN1 solicits: what Cur Hop Limit does the router advertise?');
  if (!ra) return fail('RFC 4861 §6.2.6', 'a Router Advertisement answering the RS', ctx.link().seenSinceSend());
  if (raOf(ra).curHopLimit !== advertised) return fail('RFC 4861 §6.2.1', `RAs with the configured Cur Hop Limit ${advertised}`, `Cur Hop Limit ${raOf(ra).curHopLimit}`);
  const after = await echoHopLimit(ctx, 2);
  if (typeof after !== 'number') return after;
  if (advertised === 0 && after !== before) return fail(RFC, `the router's own hop limit (${before}) unchanged by advertising 0 (unspecified)`, `hop limit ${after}`);
  return pass(`the router advertises Cur Hop Limit ${advertised}; its own replies went out with hop limit ${before}, then ${after}`);
}

const ALL = [...HOST_MODES, 'router', 'security-gateway'] as const;

export const cases: CaseDefinition[] = [
  { id: 'v6LC.2.2.13-A', title: `${TEST}: Part A: Unspecified`, rfc: RFC, appliesTo: ALL, timeoutMs: 30_000, run: (ctx) => (ctx.mode === 'router' || ctx.mode === 'security-gateway' ? routerAdvertises(ctx, 0) : hopLimitAfterRa(ctx, 0, DEFAULT_HOP_LIMIT)) },
  { id: 'v6LC.2.2.13-B', title: `${TEST}: Part B: Non-Zero`, rfc: RFC, appliesTo: ALL, timeoutMs: 30_000, run: (ctx) => (ctx.mode === 'router' || ctx.mode === 'security-gateway' ? routerAdvertises(ctx, 100) : hopLimitAfterRa(ctx, 15, 15)) },
];
