// The NUT's address resolution as the ND cases drive it: making the NUT resolve a bare tester node (its
// Neighbor Solicitation, or the FAIL when none comes), and letting a bare node answer for itself.
import { normalizeIpv6 } from '@testlab/packet';
import { fail, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { echoFrom } from './echo.js';
import { isNsFor, naFrom } from './nd-messages.js';
import type { BareNode } from './tester-nodes.js';
import { ANSWER_WINDOW_MS } from './timing.js';

/**
 * Makes the NUT resolve `tn`: `tn` pings it, and the NUT, having no entry for `tn`, must send a Neighbor
 * Solicitation for it (RFC 4861 §7.2.2). Returns the NS, or the FAIL when none comes.
 */
export async function provokeResolution(ctx: CaseContext, tn: BareNode, seq: number): Promise<ReceivedFrame | CaseVerdict> {
  await echoFrom(ctx, tn, seq, `${tn.name} pings the NUT, which has no neighbor entry for it`);
  const ns = await ctx.link().expect(isNsFor(tn.address), ANSWER_WINDOW_MS);
  if (!ns) return fail('RFC 4861 §7.2.2', `a Neighbor Solicitation for ${tn.name} (${tn.address}) to send the Echo Reply`, ctx.link().seenSinceSend());
  return ns;
}

/** Tells a frame the NUT sent from the FAIL a step returned instead. */
export function isVerdict(x: ReceivedFrame | CaseVerdict): x is CaseVerdict {
  return 'verdict' in x;
}

/**
 * Lets `tn` answer the NUT's Neighbor Solicitations for its address until the returned function is called.
 * A router answers with the Router flag: an NA without it tells a host the node is no longer a router, and
 * the host must take it off its Default Router List (RFC 4861 §7.2.5; Linux ndisc_recv_na -> rt6_clean_tohost).
 */
export function answerSolicitations(ctx: CaseContext, tn: BareNode, o: { router?: boolean } = {}): () => void {
  return ctx.link().onReceive((r) => {
    const f = r.frame;
    if (!isNsFor(tn.address)(f) || !f.ipv6 || !f.eth) return;
    void ctx.link().answer(naFrom(ctx, tn, { solicited: true, override: true, router: o.router ?? false, dst: normalizeIpv6(f.ipv6.src) }), `${tn.name} answers the NUT's solicitation${o.router ? ' (Router flag set)' : ''}`);
  });
}
