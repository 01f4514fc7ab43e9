// Section 5 (RFC 4443) cases beyond v6LC.5.1.2-A/C and 5.1.8 (those are in cases.test.ts), on a host NUT, against
// the fake NUT (fake-nut-plus.ts): each passes, and FAILs for the reason named when the NUT misbehaves. The
// reassembly-timer parts are in rfc8200-timers; the router parts in forwarding.test.ts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { caseCatalogue } from '../src/index.js';
import { startFakeNutPlus, type PlusMisbehaviour } from './fake-nut-plus.js';
import { runAgainstFake as runShared, type Expectation } from './run-fake.js';

const runAgainstFake = (id: string, bad: PlusMisbehaviour = {}) => runShared(id, bad, 'host', startFakeNutPlus);
const isTimerCase = (id: string) => (caseCatalogue.get(id)!.timeoutMs ?? 0) >= 90_000;
const IDS = [...caseCatalogue.keys()].filter((id) => id.startsWith('v6LC.5.') && caseCatalogue.get(id)!.appliesTo.includes('host') && !isTimerCase(id) && !['v6LC.5.1.2-A', 'v6LC.5.1.2-C', 'v6LC.5.1.8'].includes(id));

const CONTROL = /without the error from a unicast source, the silence about .* proves nothing/;

const expectations: Expectation<PlusMisbehaviour>[] = [
  { id: 'v6LC.5.1.1', bad: { noPing: true }, reason: /expected an Echo Request from the NUT to TN1 \(fe80::200:ff:fe00:100\) when its ping is run; seen nothing \(ping exit 0\) \(RFC 4443 §4\.1\)/ },
  { id: 'v6LC.5.1.2-B', bad: { replyFromLinkLocal: true }, reason: /expected the Echo Reply from 3ffe:501:ffff:100:5054:ff:fe00:1, the address the request was sent to; seen it from fe80::5054:ff:fe00:1 \(RFC 4443 §4\.2\)/ },
  { id: 'v6LC.5.1.2-E', bad: { answerEchoToUnspecifiedOrLoopback: true }, reason: /expected an Echo Request to :: not answered \(the address is never a destination\); seen an Echo Reply \(RFC 4291 §2\.5\.2\)/ },
  { id: 'v6LC.5.1.2-E', bad: { noEchoReply: true }, reason: /control Echo Request \(silence alone proves nothing\)/ },
  { id: 'v6LC.5.1.2-F', bad: { answerEchoToUnspecifiedOrLoopback: true }, reason: /an Echo Request to ::1 not answered .*; seen an Echo Reply \(RFC 4291 §2\.5\.3\)/ },
  { id: 'v6LC.5.1.2-G', bad: { replyFromLinkLocal: true }, reason: /expected the Echo Reply from fec0::5054:ff:fe00:1, the address the request was sent to; seen it from fe80::5054:ff:fe00:1/ },
  { id: 'v6LC.5.1.2-G', bad: { noEchoReply: true }, reason: /an Echo Reply to an Echo Request to the site-local address fec0::5054:ff:fe00:1 within 3000 ms; seen nothing/ },
  { id: 'v6LC.5.1.3-C', bad: { noPortUnreachable: true }, reason: /expected Destination Unreachable code 4 for a UDP datagram to the closed port 40001; seen nothing \(RFC 4443 §3\.1\)/ },
  { id: 'v6LC.5.1.3-D', bad: { noPortUnreachable: true }, reason: /closed port 40001 of 3ffe:501:ffff:100:5054:ff:fe00:1; seen nothing/ },
  { id: 'v6LC.5.1.6', bad: { noFragmentLengthCheck: true }, reason: /expected Parameter Problem code 0 pointer 4 for a fragment with M set and 21 octets of data; seen nothing \(RFC 4443 §3\.4, RFC 8200 §4\.5\)/ },
  { id: 'v6LC.5.1.7', bad: { wrongPointer: true }, reason: /expected Parameter Problem code 1 pointer 6 for a packet to .* with next header 143; seen Parameter Problem code 1 pointer 0 \(RFC 4443 §3\.4\)/ },
  { id: 'v6LC.5.1.10-A', bad: { errorsDespiteNonUniqueAddresses: true }, reason: /UDP datagram to all-nodes, port 40001 silently discarded; seen Destination Unreachable code 4 in answer \(RFC 4443 §2\.4 \(e\.3\)\)/ },
  { id: 'v6LC.5.1.10-A', bad: { noPortUnreachable: true }, reason: /expected Destination Unreachable code 4 for control: the same datagram to fe80::5054:ff:fe00:1; seen nothing/ },
  { id: 'v6LC.5.1.11-A', bad: { errorsDespiteNonUniqueAddresses: true }, reason: /expected no ICMPv6 error about a UDP datagram to the closed port 40001 from the unspecified address; seen ICMPv6 type 1 code 4 \(RFC 4443 §2\.4 \(e\.6\)\)/ },
  { id: 'v6LC.5.1.11-A', bad: { noPortUnreachable: true }, reason: CONTROL },
  { id: 'v6LC.5.1.11-D', bad: { errorsDespiteNonUniqueAddresses: true }, reason: /an Echo Request with an unknown 10b option from the unspecified address; seen ICMPv6 type 4 code 2/ },
  { id: 'v6LC.5.1.11-D', bad: { noParameterProblem: true }, reason: CONTROL },
  { id: 'v6LC.5.1.12-A', bad: { errorsDespiteNonUniqueAddresses: true }, reason: /from the multicast address ff1e::1:2; seen ICMPv6 type 1 code 4/ },
  { id: 'v6LC.5.1.12-D', bad: { errorsDespiteNonUniqueAddresses: true }, reason: /unknown 10b option from the multicast address ff1e::1:2; seen ICMPv6 type 4 code 2/ },
];

// Each run has its own in-memory link and fake NUT, and mostly waits: run them side by side.
describe('section 5 cases against the fake NUT', { concurrency: true }, () => {
  for (const id of IDS) {
    test(`${id} passes against a conforming NUT`, async () => {
      const r = await runAgainstFake(id);
      assert.equal(r.verdict, 'PASS', r.reason);
    });
  }

  for (const e of expectations) {
    test(`${e.id} FAILs against a NUT with ${Object.keys(e.bad).join(', ')}`, async () => {
      const r = await runAgainstFake(e.id, e.bad);
      assert.equal(r.verdict, 'FAIL', r.reason);
      assert.match(r.reason, e.reason);
    });
  }
});

test('every section 5 case of a host has a misbehaviour it is shown to fail on', () => {
  for (const id of IDS) assert.ok(expectations.some((e) => e.id === id), `${id} has no failing test`);
});
