// v6LC.5.1.10 Error Condition With Multicast Destination (RFC 4443 §2.4 (e.3)): no Port Unreachable for a
// datagram sent to a multicast address (A), no Time Exceeded for an unfinished one (B, 65 s of the NUT's clock).
import { multicastMac } from '@testlab/packet';
import { pass, type CaseDefinition } from '../runner/case.js';
import { CLOSED_PORT, udpTo } from '../vocabulary/closed-port.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { expectIcmpError, expectSilence, isIcmpError } from '../vocabulary/probe-outcomes.js';
import { sleep } from '../vocabulary/timing.js';
import { TN1 } from '../vocabulary/tester-nodes.js';
import { cutFragments } from '../vocabulary/fragments.js';
import { echoTo, FRAGMENT_ID, notReassembled, TAHI_DATA, THREE_PIECES, tn } from '../vocabulary/reassembly.js';
import { TIMER_CASE_TIMEOUT_MS } from '../vocabulary/reassembly-timeout.js';

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
    if (failed) return failed;
    // Control: the same datagram to the NUT's own address draws Port Unreachable, so the silence above is the
    // multicast rule, not a NUT that never reports closed ports.
    await sleep(1_100);
    const nut = ctx.nutOn();
    const r = await expectIcmpError(ctx, udpTo(tn1, { mac: nut.mac, address: nut.linkLocal }), tn1.address, { type: 'destination-unreachable', code: 4 }, { rfc: 'RFC 4443 §3.1', what: `control: the same datagram to ${nut.linkLocal}` });
    return 'failed' in r ? r.failed : pass('no Destination Unreachable for a datagram sent to all-nodes; the same datagram to the NUT\'s own address drew one');
  },
};

/**
 * TAHI's To_Multi_Time_Exc: only the first fragment of an Echo Request to all-nodes. The datagram never
 * completes, and no Time Exceeded may follow 60 s later (the packet went to a multicast address); then a
 * well-formed fragmented request must still be answered, so the silence is not a NUT that ignores fragments.
 */
const noTimeExceededForMulticastDestination: CaseDefinition = {
  id: 'v6LC.5.1.10-B',
  title: 'Error Condition With Multicast Destination: Part B: Echo Request Reassembly Timeout',
  rfc: 'RFC 4443 §2.4 (e.3)',
  appliesTo: ALL_MODES,
  timeoutMs: TIMER_CASE_TIMEOUT_MS,
  timerBound: true,
  async run(ctx) {
    const from = tn(ctx, 0xb1);
    const [first] = cutFragments(echoTo(ctx, from, TAHI_DATA, 'ff02::1'), FRAGMENT_ID, THREE_PIECES);
    const toAllNodes = { ...first!, eth: { ...first!.eth, dst: multicastMac('ff02::1') } };
    return notReassembled(ctx, from, [toAllNodes], 'the first fragment of an Echo Request to all-nodes (no Time Exceeded for a multicast destination)', 'RFC 4443 §2.4 (e.3)', { throughReassemblyTime: true });
  },
};

export const cases: CaseDefinition[] = [noErrorForMulticastDestination, noTimeExceededForMulticastDestination];
