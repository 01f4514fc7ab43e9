// Routing headers of types the NUT does not know (RFC 8200 §4.4; type 0 deprecated by RFC 5095): the
// header, and the case factory v6LC.1.2.9 (end node) and v6LC.1.2.10 (intermediate node) share.
import type { ExtensionHeaderSpec } from '@testlab/packet';
import { pass, type CaseDefinition } from '../runner/case.js';
import { echoBehind, optionOutcome } from './extension-headers.js';
import { ALL_MODES } from './nut-modes.js';
import { expectIcmpError } from './probe-outcomes.js';
import { TN1 } from './tester-nodes.js';

/** Type 0 carries one address (RFC 5095 deprecated it: it must be treated as unknown); type 33 nothing. */
export function routingHeader(routingType: number, segmentsLeft: number): ExtensionHeaderSpec {
  const data = new Uint8Array(routingType === 0 ? 20 : 4);
  if (routingType === 0) data.set([0x3f, 0xfe, 0x05, 0x01, 0xff, 0xff, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0x02], 4);
  return { type: 'routing', routingType, segmentsLeft, data };
}

export function routingTypeCase(id: string, title: string, part: 'A' | 'B', routingType: 33 | 0, segmentsLeft: number): CaseDefinition {
  const rfc = 'RFC 8200 §4.4';
  return {
    id: `${id}-${part}`,
    title: `${title}: Part ${part}: Unrecognized Routing Type ${routingType}`,
    rfc: routingType === 0 ? 'RFC 8200 §4.4, RFC 5095 §3' : rfc,
    appliesTo: ALL_MODES,
    async run(ctx) {
      const frame = echoBehind(ctx, [routingHeader(routingType, segmentsLeft)]);
      const what = `an Echo Request with a Routing header of type ${routingType}, segments left ${segmentsLeft}`;
      // Segments Left 0: the header is ignored and the packet processed; otherwise Parameter Problem code 0
      // pointing at the Routing Type field (offset 42).
      if (segmentsLeft === 0) return (await optionOutcome(ctx, frame, 'reply', rfc, what.replace('an Echo Request with ', '')));
      const r = await expectIcmpError(ctx, frame, ctx.node(TN1).address, { type: 'parameter-problem', code: 0, pointer: 42 }, { rfc, what });
      return 'failed' in r ? r.failed : pass('Parameter Problem code 0 pointing at the Routing Type');
    },
  };
}
