// Section 1 (RFC 8200) cases against the fake NUT (fake-nut-plus.ts): each passes when it behaves and FAILs,
// for the reason named, when it misbehaves in the way the case checks. The cases that wait on the 60-second
// reassembly timer (a timeoutMs of their own) are in rfc8200-timers.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { caseCatalogue } from '../src/index.js';
import { startFakeNutPlus, type PlusMisbehaviour } from './fake-nut-plus.js';
import { runAgainstFake as runShared, type Expectation } from './run-fake.js';

const runAgainstFake = (id: string, bad: PlusMisbehaviour = {}) => runShared(id, bad, 'host', startFakeNutPlus);
const isTimerCase = (id: string) => (caseCatalogue.get(id)!.timeoutMs ?? 0) >= 90_000;
const NEW_IDS = [...caseCatalogue.keys()].filter((id) => id.startsWith('v6LC.1.') && caseCatalogue.get(id)!.appliesTo.includes('host') && !isTimerCase(id) && id !== 'v6LC.1.1.1' && id !== 'v6LC.1.1.7-A');

const expectations: Expectation<PlusMisbehaviour>[] = [
  { id: 'v6LC.1.1.2', bad: { dropNonZeroTrafficClass: true }, reason: /expected an Echo Reply to an Echo Request with traffic class 0x12 within 3000 ms; seen nothing \(RFC 8200 §7\)/ },
  { id: 'v6LC.1.1.4-A', bad: { dropNonZeroFlowLabel: true }, reason: /flow label 0x34567 .*seen nothing \(RFC 8200 §6\)/ },
  { id: 'v6LC.1.1.5-A', bad: { dropOddPayloadLength: true }, reason: /odd Payload Length \(17\).*seen nothing \(RFC 8200 §3\)/ },
  { id: 'v6LC.1.1.5-C', bad: { noEchoReply: true }, reason: /even Payload Length \(18\).*seen nothing/ },
  { id: 'v6LC.1.1.6-A', bad: { readPastNoNextHeader: true }, reason: /Next Header 59 .* silently discarded; seen an Echo Reply in answer \(RFC 8200 §4\.7\)/ },
  { id: 'v6LC.1.1.7-B', bad: { noParameterProblem: true }, reason: /expected Parameter Problem code 2 pointer 46 for a Fragment header behind Next Header 0 \(Hop-by-Hop\); seen nothing \(RFC 8200 §4\.2\)/ },
  { id: 'v6LC.1.1.7-B', bad: { skipUnknownOptions: true }, reason: /pointer 46 .*; seen .*echo reply/i },
  { id: 'v6LC.1.1.8', bad: { dropHopLimitZero: true }, reason: /hop limit 0 .*seen nothing \(RFC 8200 §3\)/ },
  { id: 'v6LC.1.2.1', bad: { allowRepeatedHopByHop: true }, reason: /expected Parameter Problem code 1 pointer 40 for a Hop-by-Hop header after a Hop-by-Hop header; seen .*echo reply.* \(RFC 8200 §4\.3, §4\)/ },
  { id: 'v6LC.1.2.2-A', bad: { readPastNoNextHeader: true }, reason: /Next Header 59 .*silently discarded; seen an Echo Reply in answer/ },
  { id: 'v6LC.1.2.3-A', bad: { wrongPointer: true }, reason: /expected Parameter Problem code 1 pointer 40 for next header 138 in a Destination Options header; seen Parameter Problem code 1 pointer 0/ },
  { id: 'v6LC.1.2.3-B', bad: { skipUnknownOptions: true }, reason: /expected Parameter Problem code 2 pointer 50 for a Fragment header behind a Destination Options header whose Next Header is 60; seen .*echo reply/i },
  { id: 'v6LC.1.2.3-B', bad: { noParameterProblem: true }, reason: /pointer 50 .*; seen nothing/ },
  { id: 'v6LC.1.2.4-A', bad: { optionPointerAtHeader: true }, reason: /expected Parameter Problem code 2 pointer 42 for a first fragment behind a Destination Options header with an unknown 10b option; seen Parameter Problem code 2 pointer 40 \(RFC 8200 §4\.1, §4\.5\)/ },
  { id: 'v6LC.1.2.4-B', bad: { noFragmentLengthCheck: true }, reason: /expected Parameter Problem code 0 pointer 4 for a 21-octet fragment with M set behind a Destination Options header with a skippable option; seen nothing/ },
  { id: 'v6LC.1.2.4-C', bad: { noFragmentLengthCheck: true }, reason: /expected Parameter Problem code 0 pointer 4 for a 21-octet fragment with M set whose Destination Options header .* is inside it; seen nothing/ },
  { id: 'v6LC.1.2.4-D', bad: { skipUnknownOptions: true }, reason: /expected Parameter Problem code 2 pointing at the unknown option of the reassembled packet; seen .*echo reply/ },
  { id: 'v6LC.1.2.5-A', bad: { skipUnknownOptions: true }, reason: /0x5e \(01b\) silently discarded; seen an Echo Reply in answer \(RFC 8200 §4\.2\)/ },
  { id: 'v6LC.1.2.5-B', bad: { optionPointerAtHeader: true }, reason: /expected Parameter Problem code 2 pointer 48 .*; seen Parameter Problem code 2 pointer 40/ },
  { id: 'v6LC.1.2.5-C', bad: { skipUnknownOptions: true }, reason: /expected Parameter Problem code 2 pointer 48 .*seen .*echo reply/ },
  { id: 'v6LC.1.2.6-A', bad: { noEchoReply: true }, reason: /six Pad1 options in a Hop-by-Hop Options header within 3000 ms; seen nothing/ },
  { id: 'v6LC.1.2.6-B', bad: { noEchoReply: true }, reason: /a PadN option in a Hop-by-Hop/ },
  { id: 'v6LC.1.2.6-C', bad: { skipUnknownOptions: false, noEchoReply: true }, reason: /0x1e \(00b: skip\)/ },
  { id: 'v6LC.1.2.6-D', bad: { skipUnknownOptions: true }, reason: /0x5e \(01b: discard\) in a Hop-by-Hop Options header silently discarded; seen an Echo Reply/ },
  { id: 'v6LC.1.2.6-E', bad: { optionPointerAtHeader: true }, reason: /expected Parameter Problem code 2 pointer 42 .*; seen Parameter Problem code 2 pointer 40/ },
  { id: 'v6LC.1.2.6-F', bad: { skipUnknownOptions: true }, reason: /expected Parameter Problem code 2 pointer 42/ },
  { id: 'v6LC.1.2.6-G', bad: { noOptionErrorForMulticast10: true }, reason: /Parameter Problem code 2 pointer 42 for an Echo Request with an unknown option of type 0x9e \(10b\) to all-nodes .*; seen nothing/ },
  { id: 'v6LC.1.2.6-H', bad: { optionErrorToMulticast11: true }, reason: /0xde \(11b\) to all-nodes in a Hop-by-Hop Options header silently discarded; seen Parameter Problem code 2 pointer 42 in answer/ },
  { id: 'v6LC.1.2.8-A', bad: { noEchoReply: true }, reason: /six Pad1 options in a Destination Options header/ },
  { id: 'v6LC.1.2.8-B', bad: { noEchoReply: true }, reason: /a PadN option in a Destination Options header/ },
  { id: 'v6LC.1.2.8-C', bad: { noEchoReply: true }, reason: /0x1e \(00b: skip\) in a Destination Options header/ },
  { id: 'v6LC.1.2.8-D', bad: { skipUnknownOptions: true }, reason: /0x5e \(01b: discard\) in a Destination Options header silently discarded/ },
  { id: 'v6LC.1.2.8-E', bad: { skipUnknownOptions: true }, reason: /Parameter Problem code 2 pointer 42/ },
  { id: 'v6LC.1.2.8-F', bad: { optionPointerAtHeader: true }, reason: /seen Parameter Problem code 2 pointer 40/ },
  { id: 'v6LC.1.2.8-G', bad: { noOptionErrorForMulticast10: true }, reason: /to all-nodes .*seen nothing/ },
  { id: 'v6LC.1.2.8-H', bad: { optionErrorToMulticast11: true }, reason: /silently discarded; seen Parameter Problem code 2 pointer 42/ },
  { id: 'v6LC.1.2.9-A', bad: { noEchoReply: true }, reason: /Routing header of type 33, segments left 0 within 3000 ms; seen nothing \(RFC 8200 §4\.4\)/ },
  { id: 'v6LC.1.2.9-B', bad: { noEchoReply: true }, reason: /type 0, segments left 0/ },
  { id: 'v6LC.1.2.10-A', bad: { ignoreRoutingSegmentsLeft: true }, reason: /expected Parameter Problem code 0 pointer 42 for an Echo Request with a Routing header of type 33, segments left 1; seen .*echo reply/ },
  { id: 'v6LC.1.2.10-B', bad: { ignoreRoutingSegmentsLeft: true }, reason: /type 0, segments left 1; seen .*echo reply/ },
  { id: 'v6LC.1.3.1-A', bad: { noReassembly: true }, reason: /expected an Echo Reply to an Echo Request in two fragments after reassembly; seen nothing \(RFC 8200 §4\.5\)/ },
  { id: 'v6LC.1.3.1-B', bad: { noReassembly: true }, reason: /two fragments, last first after reassembly; seen nothing/ },
  { id: 'v6LC.1.3.1-F', bad: { noReassembly: true }, reason: /1500-byte Echo Request in two fragments after reassembly; seen nothing \(RFC 8200 §5\)/ },
  { id: 'v6LC.1.3.3', bad: { noFragmentLengthCheck: true }, reason: /expected Parameter Problem code 0 pointer 4 for a fragment with M set and 21 bytes of data; seen nothing/ },
  { id: 'v6LC.1.3.4', bad: { atomicReplyFragmented: true }, reason: /expected an Echo Reply without a Fragment header; seen the reply in 1 fragment\(s\)/ },
  { id: 'v6LC.1.3.4', bad: { noEchoReply: true }, reason: /expected an Echo Reply to the atomic fragment \(processed in isolation\); seen nothing/ },
  { id: 'v6LC.1.3.4-A', bad: { atomicReplyFragmented: true }, reason: /expected an Echo Reply without a Fragment header; seen the reply in 1 fragment\(s\)/ },
  { id: 'v6LC.1.3.4-B', bad: { atomicReplyFragmented: true }, reason: /without a Fragment header/ },
  { id: 'v6LC.1.3.6-A', bad: { acceptIncompleteFirstFragment: true }, reason: /expected Parameter Problem code 3 pointer 0 for a first fragment ending inside its destination-options header; seen nothing/ },
  { id: 'v6LC.1.3.6-B', bad: { acceptIncompleteFirstFragment: true }, reason: /inside its routing header/ },
  { id: 'v6LC.1.3.6-C', bad: { acceptIncompleteFirstFragment: true }, reason: /expected Parameter Problem code 3 pointer 0 for a first fragment ending inside its destination-options header; seen nothing/ },
  { id: 'v6LC.1.3.6-D', bad: { noParameterProblem: true }, reason: /inside its routing header; seen nothing/ },
];

// Each run has its own in-memory link and fake NUT, and mostly waits: run them side by side.
describe('section 1 cases against the fake NUT', { concurrency: true }, () => {
  for (const id of NEW_IDS) {
    test(`${id} passes against a conforming NUT`, async () => {
      const r = await runAgainstFake(id);
      assert.equal(r.verdict, 'PASS', r.reason);
      assert.match(r.log, /Link0 << /);
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

test('every section 1 case has a misbehaviour it is shown to fail on', () => {
  for (const id of NEW_IDS) assert.ok(expectations.some((e) => e.id === id), `${id} has no failing test`);
});

test('a case that gives the host a global address removes it again', async () => {
  const r = await runAgainstFake('v6LC.1.3.4-B');
  assert.equal(r.verdict, 'PASS', r.reason);
  assert.match(r.log, /NUT\$ ip -6 addr del 3ffe:501:ffff:100:5054:ff:fe00:1\/64 dev eth1/);
});
