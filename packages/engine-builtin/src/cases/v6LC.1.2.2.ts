// v6LC.1.2.2 No Next Header after Extension Header (RFC 8200 §4.7): the NUT ignores what follows Next Header
// 59 in an extension header (A); a router forwards it unchanged (B).
import { encodeIcmpv6, type FrameSpec } from '@testlab/packet';
import { pass, type CaseDefinition } from '../runner/case.js';
import { forwardedIntact } from '../vocabulary/forwarding.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { pattern } from '../vocabulary/payload.js';
import { expectSilence } from '../vocabulary/probe-outcomes.js';
import { TN1 } from '../vocabulary/tester-nodes.js';

const ECHO_ID = 0x1200;

const noNextHeaderAfterExtension: CaseDefinition = {
  id: 'v6LC.1.2.2-A',
  title: 'No Next Header after Extension Header: Part A: End Node',
  rfc: 'RFC 8200 §4.7',
  appliesTo: ALL_MODES,
  async run(ctx) {
    const nut = ctx.nutOn();
    const tn1 = ctx.node(TN1);
    const echo = encodeIcmpv6({ type: 'echo-request', id: ECHO_ID, seq: 1, data: pattern(16) }, tn1.address, nut.linkLocal);
    const frame: FrameSpec = {
      eth: { src: tn1.mac, dst: nut.mac },
      ipv6: { src: tn1.address, dst: nut.linkLocal },
      extensionHeaders: [{ type: 'destination-options' }],
      payload: { nextHeader: 59, bytes: echo },
    };
    const failed = await expectSilence(ctx, frame, tn1.address, tn1, { rfc: 'RFC 8200 §4.7', what: 'a Destination Options header with Next Header 59 (an Echo Request behind it)' });
    return failed ?? pass('the bytes after No Next Header were ignored');
  },
};

const noNextHeaderAfterExtensionForwarded = forwardedIntact({
  id: 'v6LC.1.2.2-B',
  title: 'No Next Header after Extension Header: Part B: Intermediate Node (Routers Only)',
  rfc: 'RFC 8200 §4.7',
  what: 'a Destination Options header with Next Header 59 and 16 octets after it',
  n: 0x22,
  shape: ({ icmpv6: _, ...r }) => ({ ...r, extensionHeaders: [{ type: 'destination-options' }], payload: { nextHeader: 59, bytes: pattern(16) } }),
});

export const cases: CaseDefinition[] = [noNextHeaderAfterExtension, noNextHeaderAfterExtensionForwarded];
