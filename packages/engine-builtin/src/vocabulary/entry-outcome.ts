// What a neighbor entry looks like on the wire after an RS or RA touched it (RFC 4861 §6.2.6, §6.3.4,
// §7.3.3): STALE at some link-layer address (the node's next Echo Reply goes there at once, a unicast probe
// follows DELAY_FIRST_PROBE_TIME later), unchanged REACHABLE (a reply, no probe), still PROBE (unicast
// probes go on), or no usable entry (the NUT resolves the node first). DELAY_FIRST_PROBE_TIME runs on the NUT's
// clock: the probe (or its absence) is judged once that clock has served the window (seen: v6LC.2.2.10-D
// FAILed Linux 6.1 on a loaded host 7 s of tester time after the reply, its probe not yet due on its clock).
import { normalizeIpv6, type DecodedFrame } from '@testlab/packet';
import { fail, pass, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import { echoFrom, echoReplyTo } from './echo.js';
import { isNsFor } from './nd-messages.js';
import type { BareNode } from './tester-nodes.js';
import { expectNothingOnNutTime, expectOnNutTime, nutClockMs } from './nut-clock.js';
import { ANSWER_WINDOW_MS } from './timing.js';

/** DELAY_FIRST_PROBE_TIME and the lab's delay (TAHI: 5 s + 2 s). */
const PROBE_WINDOW_MS = 7_000;
const ECHO_SEQ = 7;

export type EntryOutcome = { stale: string } | 'incomplete' | 'reachable' | 'probe';

export const multicastNsFor = (tn: BareNode) => (f: DecodedFrame): boolean => isNsFor(tn.address)(f) && normalizeIpv6(f.ipv6!.dst).startsWith('ff02::1:ff');
const unicastNsFor = (tn: BareNode, mac: string) => (f: DecodedFrame): boolean => isNsFor(tn.address)(f) && f.eth?.dst === mac;

/** Pings from `tn` unless the outcome is seen without (PROBE), or the queued reply is due anyway (`queued`). */
export async function judgeEntry(ctx: CaseContext, tn: BareNode, outcome: EntryOutcome, what: string, rfc: string, o: { queued?: boolean } = {}): Promise<CaseVerdict> {
  if (outcome === 'probe') {
    const ns = await ctx.link().expect(unicastNsFor(tn, tn.mac), ANSWER_WINDOW_MS);
    if (!ns) return fail(rfc, `the entry still in PROBE after ${what}: a unicast NS for ${tn.name} within ${ANSWER_WINDOW_MS} ms`, ctx.link().seenSinceSend());
    return pass(`the entry stayed in PROBE after ${what}`);
  }
  if (!o.queued) await echoFrom(ctx, tn, ECHO_SEQ, `${tn.name} pings: where does the reply go?`);
  if (outcome === 'incomplete') {
    const ns = await ctx.link().expect(multicastNsFor(tn), ANSWER_WINDOW_MS);
    if (!ns) return fail(rfc, `no entry for ${tn.name} after ${what}: a multicast NS resolving ${tn.name} before the Echo Reply`, ctx.link().seenSinceSend());
    return pass(`${what} created no usable entry: the NUT resolved ${tn.name}`);
  }
  const mac = outcome === 'reachable' ? tn.mac : outcome.stale;
  const reply = await ctx.link().expect(echoReplyTo(tn, ECHO_SEQ), ANSWER_WINDOW_MS);
  if (!reply) return fail(rfc, `an Echo Reply to ${tn.name} sent from its entry after ${what}`, ctx.link().seenSinceSend());
  if (reply.frame.eth?.dst !== mac) return fail(rfc, `the entry for ${tn.name} to hold ${mac} after ${what}`, `the Echo Reply sent to ${reply.frame.eth?.dst}`);
  const nutAtReply = await nutClockMs(ctx);
  if (outcome === 'reachable') {
    const probe = await expectNothingOnNutTime(ctx, isNsFor(tn.address), PROBE_WINDOW_MS, nutAtReply, 'DELAY_FIRST_PROBE_TIME and the lab\'s delay');
    if (probe) return fail(rfc, `the entry still REACHABLE after ${what}: no Neighbor Solicitation for ${tn.name} within ${PROBE_WINDOW_MS} ms`, `a ${probe.frame.eth?.dst === tn.mac ? 'unicast' : 'multicast'} NS for ${tn.name}`);
    return pass(`the entry stayed REACHABLE after ${what}`);
  }
  const probe = await expectOnNutTime(ctx, unicastNsFor(tn, mac), PROBE_WINDOW_MS, nutAtReply, 'DELAY_FIRST_PROBE_TIME and the lab\'s delay');
  if (!probe) return fail(rfc, `the entry STALE after ${what}: a unicast NS probing ${tn.name} at ${mac} DELAY_FIRST_PROBE_TIME after the Echo Reply`, ctx.link().seenSinceSend());
  return pass(`after ${what} the entry held ${mac} and was STALE (Echo Reply, then a probe)`);
}
