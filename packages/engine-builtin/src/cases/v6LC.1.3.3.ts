// v6LC.1.3.3 Fragment Header M-Bit Set, Payload Length Invalid (RFC 8200 §4.5): a fragment with M set whose
// length is not a multiple of 8 draws Parameter Problem code 0 pointing at the Payload Length.
import { pass, type CaseDefinition } from '../runner/case.js';
import { cutFragments } from '../vocabulary/fragments.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { expectIcmpError } from '../vocabulary/probe-outcomes.js';
import { echoTo, FRAGMENT_ID, tn } from '../vocabulary/reassembly.js';

const fragmentLengthInvalid: CaseDefinition = {
  id: 'v6LC.1.3.3',
  title: 'Fragment Header M-Bit Set, Payload Length Invalid',
  rfc: 'RFC 8200 §4.5',
  appliesTo: ALL_MODES,
  async run(ctx) {
    const from = tn(ctx, 0x30);
    // A first fragment with M set whose fragment data is 21 bytes, not a multiple of 8.
    const [frame] = cutFragments(echoTo(ctx, from, 128), FRAGMENT_ID, [{ start: 0, end: 21, more: true }]);
    const r = await expectIcmpError(ctx, frame!, from.address, { type: 'parameter-problem', code: 0, pointer: 4 }, { rfc: 'RFC 8200 §4.5', what: 'a fragment with M set and 21 bytes of data' });
    return 'failed' in r ? r.failed : pass('Parameter Problem code 0 pointing at the Payload Length');
  },
};

export const cases: CaseDefinition[] = [fragmentLengthInvalid];
