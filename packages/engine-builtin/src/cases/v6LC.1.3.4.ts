// v6LC.1.3.4 Atomic Fragment (RFC 8200 §4.5, RFC 6946): a fragment with offset 0 and M clear is processed
// on its own, to the link-local (A; Phase-1's Stub Fragment Header) and the global address (B).
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { awaitEchoReply, cutFragments, fragmentableLength } from '../vocabulary/fragments.js';
import { nutGlobalOnLink0 } from '../vocabulary/global-address.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { toTester } from '../vocabulary/probe-outcomes.js';
import { ECHO_ID, echoTo, FRAGMENT_ID, tn } from '../vocabulary/reassembly.js';
import { ANSWER_WINDOW_MS } from '../vocabulary/timing.js';

function atomicCase(part: 'A' | 'B' | undefined, global: boolean): CaseDefinition {
  return {
    // Phase-1's INDEX names TAHI's F_Stub.seq "v6LC.1.3.4 Stub Fragment Header", a test without parts;
    // Phase-2's names the same script Atomic Fragment Part A, beside the global Part B.
    id: part ? `v6LC.1.3.4-${part}` : 'v6LC.1.3.4',
    title: part ? `Atomic Fragment: Part ${part}: ${global ? 'Global' : 'Link-Local'}` : 'Stub Fragment Header',
    rfc: 'RFC 8200 §4.5, RFC 6946 §4',
    appliesTo: ALL_MODES,
    async run(ctx) {
      const rfc = 'RFC 6946 §4';
      const from = tn(ctx, global ? 0x4b : part ? 0x4a : 0x49, global);
      const to = global ? (await nutGlobalOnLink0(ctx, from)).nut : undefined;
      const echo = echoTo(ctx, from, 64, to);
      const [atomic] = cutFragments(echo, FRAGMENT_ID, [{ start: 0, end: fragmentableLength(echo), more: false }]);
      await ctx.link().send(atomic!, 'an atomic fragment (offset 0, M clear)');
      const reply = await awaitEchoReply(ctx.link(), from.address, ECHO_ID, 1, ANSWER_WINDOW_MS);
      if (!reply) return fail(rfc, 'an Echo Reply to the atomic fragment (processed in isolation)', ctx.link().seenSinceSend(toTester(from.address)));
      if (reply.fragmented) return fail('RFC 8200 §4.5, RFC 8021', 'an Echo Reply without a Fragment header', `the reply in ${reply.packetSizes.length} fragment(s)`);
      return pass('the atomic fragment was processed and answered without a Fragment header');
    },
  };
}

export const cases: CaseDefinition[] = [atomicCase(undefined, false), atomicCase('A', false), atomicCase('B', true)];
