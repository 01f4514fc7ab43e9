// RFC 4443 §2.4 (e.6): no ICMPv6 error about a packet whose source does not identify a single node. The
// factory of parts A (UDP to a closed port) and D (an unknown 10b option) that v6LC.5.1.11 (unspecified
// source) and v6LC.5.1.12 (multicast source) share.
import type { FrameSpec } from '@testlab/packet';
import { pass, type CaseDefinition } from '../runner/case.js';
import { CLOSED_PORT, udpTo } from './closed-port.js';
import { echoRequest } from './echo.js';
import { ALL_MODES } from './nut-modes.js';
import { expectSilence, isIcmpError } from './probe-outcomes.js';
import { TN1 } from './tester-nodes.js';

const ECHO_ID = 0x5100;

/** Parts A and D of 5.1.11 (unspecified source) and 5.1.12 (multicast source): no error may be sent. */
export function nonUniqueSource(id: string, title: string, source: string, part: 'A' | 'D'): CaseDefinition {
  const rfc = 'RFC 4443 §2.4 (e.6)';
  const sourceName = source === '::' ? 'the unspecified address' : `the multicast address ${source}`;
  return {
    id: `${id}-${part}`,
    title: `${title}: Part ${part}: ${part === 'A' ? 'UDP Port Unreachable (Routers and Hosts)' : 'Echo Request with Unknown Option in Destination Options (Routers and Hosts)'}`,
    rfc,
    appliesTo: ALL_MODES,
    async run(ctx) {
      const nut = ctx.nutOn();
      const tn1 = ctx.node(TN1);
      const to = { mac: nut.mac, address: nut.linkLocal };
      const base = part === 'A' ? udpTo(tn1, to) : { ...echoRequest(tn1, to, ECHO_ID), extensionHeaders: [{ type: 'destination-options' as const, options: [{ type: 0x9e, data: new Uint8Array(4) }] }] };
      const frame: FrameSpec = { ...base, ipv6: { ...base.ipv6!, src: source } };
      const what = part === 'A' ? `a UDP datagram from ${sourceName} to the closed port ${CLOSED_PORT}` : `an Echo Request from ${sourceName} with an unknown 10b option`;
      const failed = await expectSilence(ctx, frame, isIcmpError, tn1, { rfc, what });
      return failed ?? pass(`no ICMPv6 error about a packet from ${sourceName}`);
    },
  };
}
