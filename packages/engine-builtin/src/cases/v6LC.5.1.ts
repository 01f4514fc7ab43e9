// Section 5 beyond v6LC.5.1.2-A/C and 5.1.8 (RFC 4443): Echo Requests to addresses that must not be
// answered (5.1.2-B/E/F), Destination Unreachable and Parameter Problem generation (5.1.3, 5.1.6, 5.1.7),
// and the rule that no error is sent about a packet to a multicast address or from a non-unique source
// (5.1.10-5.1.12, RFC 4443 §2.4 (e)).
import { multicastMac, normalizeIpv6, type FrameSpec } from '@testlab/packet';
import { fail, pass, warn, type CaseDefinition } from '../runner/case.js';
import { CLOSED_PORT, udpTo } from '../vocabulary/closed-port.js';
import { echoRequest, isEchoReply, nutAnswersEcho } from '../vocabulary/echo.js';
import { cutFragments } from '../vocabulary/fragments.js';
import { globalPeers } from '../vocabulary/global-address.js';
import { nonUniqueSource } from '../vocabulary/non-unique-source.js';
import { ALL_MODES } from '../vocabulary/nut-modes.js';
import { pattern } from '../vocabulary/payload.js';
import { describeAnswer, expectEchoReply, expectIcmpError, expectSilence, isAnswer, isIcmpError } from '../vocabulary/probe-outcomes.js';
import { TN1 } from '../vocabulary/tester-nodes.js';
import { ANSWER_WINDOW_MS } from '../vocabulary/timing.js';

const ECHO_ID = 0x5100;

export const echoToGlobal: CaseDefinition = {
  id: 'v6LC.5.1.2-B',
  title: 'Replying to Echo Requests: Part B: Request sent to global address',
  rfc: 'RFC 4443 §4.2',
  appliesTo: ALL_MODES,
  async run(ctx) {
    const { from, nut } = await globalPeers(ctx, 0x2b);
    const rfc = 'RFC 4443 §4.2';
    const failed = await expectEchoReply(ctx, echoRequest(from, { mac: ctx.nutOn().mac, address: nut }, ECHO_ID, 1), from.address, ECHO_ID, 1, { rfc, what: `an Echo Request to the global address ${nut}` });
    if (failed) return failed;
    // §4.2: the reply's source is the address the request was sent to.
    const reply = await ctx.link().expect((f) => isEchoReply(f, from.address, ECHO_ID, 1), 0);
    const src = normalizeIpv6(reply!.frame.ipv6!.src);
    if (src !== nut) return fail(rfc, `the Echo Reply from ${nut}, the address the request was sent to`, `it from ${src}`);
    return pass(`Echo Reply from the global address ${nut}`);
  },
};

function notAnswered(part: 'E' | 'F', partTitle: string, address: string, rfc: string): CaseDefinition {
  return {
    id: `v6LC.5.1.2-${part}`,
    title: `Replying to Echo Requests: Part ${part}: ${partTitle}`,
    rfc,
    appliesTo: ALL_MODES,
    async run(ctx) {
      const tn1 = ctx.node(TN1);
      const what = `an Echo Request to ${address}`;
      await ctx.link().send(echoRequest(tn1, { mac: ctx.nutOn().mac, address }, ECHO_ID, 1), what);
      const answers = await ctx.link().collect(isAnswer(tn1.address), ANSWER_WINDOW_MS);
      const reply = answers.find((r) => r.frame.icmpv6?.type === 'echo-reply');
      if (reply) return fail(rfc, `${what} not answered (the address is never a destination)`, 'an Echo Reply');
      if (!(await nutAnswersEcho(ctx, tn1, 0x7e57))) return fail('RFC 4443 §4.2', 'an Echo Reply to the control Echo Request (silence alone proves nothing)', ctx.link().seenSinceSend());
      // No Echo Reply is what the test is about; an ICMPv6 error about the packet is not forbidden by
      // RFC 4443 §2.4 (e), but a node the packet was never meant for has nothing to report: WARN.
      const other = answers[0];
      if (other) return warn(rfc, `${what} silently discarded`, `${describeAnswer(other)} in answer`);
      return pass(`${what} was not answered`);
    },
  };
}

export const echoToUnspecified = notAnswered('E', 'Request sent to unspecified address', '::', 'RFC 4291 §2.5.2');
export const echoToLoopback = notAnswered('F', 'Request sent to loopback address', '::1', 'RFC 4291 §2.5.3');

export const portUnreachableLinkLocal: CaseDefinition = {
  id: 'v6LC.5.1.3-C',
  title: 'Destination Unreachable Message Generation: Part C: Port Unreachable - Link-Local Address - All Nodes',
  rfc: 'RFC 4443 §3.1',
  appliesTo: ALL_MODES,
  async run(ctx) {
    const nut = ctx.nutOn();
    const tn1 = ctx.node(TN1);
    const r = await expectIcmpError(ctx, udpTo(tn1, { mac: nut.mac, address: nut.linkLocal }), tn1.address, { type: 'destination-unreachable', code: 4 }, { rfc: 'RFC 4443 §3.1', what: `a UDP datagram to the closed port ${CLOSED_PORT}` });
    return 'failed' in r ? r.failed : pass('Destination Unreachable code 4 (port unreachable) quoting the datagram');
  },
};

export const portUnreachableGlobal: CaseDefinition = {
  id: 'v6LC.5.1.3-D',
  title: 'Destination Unreachable Message Generation: Part D: Port Unreachable - Global Address - All Nodes',
  rfc: 'RFC 4443 §3.1',
  appliesTo: ALL_MODES,
  async run(ctx) {
    const { from, nut } = await globalPeers(ctx, 0x3d);
    const r = await expectIcmpError(ctx, udpTo(from, { mac: ctx.nutOn().mac, address: nut }), from.address, { type: 'destination-unreachable', code: 4 }, { rfc: 'RFC 4443 §3.1', what: `a UDP datagram to the closed port ${CLOSED_PORT} of ${nut}` });
    return 'failed' in r ? r.failed : pass(`Destination Unreachable code 4 from ${nut}`);
  },
};

export const erroneousHeaderField: CaseDefinition = {
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

export const unrecognizedNextHeaderGlobal: CaseDefinition = {
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

export const noErrorForMulticastDestination: CaseDefinition = {
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

const TITLE_UNSPECIFIED = 'Error Condition With Non-Unique Source - Unspecified';
const TITLE_MULTICAST = 'Error Condition With Non-Unique Source - Multicast';
const GLOBAL_MULTICAST = 'ff1e::1:2';

export const nonUniqueSourceCases: CaseDefinition[] = [
  nonUniqueSource('v6LC.5.1.11', TITLE_UNSPECIFIED, '::', 'A'),
  nonUniqueSource('v6LC.5.1.11', TITLE_UNSPECIFIED, '::', 'D'),
  nonUniqueSource('v6LC.5.1.12', TITLE_MULTICAST, GLOBAL_MULTICAST, 'A'),
  nonUniqueSource('v6LC.5.1.12', TITLE_MULTICAST, GLOBAL_MULTICAST, 'D'),
];
