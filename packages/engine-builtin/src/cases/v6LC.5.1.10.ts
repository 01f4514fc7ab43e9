// v6LC.5.1.10 Error Condition With Multicast Destination (RFC 4443 §2.4 (e.3)): no Port Unreachable for a
// datagram sent to a multicast address.
import { multicastMac } from '@testlab/packet';
import { pass, type CaseDefinition } from '../runner/case.js';
import { CLOSED_PORT, udpTo } from '../vocabulary/closed-port.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { expectSilence, isIcmpError } from '../vocabulary/probe-outcomes.js';
import { TN1 } from '../vocabulary/tester-nodes.js';

const noErrorForMulticastDestination: CaseDefinition = {
  id: 'v6LC.5.1.10-A',
  title: 'Error Condition With Multicast Destination: Part A: UDP Port Unreachable',
  rfc: 'RFC 4443 §2.4 (e.3)',
  appliesTo: ALL_MODES,
  async run(ctx) {
    const tn1 = ctx.node(TN1);
    const failed = await expectSilence(ctx, udpTo(tn1, { mac: multicastMac('ff02::1'), address: 'ff02::1' }), isIcmpError, tn1, {
      rfc: 'RFC 4443 §2.4 (e.3)',
      what: `a UDP datagram to all-nodes, port ${CLOSED_PORT}`,
    });
    return failed ?? pass('no Destination Unreachable for a datagram sent to a multicast address');
  },
};

export const cases: CaseDefinition[] = [noErrorForMulticastDestination];
