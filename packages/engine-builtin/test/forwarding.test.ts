// Router-only cases, and the router side of cases for every NUT, against the fake NUT (fake-nut-plus.ts) in
// router mode (forwarding between Link0 and Link1): each passes, FAILs for the reason named when the router
// misbehaves, and is NA on a host. The multicast-routing parts are NA without multicast routing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { caseCatalogue } from '../src/index.js';
import { startFakeNutPlus, type PlusMisbehaviour } from './fake-nut-plus.js';
import { runAgainstFake as runShared, type Expectation } from './run-fake.js';

const runAgainstFake = (id: string, bad: PlusMisbehaviour = {}, mode: 'host' | 'router' = 'router') => runShared(id, bad, mode, startFakeNutPlus);
const isTimerCase = (id: string) => (caseCatalogue.get(id)!.timeoutMs ?? 0) >= 90_000;
const routerOnly = (id: string) => { const m = caseCatalogue.get(id)!.appliesTo; return m.includes('router') && !m.includes('host'); };
const NEEDS_MULTICAST_ROUTING = ['v6LC.1.1.10-H', 'v6LC.1.1.10-I', 'v6LC.1.1.10-J', 'v6LC.1.1.10-K', 'v6LC.1.2.7-G', 'v6LC.5.1.4-B'];
const IDS = [...caseCatalogue.keys()].filter((id) => /^v6LC\.[15]\./.test(id) && routerOnly(id) && !isTimerCase(id) && !NEEDS_MULTICAST_ROUTING.includes(id));

const NOT_FORWARDED_CONTROL = /expected control: a well-formed Echo Request from TN1 to TN2 forwarded to TN2 on Link1; seen nothing/;
const E1 = (what: string) => new RegExp(`expected no ICMPv6 error about ${what}; seen ICMPv6 type \\d+ code \\d+ \\(RFC 4443 §2\\.4 \\(e\\.1\\)\\)`);

