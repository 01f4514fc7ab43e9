// v6LC.1.1.6 No Next Header after IPv6 Header (RFC 8200 §4.7): the NUT ignores what follows Next Header 59
// (A); a router forwards it unchanged (B).
import { encodeIcmpv6 } from '@testlab/packet';
import { pass, type CaseDefinition } from '../runner/case.js';
import { forwardedIntact } from '../vocabulary/forwarding.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { pattern } from '../vocabulary/payload.js';
import { expectSilence } from '../vocabulary/probe-outcomes.js';
import { TN1 } from '../vocabulary/tester-nodes.js';

const noNextHeader: CaseDefinition = {
  id: 'v6LC.1.1.6-A',
  title: 'No Next Header after IPv6 Header: Part A: NUT Receives No Next Header',
  rfc: 'RFC 8200 §4.7',
  appliesTo: ALL_MODES,
  async run(ctx) {
    const rfc = 'RFC 8200 §4.7';
    const nut = ctx.nutOn();
    const tn1 = ctx.node(TN1);
    // Next Header 59 followed by the bytes of an Echo Request: they must be ignored, not answered.
    const echo = encodeIcmpv6({ type: 'echo-request', id: 0x1160, seq: 1, data: pattern(16) }, tn1.address, nut.linkLocal);
    const failed = await expectSilence(
      ctx,
      { eth: { src: tn1.mac, dst: nut.mac }, ipv6: { src: tn1.address, dst: nut.linkLocal }, payload: { nextHeader: 59, bytes: echo } },
      tn1.address,
      tn1,
      { rfc, what: 'a packet with Next Header 59 (an Echo Request behind it)' },
    );
    return failed ?? pass('the bytes after No Next Header were ignored; the NUT still answers Echo Requests');
  },
};

const noNextHeaderForwarded = forwardedIntact({
  id: 'v6LC.1.1.6-B',
  title: 'No Next Header after IPv6 Header: Part B: RUT Forwards No Next Header - (Routers Only)',
  rfc: 'RFC 8200 §4.7',
  what: 'a packet with Next Header 59 and 16 octets after it',
  n: 0x16,
  shape: ({ icmpv6: _, ...r }) => ({ ...r, payload: { nextHeader: 59, bytes: pattern(16) } }),
});

export const cases: CaseDefinition[] = [noNextHeader, noNextHeaderForwarded];
