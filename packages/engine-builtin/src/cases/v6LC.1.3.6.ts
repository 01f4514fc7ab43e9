// v6LC.1.3.6 First Fragment Doesn't Contain All Headers (RFC 8200 §4.5): a first fragment ending inside the
// header chain draws Parameter Problem code 3 pointer 0 and is discarded.
import type { FrameSpec } from '@testlab/packet';
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { cutFragments, fragmentableLength } from '../vocabulary/fragments.js';
import { nutGlobalOnLink0 } from '../vocabulary/global-address.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { expectIcmpError, toTester } from '../vocabulary/probe-outcomes.js';
import { echoTo, FRAGMENT_ID, tn } from '../vocabulary/reassembly.js';
import { ANSWER_WINDOW_MS } from '../vocabulary/timing.js';

// A header chain longer than the first fragment: a 112-byte Destination Options (or Routing) header, the
// first fragment carrying only 56 bytes of it. RFC 8200 §4.5: discard, Parameter Problem code 3 pointer 0.
function incompleteChainCase(part: 'A' | 'B' | 'C' | 'D', header: 'destination-options' | 'routing', global = false): CaseDefinition {
  return {
    id: `v6LC.1.3.6-${part}`,
    title: `First Fragment Doesn't Contain All Headers: Part ${part}: ${header === 'routing' ? 'Routing Options' : 'Destination Options'} (${global ? 'Global' : 'Link-Local'})`,
    rfc: 'RFC 8200 §4.5',
    appliesTo: ALL_MODES,
    async run(ctx) {
      const from = tn(ctx, 0x60 + part.charCodeAt(0), global);
      const to = global ? (await nutGlobalOnLink0(ctx, from)).nut : undefined;
      const echo: FrameSpec = {
        ...echoTo(ctx, from, 32, to),
        extensionHeaders: [header === 'routing' ? { type: 'routing', routingType: 33, segmentsLeft: 0, data: new Uint8Array(108) } : { type: 'destination-options', options: [{ type: 1, data: new Uint8Array(108) }] }],
      };
      const [first, second] = cutFragments(echo, FRAGMENT_ID, [
        { start: 0, end: 56 },
        { start: 56, end: fragmentableLength(echo) },
      ]);
      const r = await expectIcmpError(ctx, first!, from.address, { type: 'parameter-problem', code: 3, pointer: 0 }, { rfc: 'RFC 8200 §4.5', what: `a first fragment ending inside its ${header} header` });
      if ('failed' in r) return r.failed;
      await ctx.link().send(second!, 'the rest: must not complete anything');
      const reply = await ctx.link().expectNothing((f) => toTester(from.address)(f) && f.icmpv6?.type === 'echo-reply', ANSWER_WINDOW_MS);
      if (reply) return fail('RFC 8200 §4.5', 'the first fragment discarded, so no Echo Reply', 'an Echo Reply');
      return pass('Parameter Problem code 3 pointer 0; the first fragment was discarded');
    },
  };
}

// C and D are A and B at the global address (the router INDEX lists them as a second "Part A"/"Part B",
// so router sets name only A and B).
export const cases: CaseDefinition[] = [
  incompleteChainCase('A', 'destination-options'),
  incompleteChainCase('B', 'routing'),
  incompleteChainCase('C', 'destination-options', true),
  incompleteChainCase('D', 'routing', true),
];