const expectations: Expectation<PlusMisbehaviour>[] = [
  { id: 'v6LC.1.1.3', bad: { zeroTrafficClassAndFlowLabelWhenForwarding: true }, reason: /expected an Echo Request with traffic class 0x12 forwarded unchanged but for the hop limit; seen the forwarded packet differs: octet 0 is 0x60, not 0x61 \(RFC 8200 §7\)/ },
  { id: 'v6LC.1.1.4-B', bad: { zeroTrafficClassAndFlowLabelWhenForwarding: true }, reason: /flow label 0x34567 forwarded unchanged .*; seen the forwarded packet differs: octet 1 is 0x0, not 0x3 \(RFC 8200 §6, RFC 6437 §3\)/ },
  { id: 'v6LC.1.1.5-B', bad: { padOddPayloadWhenForwarding: true }, reason: /odd Payload Length \(17\) forwarded unchanged .*; seen the forwarded packet differs: octet 5 is 0x12, not 0x11 \(RFC 8200 §3\)/ },
  { id: 'v6LC.1.1.6-B', bad: { dropNoNextHeaderWhenForwarding: true }, reason: /expected a packet with Next Header 59 and 16 octets after it forwarded to TN2 on Link1; seen nothing \(RFC 8200 §4\.7\)/ },
  { id: 'v6LC.1.2.2-B', bad: { dropNoNextHeaderWhenForwarding: true }, reason: /a Destination Options header with Next Header 59 and 16 octets after it forwarded to TN2 on Link1; seen nothing/ },
  { id: 'v6LC.1.1.9', bad: { noHopLimitDecrement: true }, reason: /expected the forwarded packet with hop limit 14 \(15 decremented by one\); seen hop limit 15 \(RFC 8200 §3\)/ },
  { id: 'v6LC.1.1.10-A', bad: { noForwarding: true }, reason: /expected an Echo Request from TN1 to 3ffe:501:ffff:101:\S+ forwarded to TN2 on Link1; seen nothing \(RFC 8200 §3, RFC 4291 §2\.5\)/ },
  { id: 'v6LC.1.1.10-B', bad: { ignoreRoutes: true }, reason: /an Echo Request from TN1 to 8000::\S+ forwarded to TN2 on Link1; seen nothing/ },
  { id: 'v6LC.1.1.10-C', bad: { forwardAnything: true }, reason: /expected an Echo Request from :: to TN2 not forwarded; seen it forwarded on Link1/ },
  { id: 'v6LC.1.1.10-C', bad: { noForwarding: true }, reason: NOT_FORWARDED_CONTROL },
  { id: 'v6LC.1.1.10-D', bad: { noForwarding: true }, reason: NOT_FORWARDED_CONTROL },
  { id: 'v6LC.1.1.10-E', bad: { forwardAnything: true }, reason: /from fe80::\S+ to TN2 not forwarded; seen it forwarded on Link1/ },
  { id: 'v6LC.1.1.10-F', bad: { noForwarding: true }, reason: NOT_FORWARDED_CONTROL },
  { id: 'v6LC.1.1.10-G', bad: { ignoreRoutes: true }, reason: /to fec0::\S+ forwarded to TN2 on Link1; seen nothing/ },
  { id: 'v6LC.1.1.11-A', bad: { ignoreRoutes: true }, reason: /expected the Echo Request to 3ffe:501:ffff:0:4000::1 forwarded to TR1 \(00:00:00:00:a0:a0\) on Link0 .*; seen nothing forwarded on Link0 \(RFC 7608 §2\)/ },
  { id: 'v6LC.1.1.11-B', bad: { ignoreRoutes: true }, reason: /\/96 through TR2.*seen nothing forwarded/ },
  { id: 'v6LC.1.1.11-C', bad: { ignoreRoutes: true }, reason: /\/127 through TR2.*seen nothing forwarded/ },
  { id: 'v6LC.1.2.7-A', bad: { noForwarding: true }, reason: /expected an Echo Request to TN2 with six Pad1 options in a Hop-by-Hop header forwarded to TN2 on Link1; seen nothing \(RFC 8200 §4\.2, §4\.3\)/ },
  { id: 'v6LC.1.2.7-B', bad: { noForwarding: true }, reason: /a PadN option in a Hop-by-Hop header forwarded to TN2 on Link1; seen nothing/ },
  { id: 'v6LC.1.2.7-C', bad: { noForwarding: true }, reason: /0x1e \(00b: skip\) in a Hop-by-Hop header forwarded to TN2 on Link1; seen nothing/ },
  { id: 'v6LC.1.2.7-D', bad: { forwardAnything: true }, reason: /0x5e \(01b: discard\) in a Hop-by-Hop header discarded; seen it forwarded on Link1/ },
  { id: 'v6LC.1.2.7-E', bad: { forwardAnything: true }, reason: /expected Parameter Problem code 2 pointer 42 for an Echo Request to TN2 with an unknown option of type 0x9e \(10b\) in a Hop-by-Hop header; seen nothing/ },
  { id: 'v6LC.1.2.7-F', bad: { forwardAnything: true }, reason: /0xde \(11b\) in a Hop-by-Hop header; seen nothing/ },
  { id: 'v6LC.1.2.7-H', bad: { optionErrorToMulticast11: true }, reason: /to ff02::1 with an unknown option of type 0xde \(11b\) in a Hop-by-Hop header discarded silently; seen ICMPv6 type 4 code 2 in answer/ },
  { id: 'v6LC.5.1.2-D', bad: { noEchoReply: true }, reason: /expected an Echo Reply to TN1 from a unicast address of the NUT within 3000 ms; seen/ },
  { id: 'v6LC.5.1.3-A', bad: { noRouteUnreachable: true }, reason: /expected Destination Unreachable code 0 for an Echo Request to 3ffe:501:ffff:200::1 \(no route\); seen nothing \(RFC 4443 §3\.1\)/ },
  { id: 'v6LC.5.1.3-B', bad: { noAddressUnreachable: true }, reason: /expected Destination Unreachable code 3 for an Echo Request to 3ffe:501:ffff:101::dead \(on Link1, nobody answers for it\); seen nothing/ },
  { id: 'v6LC.5.1.3-E', bad: { forwardAnything: true }, reason: /expected Destination Unreachable code 2 for an Echo Request from TN1's link-local address to TN2 on Link1; seen nothing/ },
  { id: 'v6LC.5.1.4-A', bad: { noPacketTooBig: true }, reason: /expected Packet Too Big code 0 for a 1500-octet Echo Request to TN2 behind a 1280-octet Link1; seen nothing \(RFC 4443 §3\.2\)/ },
  { id: 'v6LC.5.1.5-A', bad: { forwardExpiredHopLimit: true }, reason: /expected Time Exceeded code 0 for an Echo Request to TN2 with hop limit 0; seen nothing \(RFC 4443 §3\.3, RFC 8200 §3\)/ },
  { id: 'v6LC.5.1.5-B', bad: { forwardExpiredHopLimit: true }, reason: /Time Exceeded code 0 for an Echo Request to TN2 with hop limit 1; seen nothing/ },
  { id: 'v6LC.5.1.9-A', bad: { errorAboutErrors: true }, reason: E1('a Destination Unreachable code 0 to 3ffe:501:ffff:101::dead \\(unresolvable\\)') },
  { id: 'v6LC.5.1.9-A', bad: { noAddressUnreachable: true }, reason: /expected Destination Unreachable code 3 for control: an Echo Request with the same flaw \(unresolvable\); seen nothing .*: without it, the silence about the error message proves nothing/ },
  { id: 'v6LC.5.1.9-B', bad: { errorAboutErrors: true }, reason: E1('a Destination Unreachable code 3 to \\S+ \\(hop limit 0\\)') },
  { id: 'v6LC.5.1.9-C', bad: { errorAboutErrors: true }, reason: E1('a Time Exceeded code 0 to 3ffe:501:ffff:200::1 \\(no route\\)') },
  { id: 'v6LC.5.1.9-D', bad: { errorAboutErrors: true }, reason: E1('a Time Exceeded code 1 to 3ffe:501:ffff:200::1 \\(no route\\)') },
  { id: 'v6LC.5.1.9-E', bad: { errorAboutErrors: true }, reason: E1('a Packet Too Big to 3ffe:501:ffff:101::dead \\(unresolvable\\)') },
  { id: 'v6LC.5.1.9-F', bad: { errorAboutErrors: true }, reason: E1('a Parameter Problem to \\S+ \\(hop limit 0\\)') },
  { id: 'v6LC.5.1.9-F', bad: { forwardExpiredHopLimit: true }, reason: /control: an Echo Request with the same flaw \(hop limit 0\); seen nothing/ },
  { id: 'v6LC.5.1.11-B', bad: { errorsDespiteNonUniqueAddresses: true }, reason: /expected no ICMPv6 error about a 1500-octet Echo Request to TN2 behind a 1280-octet Link1 from the unspecified address; seen ICMPv6 type 2 code 0/ },
  { id: 'v6LC.5.1.11-B', bad: { noPacketTooBig: true }, reason: /without the error from a unicast source, the silence about the unspecified address proves nothing/ },
  { id: 'v6LC.5.1.12-B', bad: { errorsDespiteNonUniqueAddresses: true }, reason: /from the multicast address ff1e::1:2; seen ICMPv6 type 2 code 0/ },
  { id: 'v6LC.5.1.13-A', bad: { errorAboutErrors: true }, reason: /no ICMPv6 error about a UDP datagram to the closed port 40001 from the anycast address 3ffe:501:ffff:100::; seen ICMPv6 type 1 code 4/ },
  { id: 'v6LC.5.1.13-B', bad: { errorAboutErrors: true }, reason: /behind a 1280-octet Link1 from the anycast address 3ffe:501:ffff:100::; seen ICMPv6 type 2 code 0/ },
  { id: 'v6LC.5.1.13-D', bad: { errorAboutErrors: true }, reason: /unknown 10b option from the anycast address 3ffe:501:ffff:100::; seen ICMPv6 type 4 code 2/ },
];

// Each run has its own in-memory links and fake NUT, and mostly waits: run them side by side.
describe('router cases against the fake NUT', { concurrency: true }, () => {
  for (const id of IDS) {
    test(`${id} passes against a conforming router and is NA on a host`, async () => {
      const r = await runAgainstFake(id);
      assert.equal(r.verdict, 'PASS', r.reason);
      assert.equal(r.pcaps.length, 2, 'a capture per link');
      assert.equal((await runAgainstFake(id, {}, 'host')).verdict, 'NA');
    });
  }
  for (const id of NEEDS_MULTICAST_ROUTING) {
    test(`${id} is NA, naming what the NUT lacks`, async () => {
      const r = await runAgainstFake(id);
      assert.equal(r.verdict, 'NA');
      assert.match(r.reason, /needs multicast routing on the NUT|does not yet configure it/);
    });
  }
  for (const e of expectations) {
    test(`${e.id} FAILs against a router with ${Object.keys(e.bad).join(', ')}`, async () => {
      const r = await runAgainstFake(e.id, e.bad);
      assert.equal(r.verdict, 'FAIL', r.reason);
      assert.match(r.reason, e.reason);
    });
  }
});

test('every router case has a misbehaviour it is shown to fail on', () => {
  for (const id of IDS) assert.ok(expectations.some((e) => e.id === id), `${id} has no failing test`);
});

test('v6LC.5.1.4-A gives Link1 its MTU back', async () => {
  const r = await runAgainstFake('v6LC.5.1.4-A');
  assert.match(r.log, /NUT\$ ip link set dev eth2 mtu 1280[\s\S]*NUT\$ ip link set dev eth2 mtu 1500/);
});
