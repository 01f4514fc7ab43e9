// v6LC.5.1.3 Destination Unreachable Message Generation (RFC 4443 §3.1): code 0 from a router with no route to
// the destination (A), code 3 when the next hop does not answer (B), code 4 for a UDP datagram to a closed port
// at the link-local (C) or global (D) address, code 2 for a link-local source beyond its link (E).
import { fail, pass, type CaseDefinition } from '../runner/case.js';
import { CLOSED_PORT, udpTo } from '../vocabulary/closed-port.js';
import { across, forwardedRequest } from '../vocabulary/forwarding.js';
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

/** Part B: the next hop on Link1 never answers the router's Neighbor Solicitations: code 3, once resolution gives up. */
const addressUnreachable: CaseDefinition = {
  id: 'v6LC.5.1.3-B',
  title: 'Destination Unreachable Message Generation: Part B: Address Unreachable - Routers Only',
  rfc: 'RFC 4443 §3.1',
  appliesTo: ROUTER_MODES,
  async run(ctx) {
    const a = across(ctx, 0x3b);
    // Three solicitations a second apart (RFC 4861 §7.2.2), then the error: allow for a loaded VM.
    const r = await expectIcmpError(ctx, a.request({ to: UNANSWERED_ON_LINK1 }), a.tn1.address, { type: 'destination-unreachable', code: 3 }, { rfc: 'RFC 4443 §3.1, RFC 4861 §7.2.2', what: `an Echo Request to ${UNANSWERED_ON_LINK1} (on Link1, nobody answers for it)`, windowMs: 10_000 });
    return 'failed' in r ? r.failed : pass('Destination Unreachable code 3 (address unreachable) after address resolution on Link1 failed');
  },
};

/** Part E: a packet from TN1's link-local address cannot leave Link0: code 2 (beyond scope of source address). */
const beyondScope: CaseDefinition = {
  id: 'v6LC.5.1.3-E',
  title: 'Destination Unreachable Message Generation: Part E: Beyond Scope of Source Address - Routers Only',
  rfc: 'RFC 4443 §3.1',
  appliesTo: ROUTER_MODES,
  async run(ctx) {
    const a = across(ctx, 0x3e);
    // TN1 answers for its link-local address too: the router must resolve it to deliver the error.
    const linkLocal = ctx.node({ name: 'TN1', mac: a.tn1.mac }).address;
    const request = a.request();
    const r = await expectIcmpError(ctx, { ...request, ipv6: { ...request.ipv6!, src: linkLocal } }, linkLocal, { type: 'destination-unreachable', code: 2 }, { rfc: 'RFC 4443 §3.1', what: `an Echo Request from TN1's link-local address to TN2 on Link1` });
    if ('failed' in r) return r.failed;
    if (ctx.link('Link1').seenSinceSend(forwardedRequest(a)) !== 'nothing') return fail('RFC 4443 §3.1', 'the packet not forwarded beyond the scope of its source', 'it forwarded on Link1');
    return pass('Destination Unreachable code 2 (beyond scope of source address); nothing forwarded');
  },
};

const UNANSWERED_ON_LINK1 = '3ffe:501:ffff:101::dead';

export const cases: CaseDefinition[] = [routeUnreachable, addressUnreachable, portUnreachableLinkLocal, portUnreachableGlobal, beyondScope];
