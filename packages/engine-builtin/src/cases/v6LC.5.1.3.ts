// v6LC.5.1.3 Destination Unreachable Message Generation (RFC 4443 §3.1): code 0 from a router with no route to
// the destination (A), code 4 for a UDP datagram to a closed port at the link-local (C) or global (D) address.
import { pass, type CaseDefinition } from '../runner/case.js';
import { CLOSED_PORT, udpTo } from '../vocabulary/closed-port.js';
import { across } from '../vocabulary/forwarding.js';
import { globalPeers } from '../vocabulary/global-address.js';
import { ALL_MODES, ROUTER_MODES } from '../vocabulary/nut-modes.js';
import { expectIcmpError } from '../vocabulary/probe-outcomes.js';
import { TN1 } from '../vocabulary/tester-nodes.js';

const routeUnreachable: CaseDefinition = {
  id: 'v6LC.5.1.3-A',
  title: 'Destination Unreachable Message Generation: Part A: Route Unreachable - Routers Only',
  rfc: 'RFC 4443 §3.1',
  appliesTo: ROUTER_MODES,
  async run(ctx) {
    const a = across(ctx, 0x3a);
    // A prefix the NUT has no route for (no default route on a TAHI router NUT).
    const r = await expectIcmpError(ctx, a.request({ to: '3ffe:501:ffff:200::1' }), a.tn1.address, { type: 'destination-unreachable', code: 0 }, { rfc: 'RFC 4443 §3.1', what: 'an Echo Request to 3ffe:501:ffff:200::1 (no route)' });
    return 'failed' in r ? r.failed : pass('Destination Unreachable code 0 (no route to destination)');
  },
};

const portUnreachableLinkLocal: CaseDefinition = {
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

const portUnreachableGlobal: CaseDefinition = {
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

export const cases: CaseDefinition[] = [routeUnreachable, portUnreachableLinkLocal, portUnreachableGlobal];
