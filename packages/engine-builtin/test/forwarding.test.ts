// Router-only cases against the fake NUT in router mode (forwarding between Link0 and Link1): each passes,
// FAILs for the reason named when the router misbehaves, and is NA on a host.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { runAgainstFake, type Expectation } from './run-fake.js';

const IDS = ['v6LC.1.1.3', 'v6LC.1.1.4-B', 'v6LC.1.1.5-B', 'v6LC.1.1.6-B', 'v6LC.1.1.9', 'v6LC.1.2.2-B', 'v6LC.5.1.3-A', 'v6LC.5.1.4-A', 'v6LC.5.1.5-A', 'v6LC.5.1.5-B'];

const expectations: Expectation[] = [
  { id: 'v6LC.1.1.3', bad: { zeroTrafficClassAndFlowLabelWhenForwarding: true }, reason: /expected an Echo Request with traffic class 0x12 forwarded unchanged but for the hop limit; seen the forwarded packet differs: octet 0 is 0x60, not 0x61 \(RFC 8200 §7\)/ },
  { id: 'v6LC.1.1.4-B', bad: { zeroTrafficClassAndFlowLabelWhenForwarding: true }, reason: /flow label 0x34567 forwarded unchanged .*; seen the forwarded packet differs: octet 1 is 0x0, not 0x3 \(RFC 8200 §6, RFC 6437 §3\)/ },
  { id: 'v6LC.1.1.5-B', bad: { padOddPayloadWhenForwarding: true }, reason: /odd Payload Length \(17\) forwarded unchanged .*; seen the forwarded packet differs: octet 5 is 0x12, not 0x11 \(RFC 8200 §3\)/ },
  { id: 'v6LC.1.1.6-B', bad: { dropNoNextHeaderWhenForwarding: true }, reason: /expected a packet with Next Header 59 and 16 octets after it forwarded to TN2 on Link1; seen nothing \(RFC 8200 §4\.7\)/ },
  { id: 'v6LC.1.2.2-B', bad: { dropNoNextHeaderWhenForwarding: true }, reason: /a Destination Options header with Next Header 59 and 16 octets after it forwarded to TN2 on Link1; seen nothing/ },
  { id: 'v6LC.1.1.9', bad: { noHopLimitDecrement: true }, reason: /expected the forwarded packet with hop limit 14 \(15 decremented by one\); seen hop limit 15 \(RFC 8200 §3\)/ },
  { id: 'v6LC.5.1.3-A', bad: { noRouteUnreachable: true }, reason: /expected Destination Unreachable code 0 for an Echo Request to 3ffe:501:ffff:200::1 \(no route\); seen nothing \(RFC 4443 §3\.1\)/ },
  { id: 'v6LC.5.1.4-A', bad: { noPacketTooBig: true }, reason: /expected Packet Too Big code 0 for a 1500-octet Echo Request to TN2 behind a 1280-octet Link1; seen nothing \(RFC 4443 §3\.2\)/ },
  { id: 'v6LC.5.1.5-A', bad: { forwardExpiredHopLimit: true }, reason: /expected Time Exceeded code 0 for an Echo Request to TN2 with hop limit 0; seen nothing \(RFC 4443 §3\.3, RFC 8200 §3\)/ },
  { id: 'v6LC.5.1.5-B', bad: { forwardExpiredHopLimit: true }, reason: /Time Exceeded code 0 for an Echo Request to TN2 with hop limit 1; seen nothing/ },
];

// Each run has its own in-memory link and fake NUT, and mostly waits: run them side by side.
describe('router-only cases against the fake NUT', { concurrency: true }, () => {
  for (const id of IDS) {
    test(`${id} passes against a conforming router and is NA on a host`, async () => {
      const r = await runAgainstFake(id, {}, 'router');
      assert.equal(r.verdict, 'PASS', r.reason);
      assert.equal(r.pcaps.length, 2, 'a capture per link');
      assert.equal((await runAgainstFake(id, {}, 'host')).verdict, 'NA');
    });
  }

  for (const e of expectations) {
    test(`${e.id} FAILs against a router with ${Object.keys(e.bad).join(', ')}`, async () => {
      const r = await runAgainstFake(e.id, e.bad, 'router');
      assert.equal(r.verdict, 'FAIL', r.reason);
      assert.match(r.reason, e.reason);
    });
  }
});

test('v6LC.5.1.4-A gives Link1 its MTU back', async () => {
  const r = await runAgainstFake('v6LC.5.1.4-A', {}, 'router');
  assert.match(r.log, /NUT\$ ip link set dev eth2 mtu 1280[\s\S]*NUT\$ ip link set dev eth2 mtu 1500/);
});
