// v6LC.1.2.3 Unrecognized Next Header in Extension Header - End Node (RFC 8200 §4, RFC 4443 §3.4): Parameter
// Problem code 1 pointing at the extension header's Next Header field.
import type { FrameSpec } from '@testlab/packet';
import { pass, type CaseDefinition } from '../runner/case.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { pattern } from '../vocabulary/payload.js';
import { expectIcmpError } from '../vocabulary/probe-outcomes.js';
import { TN1 } from '../vocabulary/tester-nodes.js';
import { sleep } from '../vocabulary/timing.js';

const UNRECOGNIZED = [138, 200, 252];

const unrecognizedNextHeaderInExtension: CaseDefinition = {
  id: 'v6LC.1.2.3-A',
  title: 'Unrecognized Next Header in Extension Header - End Node: Part A: Unrecognized Next Header in Extension Header (Multiple Values)',
  rfc: 'RFC 8200 §4',
  appliesTo: ALL_MODES,
  async run(ctx) {
    const nut = ctx.nutOn();
    const tn1 = ctx.node(TN1);
    for (const nh of UNRECOGNIZED) {
      const frame: FrameSpec = {
        eth: { src: tn1.mac, dst: nut.mac },
        ipv6: { src: tn1.address, dst: nut.linkLocal },
        extensionHeaders: [{ type: 'destination-options' }],
        payload: { nextHeader: nh, bytes: pattern(16) },
      };
      // The pointer names the Next Header field of the Destination Options header (offset 40).
      const r = await expectIcmpError(ctx, frame, tn1.address, { type: 'parameter-problem', code: 1, pointer: 40 }, { rfc: 'RFC 8200 §4, RFC 4443 §3.4', what: `next header ${nh} in a Destination Options header` });
      if ('failed' in r) return r.failed;
      await sleep(1_100); // ICMPv6 error rate limiting must not decide the next value
    }
    return pass(`Parameter Problem code 1 pointer 40 for next headers ${UNRECOGNIZED.join(', ')}`);
  },
};

export const cases: CaseDefinition[] = [unrecognizedNextHeaderInExtension];
