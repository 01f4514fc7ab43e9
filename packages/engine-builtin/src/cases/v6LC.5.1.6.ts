// v6LC.5.1.6 Erroneous Header Field (RFC 4443 §3.4): Parameter Problem code 0 pointing at the erroneous field.
import { pass, type CaseDefinition } from '../runner/case.js';
import { echoRequest } from '../vocabulary/echo.js';
import { cutFragments } from '../vocabulary/fragments.js';
import { globalPeers } from '../vocabulary/global-address.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { pattern } from '../vocabulary/payload.js';
import { expectIcmpError } from '../vocabulary/probe-outcomes.js';

const ECHO_ID = 0x5100;

const erroneousHeaderField: CaseDefinition = {
  id: 'v6LC.5.1.6',
  title: 'Erroneous Header Field (Parameter Problem Generation)',
  rfc: 'RFC 4443 §3.4',
  appliesTo: ALL_MODES,
  async run(ctx) {
    const { from, nut } = await globalPeers(ctx, 0x60);
    // A fragment with M set and a length not a multiple of 8: the Payload Length is the erroneous field.
    const [frame] = cutFragments(echoRequest(from, { mac: ctx.nutOn().mac, address: nut }, ECHO_ID, 1, pattern(64)), 0x51060001, [{ start: 0, end: 21, more: true }]);
    const r = await expectIcmpError(ctx, frame!, from.address, { type: 'parameter-problem', code: 0, pointer: 4 }, { rfc: 'RFC 4443 §3.4, RFC 8200 §4.5', what: 'a fragment with M set and 21 octets of data' });
    return 'failed' in r ? r.failed : pass('Parameter Problem code 0 (erroneous header field) pointing at the Payload Length');
  },
};

export const cases: CaseDefinition[] = [erroneousHeaderField];
