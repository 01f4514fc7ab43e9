// v6LC.1.3.2 Reassembly Time Exceeded (RFC 8200 §4.5, RFC 4443 §3.3): the 60-second reassembly timer, and
// Time Exceeded code 1 only when the first fragment arrived. B to E wait on the timer (60-70 s each on a NUT on time).
import type { FrameSpec } from '@testlab/packet';
import { fail, type CaseDefinition, type CaseVerdict } from '../runner/case.js';
import type { CaseContext } from '../runner/context.js';
import type { SimulatedNode } from '../runner/simulated-node.js';
import { cutFragments } from '../vocabulary/fragments.js';
import { nutGlobalOnLink0 } from '../vocabulary/global-address.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { toTester } from '../vocabulary/probe-outcomes.js';
import { answeredAfterReassembly, echoTo, FRAGMENT_ID, notReassembled, sendAll, TAHI_DATA, THREE_PIECES, tn, TWO_PIECES } from '../vocabulary/reassembly.js';
import { readReassemblyCounters } from '../vocabulary/nut-reassembly-counters.js';
import { reassemblyTimeExceeded, TIMER_CASE_TIMEOUT_MS } from '../vocabulary/reassembly-timeout.js';
import { ANSWER_WINDOW_MS } from '../vocabulary/timing.js';

const RFC = 'RFC 8200 §4.5, RFC 4443 §3.3';
const TITLE = 'Reassembly Time Exceeded';
const timerCase = { rfc: 'RFC 8200 §4.5', appliesTo: ALL_MODES, timeoutMs: TIMER_CASE_TIMEOUT_MS, timerBound: true } as const;

/** The tester node and the NUT address of a part: link-local, or global on Link0 (TAHI's TN_GL0 and NUT_GL0). */
async function peers(ctx: CaseContext, n: number, global: boolean): Promise<{ from: SimulatedNode; nut: string }> {
  const from = tn(ctx, n, global);
  return { from, nut: global ? (await nutGlobalOnLink0(ctx, from)).nut : ctx.nutOn().linkLocal };
}

/** Only the first fragment of TAHI's three: 60 s later the NUT must send Time Exceeded code 1 quoting it. */
async function onlyFirst(ctx: CaseContext, from: SimulatedNode, nut: string, frames: FrameSpec[]): Promise<CaseVerdict> {
  const countersBefore = await readReassemblyCounters(ctx);
  const sentAt = Date.now();
  const first = await ctx.link().send(frames[0]!, 'only the first fragment of an Echo Request');
  return reassemblyTimeExceeded(ctx, { to: from.address, first, sentAt, nutAddress: nut, what: 'an Echo Request of which only the first fragment came', rfc: RFC, ...(countersBefore ? { countersBefore } : {}) });
}

export const cases: CaseDefinition[] = [
  {
    ...timerCase,
    id: 'v6LC.1.3.2-A',
    title: `${TITLE}: Part A: Time Elapsed Between Fragments less than Sixty Seconds`,
    run(ctx) {
      const from = tn(ctx, 0x2a);
      const frames = cutFragments(echoTo(ctx, from, 128), FRAGMENT_ID, TWO_PIECES);
      return answeredAfterReassembly(ctx, from, frames, 'an Echo Request in two fragments 15 s apart', 'RFC 8200 §4.5', 15_000);
    },
  },
  {
    ...timerCase,
    id: 'v6LC.1.3.2-B',
    title: `${TITLE}: Part B: Time Exceeded Before Last Fragments Arrive`,
    async run(ctx) {
      // TAHI's F_TX_expire: the first fragment, the timer runs out (Time Exceeded), then the other two: they
      // come after the datagram was abandoned and must not complete it.
      const { from, nut } = await peers(ctx, 0x2b, true);
      const frames = cutFragments(echoTo(ctx, from, TAHI_DATA, nut), FRAGMENT_ID, THREE_PIECES);
      const timer = await onlyFirst(ctx, from, nut, frames);
      if (timer.verdict === 'FAIL') return timer;
      await sendAll(ctx, frames.slice(1), 'the rest of the Echo Request, after its reassembly time');
      const reply = await ctx.link().expectNothing((f) => toTester(from.address)(f) && f.icmpv6?.type === 'echo-reply', ANSWER_WINDOW_MS);
      if (reply) return fail('RFC 8200 §4.5', 'no Echo Reply: the fragments that came after the reassembly time cannot complete the abandoned datagram', 'an Echo Reply');
      return { ...timer, reason: `${timer.reason}; the late fragments completed nothing` };
    },
  },
  {
    ...timerCase,
    id: 'v6LC.1.3.2-C',
    title: `${TITLE}: Part C: Time Exceeded (Global), Only First Fragment Received`,
    async run(ctx) {
      const { from, nut } = await peers(ctx, 0x2c, true);
      return onlyFirst(ctx, from, nut, cutFragments(echoTo(ctx, from, TAHI_DATA, nut), FRAGMENT_ID, THREE_PIECES));
    },
  },
  {
    ...timerCase,
    id: 'v6LC.1.3.2-D',
    title: `${TITLE}: Part D: Time Exceeded (Link-local), Only First Fragment Received`,
    async run(ctx) {
      const { from, nut } = await peers(ctx, 0x2d, false);
      return onlyFirst(ctx, from, nut, cutFragments(echoTo(ctx, from, TAHI_DATA), FRAGMENT_ID, THREE_PIECES));
    },
  },
  {
    ...timerCase,
    id: 'v6LC.1.3.2-E',
    title: `${TITLE}: Part E: Time Exceeded, Only Second Fragment Received`,
    async run(ctx) {
      const from = tn(ctx, 0x2e);
      const [, second] = cutFragments(echoTo(ctx, from, TAHI_DATA), FRAGMENT_ID, THREE_PIECES);
      // Silence is right here; a NUT that reassembles nothing would keep it too, so notReassembled's control
      // (a well-formed fragmented request, answered) follows the wait.
      return notReassembled(ctx, from, [second!], 'only the second fragment of an Echo Request (no Time Exceeded without the first)', 'RFC 8200 §4.5', { throughReassemblyTime: true });
    },
  },
];
