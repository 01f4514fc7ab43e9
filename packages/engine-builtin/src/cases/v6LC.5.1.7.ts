// v6LC.5.1.7 Unrecognized Next Header (RFC 4443 §3.4): Parameter Problem code 1 for a packet to the global
// address whose Next Header the NUT does not know.
import type { FrameSpec } from '@testlab/packet';
import { pass, type CaseDefinition } from '../runner/case.js';
import { globalPeers } from '../vocabulary/global-address.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { pattern } from '../vocabulary/payload.js';
import { expectIcmpError } from '../vocabulary/probe-outcomes.js';

const unrecognizedNextHeaderGlobal: CaseDefinition = {
  id: 'v6LC.5.1.7',
  title: 'Unrecognized Next Header (Parameter Problem Generation)',
  rfc: 'RFC 4443 §3.4',
  appliesTo: ALL_MODES,
  async run(ctx) {
    const { from, nut } = await globalPeers(ctx, 0x70);
    const frame: FrameSpec = { eth: { src: from.mac, dst: ctx.nutOn().mac }, ipv6: { src: from.address, dst: nut }, payload: { nextHeader: 143, bytes: pattern(16) } };
    const r = await expectIcmpError(ctx, frame, from.address, { type: 'parameter-problem', code: 1, pointer: 6 }, { rfc: 'RFC 4443 §3.4', what: `a packet to ${nut} with next header 143` });
    return 'failed' in r ? r.failed : pass('Parameter Problem code 1 (unrecognized next header) pointer 6');
  },
};

export const cases: CaseDefinition[] = [unrecognizedNextHeaderGlobal];
