// v6LC.1.2.1 Next Header Zero (RFC 8200 §4.3): a Hop-by-Hop Options header anywhere but right after the IPv6
// header draws Parameter Problem code 1.
import { pass, type CaseDefinition } from '../runner/case.js';
import { echoBehind } from '../vocabulary/extension-headers.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { expectIcmpError } from '../vocabulary/probe-outcomes.js';
import { TN1 } from '../vocabulary/tester-nodes.js';

const nextHeaderZero: CaseDefinition = {
  id: 'v6LC.1.2.1',
  title: 'Next Header Zero',
  rfc: 'RFC 8200 §4.3',
  appliesTo: ALL_MODES,
  async run(ctx) {
    // A second Hop-by-Hop header (Next Header 0 in the first): only allowed right after the IPv6 header.
    const frame = echoBehind(ctx, [{ type: 'hop-by-hop' }, { type: 'hop-by-hop' }]);
    const r = await expectIcmpError(ctx, frame, ctx.node(TN1).address, { type: 'parameter-problem', code: 1, pointer: 40 }, { rfc: 'RFC 8200 §4.3, §4', what: 'a Hop-by-Hop header after a Hop-by-Hop header' });
    return 'failed' in r ? r.failed : pass('Parameter Problem code 1 pointing at the Next Header 0 of the first Hop-by-Hop header');
  },
};

export const cases: CaseDefinition[] = [nextHeaderZero];
