// v6LC.2.1.14 Neighbor Solicitation Processing, Anycast (Routers Only) (RFC 4861 §7.2.3, §7.2.4, RFC 4291
// §2.6.1): a router answers a solicitation for its Subnet-Router anycast address with a solicited NA whose
// Override flag is clear, sent within MAX_ANYCAST_DELAY_TIME (1 s). Judged as TAHI's V6LC_2_1_14.seq: TN1
// (global) solicits 3ffe:501:ffff:100:: and only an NA with R = 1, S = 1, O = 0 and the router's TLLA
// counts (ndSetNa4mcastNsAnycast), no later than MAX_ANYCAST_DELAY_TIME.
import { multicastMac, normalizeIpv6, solicitedNodeMulticast } from '@testlab/packet';
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { globalOf } from '../vocabulary/global-address.js';
import { isNaFor } from '../vocabulary/nd-messages.js';
import { MAX_ANYCAST_DELAY_TIME_MS } from '../vocabulary/nd-constants.js';
import { ROUTER_MODES } from '../vocabulary/nut-modes.js';
import { LINK0_PREFIX } from '../vocabulary/tahi-network.js';
import { bareNode, ND_TN1 } from '../vocabulary/tester-nodes.js';

const RFC = 'RFC 4861 §7.2.4';
const ANYCAST = normalizeIpv6(LINK0_PREFIX);
const TN1_GLOBAL = bareNode('TN1', ND_TN1.mac, globalOf(ND_TN1.mac));
/** What a software-emulated router may add to its own random delay before TAHI's 1 s is called broken. */
const LAB_ALLOWANCE_MS = 500;

/** The tester's own event-loop stalls while it waits: a late answer it cannot time is the lab's ERROR, not a FAIL. */
function watchTesterLag(): () => number {
  let worst = 0;
  let last = Date.now();
  const t = setInterval(() => {
    const now = Date.now();
    worst = Math.max(worst, now - last - 50);
    last = now;
  }, 50);
  return () => (clearInterval(t), worst);
}

async function anycastAnswered(ctx: CaseContext): Promise<CaseVerdict> {
  const nut = ctx.nutOn();
  const lag = watchTesterLag();
  const group = solicitedNodeMulticast(ANYCAST);
  const sent = Date.now();
  await ctx.link().send(
    { eth: { src: TN1_GLOBAL.mac, dst: multicastMac(group) }, ipv6: { src: TN1_GLOBAL.address, dst: group, hopLimit: 255 }, icmpv6: { type: 'neighbor-solicitation', target: ANYCAST, options: [{ type: 'source-lla', mac: TN1_GLOBAL.mac }] } },
    `TN1 solicits the Subnet-Router anycast address ${ANYCAST}`,
  );
  const expected = `a Neighbor Advertisement for ${ANYCAST} to TN1 with R = 1, S = 1, O = 0 and the router's TLLA, within MAX_ANYCAST_DELAY_TIME (1 s)`;
  const na = await ctx.link().expect(isNaFor(ANYCAST), MAX_ANYCAST_DELAY_TIME_MS + 1_000 + LAB_ALLOWANCE_MS);
  const stalled = lag();
  if (!na) return fail(RFC, expected, `${ctx.link().seenSinceSend()} (the solicitation for the anycast address was ignored)`);
  const m = na.frame.icmpv6;
  if (m?.type !== 'neighbor-advertisement') throw new Error('unreachable');
  if (normalizeIpv6(na.frame.ipv6?.dst ?? '::') !== TN1_GLOBAL.address || na.frame.eth?.dst !== TN1_GLOBAL.mac) return fail(RFC, expected, `an NA to ${na.frame.ipv6?.dst} at ${na.frame.eth?.dst}`);
  if (!m.solicited || !m.router) return fail(RFC, expected, `an NA with R = ${Number(m.router)}, S = ${Number(m.solicited)}`);
  if (m.override) return fail(RFC, `${expected}: an anycast target SHOULD NOT get the Override flag`, 'O = 1');
  if (!m.options.some((o) => o.type === 'target-lla' && o.mac === nut.mac)) return fail(RFC, expected, 'no TLLA with the router\'s own address');
  const delay = na.atMs - sent;
  if (delay > MAX_ANYCAST_DELAY_TIME_MS + LAB_ALLOWANCE_MS) {
    if (stalled > 300) throw new Error(`the tester itself stalled ${stalled} ms while timing the NA (${Math.round(delay)} ms): the NUT's delay cannot be judged`);
    return fail(RFC, expected, `the NA ${Math.round(delay)} ms after the solicitation`);
  }
  return pass(`anycast NA with O = 0 after ${Math.round(delay)} ms`);
}

export const cases: CaseDefinition[] = [
  { id: 'v6LC.2.1.14', title: 'Neighbor Solicitation Processing, Anycast (Routers Only)', rfc: RFC, appliesTo: ROUTER_MODES, run: anycastAnswered },
];
