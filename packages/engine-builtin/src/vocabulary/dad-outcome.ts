// Duplicate Address Detection seen from the wire (RFC 4862 §5.4): the NUT's interface is restarted, its
// DAD probe for the link-local address is caught, the case may answer it as another node would, and
// once DAD is over the NUT either uses the address (an Echo Request to it is answered) or has given it up.
import { normalizeIpv6, type FrameSpec } from '@testlab/packet';
import { fail, pass, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { answerSolicitations, isVerdict } from './address-resolution.js';
import { echoFrom, echoReplyTo } from './echo.js';
import { restartInterface } from './interface-restart.js';
import { isDadNs } from './nd-messages.js';
import { bareNode, type BareNode } from './tester-nodes.js';
import { ANSWER_WINDOW_MS, sleep } from './timing.js';

/** The node that checks afterwards whether the NUT kept its address: not the one that claimed it. */
const CHECKER = bareNode('TN2', '00:00:00:00:02:00');

/** RFC 4861 §10 RetransTimer and MAX_MULTICAST_SOLICIT: a NUT gives up resolving after about 3 s. */
export const RETRANS_TIMER_MS = 1_000;

/** How much later than RetransTimer a loaded software-emulated NUT has been seen to end DAD (2.1 s), with margin. */
const DAD_SLACK_MS = 3_500;

export type DadOutcome = 'kept' | 'duplicate';

export interface DadProbe {
  rfc: string;
  /** What the case sends during DAD, built from the NUT's probe; nothing for plain DAD. */
  inject?: { what: string; frame: (ctx: CaseContext, dad: ReceivedFrame) => FrameSpec };
  expected: DadOutcome;
  /** Further checks on the probe itself (3.1.1). */
  checkProbe?: (ctx: CaseContext, dad: ReceivedFrame) => CaseVerdict | undefined;
  /** Frames the NUT must not send while its address is tentative (an NA to an address-resolution NS). */
  mustNotAnswer?: (ctx: CaseContext) => (f: import('@testlab/packet').DecodedFrame) => boolean;
}

export async function dadProbeCase(ctx: CaseContext, p: DadProbe): Promise<CaseVerdict> {
  await restartInterface(ctx);
  const dad = await catchLinkLocalDad(ctx);
  if (isVerdict(dad)) return dad;
  const bad = p.checkProbe?.(ctx, dad);
  if (bad) return bad;
  if (p.inject) await ctx.link().send(p.inject.frame(ctx, dad), p.inject.what);
  // DAD ends RetransTimer after the (single, DupAddrDetectTransmits = 1) probe. A busy VM may take a second
  // or two longer: the first frame from the address (an MLD report, an RS) shows DAD is over; a NUT that
  // gave the address up sends none, and is checked after the whole window.
  const ll = ctx.nutOn().linkLocal;
  const waited = Date.now() - dad.atMs;
  await ctx.link().expect((f) => f.ipv6 !== undefined && normalizeIpv6(f.ipv6.src) === ll, Math.max(0, RETRANS_TIMER_MS + DAD_SLACK_MS - waited));
  await sleep(200);
  if (p.mustNotAnswer) {
    const answered = ctx.link().seenSinceSend(p.mustNotAnswer(ctx));
    if (answered !== 'nothing') return fail('RFC 4862 §5.4.3', 'no answer to a solicitation for a tentative address', answered);
  }
  const kept = await linkLocalInUse(ctx, CHECKER, 31);
  const injected = p.inject ? `after ${p.inject.what}` : 'with no other node on the link';
  if (p.expected === 'kept' && !kept) return fail(p.rfc, `${ll} kept and in use ${injected}`, 'no Echo Reply to it: the NUT gave the address up (or never finished DAD)');
  if (p.expected === 'duplicate' && kept) return fail(p.rfc, `${ll} given up as a duplicate ${injected}`, 'the NUT still answers at that address');
  return pass(p.expected === 'kept' ? `DAD completed ${injected}; ${ll} in use` : `DAD failed ${injected}; ${ll} not used`);
}

/** After a restart: the DAD probe for the NUT's link-local address (random delay up to 1 s, RFC 4862 §5.4.2). */
export async function catchLinkLocalDad(ctx: CaseContext): Promise<ReceivedFrame | CaseVerdict> {
  const nut = ctx.nutOn();
  const dad = await ctx.link().expect(isDadNs(nut.linkLocal), 4_000);
  if (!dad) return fail('RFC 4862 §5.4.2', `a DAD Neighbor Solicitation from :: for ${nut.linkLocal} after the interface came up`, ctx.link().seenSinceSend());
  return dad;
}

/** True when the NUT answers an Echo Request to its link-local address from a node it can resolve (`tn` answers NS for itself). */
export async function linkLocalInUse(ctx: CaseContext, tn: BareNode, seq: number): Promise<boolean> {
  const stop = answerSolicitations(ctx, tn);
  try {
    await echoFrom(ctx, tn, seq, `${tn.name} pings the link-local address: answered only if the NUT kept it`);
    return (await ctx.link().expect(echoReplyTo(tn, seq), ANSWER_WINDOW_MS)) !== undefined;
  } finally {
    stop();
  }
}

/** The NUT's probe as sent: where a DAD answer goes and what it names. */
export function probeTarget(dad: ReceivedFrame): string {
  const m = dad.frame.icmpv6;
  if (m?.type !== 'neighbor-solicitation') throw new Error('not a DAD probe');
  return normalizeIpv6(m.target);
}
