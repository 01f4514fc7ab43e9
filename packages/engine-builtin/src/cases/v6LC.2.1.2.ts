// v6LC.2.1.2 Resolution Wait Queue (RFC 4861 §7.2.2): packets for a neighbor being resolved are queued and
// sent once it answers; when the queue overflows, the newest SHOULD replace the oldest. Judged as TAHI's
// ndResolutionWaitQueueSingle/Multiple (nd.pm): at least one Echo Reply per node, and the replies that do
// come must be the last requests sent (an earlier one answered while a later one is lost is a FAIL).
import { normalizeIpv6 } from '@testlab/packet';
import { fail, pass, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { ReceivedFrame } from '../runner/tester-link.js';
import { echoReplyTo, echoFrom } from '../vocabulary/echo.js';
import { isNsFor, naFrom } from '../vocabulary/nd-messages.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { bareNode, ND_TN1, type BareNode } from '../vocabulary/tester-nodes.js';
import { ANSWER_WINDOW_MS, sleep } from '../vocabulary/timing.js';

const TEST = 'Resolution Wait Queue';
const RFC = 'RFC 4861 §7.2.2';
const TN2 = bareNode('TN2', '00:00:00:00:02:01');

interface Burst {
  tn: BareNode;
  /** Sequence numbers sent, in order (TAHI: 3, 4, 5 for TN1; 4 .. 7 for TN2). */
  seqs: number[];
}

/** Which of the burst's requests were answered, and whether that is the tail of the burst (the newest kept). */
function judgeBurst(ctx: CaseContext, b: Burst, answered: number[]): CaseVerdict | undefined {
  const expected = `Echo Replies to ${b.tn.name} for the newest of its ${b.seqs.length} queued requests (at least one)`;
  if (answered.length === 0) return fail(RFC, expected, `none (sequence numbers ${b.seqs.join(', ')} sent; the queued packets were dropped)`);
  const newest = b.seqs.slice(b.seqs.length - answered.length);
  if (answered.some((s) => !newest.includes(s))) {
    return fail(RFC, `${expected}: when the queue overflows the new arrival SHOULD replace the oldest entry`, `replies for ${answered.join(', ')} of ${b.seqs.join(', ')}`);
  }
  ctx.log(`${b.tn.name}: replies for ${answered.join(', ')} of ${b.seqs.join(', ')}`);
  return undefined;
}

async function queued(ctx: CaseContext, bursts: Burst[]): Promise<CaseVerdict> {
  const link = ctx.link();
  // Each node answers the NUT's solicitation for it (TAHI's NA C and D: R = 0, S = 1, O = 1).
  const answeredNs = new Set<string>();
  const replies: ReceivedFrame[] = [];
  const stop = link.onReceive((r) => {
    if (r.frame.icmpv6?.type === 'echo-reply') replies.push(r);
    for (const b of bursts) {
      if (!isNsFor(b.tn.address)(r.frame) || !r.frame.ipv6 || answeredNs.has(b.tn.name)) continue;
      answeredNs.add(b.tn.name);
      void link.answer(naFrom(ctx, b.tn, { solicited: true, override: true, dst: normalizeIpv6(r.frame.ipv6.src) }), `${b.tn.name} answers the NUT's solicitation`);
    }
  });
  try {
    for (const b of bursts) for (const seq of b.seqs) await echoFrom(ctx, b.tn, seq, `${b.tn.name} pings the NUT (seq ${seq}) while the NUT has no entry for it`);
    await sleep(ANSWER_WINDOW_MS);
    for (const b of bursts) {
      if (!answeredNs.has(b.tn.name)) return fail(RFC, `a Neighbor Solicitation for ${b.tn.name} (${b.tn.address}) to send its queued replies`, `none for it (${replies.length} Echo Replies)`);
    }
    for (const b of bursts) {
      const answered = b.seqs.filter((seq) => replies.some((r) => echoReplyTo(b.tn, seq)(r.frame)));
      const wrong = judgeBurst(ctx, b, answered);
      if (wrong) return wrong;
    }
    return pass(`the queued requests were answered once each node was resolved (${bursts.map((b) => b.tn.name).join(', ')})`);
  } finally {
    stop();
  }
}

export const cases: CaseDefinition[] = [
  {
    id: 'v6LC.2.1.2-A',
    title: `${TEST}: Part A: Single Queue`,
    rfc: RFC,
    appliesTo: ALL_MODES,
    run: (ctx) => queued(ctx, [{ tn: ND_TN1, seqs: [3, 4, 5] }]),
  },
  {
    id: 'v6LC.2.1.2-B',
    title: `${TEST}: Part B: Multiple Queues`,
    rfc: RFC,
    appliesTo: ALL_MODES,
    run: (ctx) => queued(ctx, [{ tn: ND_TN1, seqs: [3, 4, 5] }, { tn: TN2, seqs: [4, 5, 6, 7] }]),
  },
];
