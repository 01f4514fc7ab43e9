// Section 4 (RFC 8201) cases against the fake NUT, which keeps a path MTU per destination and fragments
// its Echo Replies by it: each case passes, and FAILs for the reason named when the NUT misbehaves.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { caseCatalogue } from '../src/index.js';
import { runAgainstFake, type Expectation } from './run-fake.js';

const IDS = [...caseCatalogue.keys()].filter((id) => id.startsWith('v6LC.4.'));

const expectations: Expectation[] = [
  { id: 'v6LC.4.1.1-A', bad: { noEchoReply: true }, reason: /expected an Echo Reply to a 64-octet Echo Request; seen nothing \(RFC 4443 §4\.2\)/ },
  { id: 'v6LC.4.1.1-B', bad: { noEchoReply: true }, reason: /1280-octet Echo Request; seen nothing/ },
  { id: 'v6LC.4.1.1-C', bad: { noEchoReply: true }, reason: /1500-octet Echo Request; seen nothing/ },
  { id: 'v6LC.4.1.2', bad: { ignorePacketTooBig: true }, reason: /expected the Echo Reply in packets of at most 1280 octets after a Packet Too Big with MTU 1280; seen one packet of 1500 octets \(RFC 8201 §5\.2\)/ },
  { id: 'v6LC.4.1.3', bad: { ignorePacketTooBigWithCode: true }, reason: /after a Packet Too Big with MTU 1280 and code 90; seen one packet of 1500 octets \(RFC 4443 §3\.2, RFC 8201 §4\)/ },
  { id: 'v6LC.4.1.4', bad: { ignorePacketTooBig: true }, reason: /at most 1400 octets after a Packet Too Big with MTU 1400; seen one packet of 1500 octets \(RFC 8201 §4\)/ },
  { id: 'v6LC.4.1.5', bad: { ignorePacketTooBig: true }, reason: /to the off-link TN2 after TR1's Packet Too Big with MTU 1280; seen one packet of 1500 octets/ },
  { id: 'v6LC.4.1.6-A', bad: { clampMtuBelowMinimum: true }, reason: /expected the Packet Too Big with MTU 56 discarded, so a whole 1500-octet Echo Reply; seen fragments of 1280 \+ 276 octets \(RFC 8201 §4\)/ },
  { id: 'v6LC.4.1.6-B', bad: { clampMtuBelowMinimum: true }, reason: /MTU 1279 discarded.*seen fragments of/ },
  { id: 'v6LC.4.1.7-A', bad: { acceptPmtuIncrease: true }, reason: /after a second Packet Too Big announcing 1500 \(no increase\); seen one packet of 1500 octets \(RFC 8201 §4\)/ },
  { id: 'v6LC.4.1.7-B', bad: { acceptPmtuIncrease: true }, reason: /announcing 536870911 \(no increase\); seen one packet of 1500 octets/ },
  { id: 'v6LC.4.1.8', bad: { ignoreRaMtu: true }, reason: /after an RA with an MTU option of 1280; seen one packet of 1500 octets \(RFC 4861 §6\.3\.4\)/ },
];

// Each run has its own in-memory link and fake NUT, and mostly waits: run them side by side.
describe('section 4 cases against the fake NUT', { concurrency: true }, () => {
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

test('every section 4 case has a misbehaviour it is shown to fail on', () => {
  for (const id of IDS) assert.ok(expectations.some((e) => e.id === id), `${id} has no failing test`);
});

test('v6LC.4.1.8 is not run on a router, and gives the link its MTU back on a host', async () => {
  assert.equal((await runAgainstFake('v6LC.4.1.8', {}, 'router')).verdict, 'NA');
  const r = await runAgainstFake('v6LC.4.1.8');
  assert.match(r.log, /cleanup: give the link its MTU of 1500 back\n.*TR1 restores the link MTU of 1500/);
});
