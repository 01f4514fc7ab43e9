// v6LC.2.2.13 Router Advertisement Processing, Cur Hop Limit (RFC 4861 §6.3.4): a non-zero Cur Hop Limit
// in an RA becomes the host's hop limit for what it sends; zero means "unspecified" and changes nothing.
// Seen on the wire as the hop limit of the NUT's Echo Reply.
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { answerSolicitations } from '../vocabulary/address-resolution.js';
import { echoFrom, echoReplyTo } from '../vocabulary/echo.js';
import { HOST_MODES } from '../vocabulary/nut-modes.js';
import { raFromTr1 } from '../vocabulary/router-advertisements.js';
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

export const cases: CaseDefinition[] = [
  { id: 'v6LC.2.2.13-A', title: `${TEST}: Part A: Unspecified`, rfc: RFC, appliesTo: HOST_MODES, run: (ctx) => hopLimitAfterRa(ctx, 0, DEFAULT_HOP_LIMIT) },
  { id: 'v6LC.2.2.13-B', title: `${TEST}: Part B: Non-Zero`, rfc: RFC, appliesTo: HOST_MODES, run: (ctx) => hopLimitAfterRa(ctx, 15, 15) },
];
