// Every Redirect case (v6LC.2.3.x) against a fake host or router that behaves, and against ones that
// misbehave in the way the case checks -- among them the one that does nothing with what it is sent (it
// ignores every Redirect, never sends one, or forwards nothing). The cases wait on RFC timers (DELAY 5 s,
// RetransTimer), so the tests run side by side.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CaseResult, Link } from '@testlab/core';
import { caseCatalogue } from '../src/index.js';
import { defaultModeOf, runCaseOnFake } from './run-on-fake.js';
import { FAKE_HOST_MAC, startFakeRedirectHost, type RedirectMisbehaviour } from './fake-redirect-host.js';
import { FAKE_ROUTER_MACS, startFakeRedirectRouter, type RouterRedirectMisbehaviour } from './fake-redirect-router.js';

type Bad = RedirectMisbehaviour & RouterRedirectMisbehaviour;

function runAgainstFake(id: string, bad: Bad = {}): Promise<CaseResult> {
  const mode = defaultModeOf(id);
  return mode === 'host'
    ? runCaseOnFake(id, { mode, macs: [FAKE_HOST_MAC], start: ([link0]) => startFakeRedirectHost(link0!, bad) })
    : runCaseOnFake(id, { mode, macs: FAKE_ROUTER_MACS, start: (links) => startFakeRedirectRouter(links as [Link, Link], bad) });
}

const ids = [...caseCatalogue.keys()].filter((id) => id.startsWith('v6LC.2.3.'));

const IGNORED = /it still went through TR1 \(00:00:00:00:a0:a0\): .* was ignored \(RFC 4861 §8\.3\)/;
const CONTROL_IGNORED = /the same Redirect (made valid|unfragmented) \(control\) was ignored \(RFC 4861 §8\.3\)/;
const FOLLOWED_INVALID = /ignored: the Echo Reply to TN1 still sent through TR1; seen it went to .*: the NUT followed the Redirect \(RFC 4861 §8\.1\)/;
const TR2_UNKNOWN = /seen a multicast Neighbor Solicitation for TR2: the NUT had no address for it \(RFC 4861 §8\.3\)/;
const OLD_ADDRESS = /sent at once to TR2's new address \(00:00:00:00:c0:c0\) .*; seen (it went to TR2 \(00:00:00:00:a1:a1\)|a multicast Neighbor Solicitation for TR2: the NUT had no address for it)/;

/** Misbehaviour and the FAIL reason it must produce, per case id (a regexp on the id picks a family). */
const expectations: Array<{ ids: RegExp; bad: Bad; reason: RegExp }> = [
  // Redirects the host must follow: the "does nothing" host keeps sending through TR1.
  { ids: /^v6LC\.2\.3\.(1-[A-D]|2-[A-C]|4-[A-D]|5-[AB]|8-[A-C]|9)$/, bad: { ignoreRedirects: true }, reason: IGNORED },
  { ids: /^v6LC\.2\.3\.(1-[A-D]|2-[A-C]|4-[A-D]|5-[AB]|8-[A-C]|9)$/, bad: { noDestinationUpdate: true }, reason: IGNORED },
  { ids: /^v6LC\.2\.3\.(1-[CD]|2-[A-C])$/, bad: { ignoreRedirectTlla: true }, reason: /expected the Echo Reply to TN1 sent to TN1 itself \(00:00:00:00:01:00\) after .*; seen .*neighbor solicitation, who has 3ffe:501:ffff:109:200:ff:fe00:100/ },
  { ids: /^v6LC\.2\.3\.(2|5)-A$/, bad: { rejectUnknownOptions: true }, reason: IGNORED },
  { ids: /^v6LC\.2\.3\.(2|5)-B$/, bad: { rejectNonZeroReserved: true }, reason: IGNORED },
  { ids: /^v6LC\.2\.3\.(1-[A-D]|2-C)$/, bad: { rejectOffPrefixTarget: true }, reason: IGNORED },
  { ids: /^v6LC\.2\.3\.8-[A-C]$/, bad: { rejectForeignOptions: true }, reason: IGNORED },
  { ids: /^v6LC\.2\.3\.9$/, bad: { requireDestinationEntry: true }, reason: IGNORED },
  { ids: /^v6LC\.2\.3\.7$/, bad: { ignoreRedirects: true }, reason: /after TR1's Redirect to TR2; seen it still went through TR1/ },
  { ids: /^v6LC\.2\.3\.7$/, bad: { onlyFromDefaultRouter: true }, reason: /sent to TR3 \(00:00:00:00:a2:a2\) after TR2's Redirect to TR3 .*; seen it went to TR2 \(00:00:00:00:a1:a1\) \(RFC 4861 §8\.1\)/ },
  // Invalid Redirects: followed by a lax host; the "does nothing" host fails the control.
  { ids: /^v6LC\.2\.3\.[36]-[A-I]$/, bad: { ignoreRedirects: true }, reason: CONTROL_IGNORED },
  { ids: /^v6LC\.2\.3\.(3-[A-EGH]|6-[A-EGHI])$/, bad: { skipRedirectValidation: true }, reason: FOLLOWED_INVALID },
  { ids: /^v6LC\.2\.3\.3-I$/, bad: { skipRedirectValidation: true }, reason: /expected the Echo Reply to TN1 still sent through TR1 after a Redirect whose TLLA option has length 0; seen .*neighbor solicitation/ },
  // Neighbor cache parts.
  { ids: /^v6LC\.2\.3\.(1[01]-A|1[234]-[AB])$/, bad: { ignoreRedirects: true }, reason: IGNORED },
  { ids: /^v6LC\.2\.3\.1[01]-[B-D]$/, bad: { ignoreRedirects: true }, reason: TR2_UNKNOWN },
  { ids: /^v6LC\.2\.3\.1[01]-[B-D]$/, bad: { ignoreRedirectTlla: true }, reason: TR2_UNKNOWN },
  { ids: /^v6LC\.2\.3\.1[234]-[C-E]$/, bad: { ignoreRedirects: true }, reason: OLD_ADDRESS },
  { ids: /^v6LC\.2\.3\.1[234]-[C-E]$/, bad: { ignoreRedirectTlla: true }, reason: OLD_ADDRESS },
  { ids: /^v6LC\.2\.3\.12-[AB]$/, bad: { redirectAlwaysStale: true }, reason: /TR2's entry left REACHABLE .*; seen a unicast Neighbor Solicitation for TR2: the entry was no longer REACHABLE/ },
  { ids: /^v6LC\.2\.3\.14-[AB]$/, bad: { redirectAlwaysStale: true }, reason: /expected another unicast Neighbor Solicitation probing TR2 at 00:00:00:00:a1:a1 \(the entry left in PROBE by/ },
  { ids: /^v6LC\.2\.3\.15-[A-I]$/, bad: { ignoreRedirects: true }, reason: /after the same Redirect made valid \(control\); seen .*: the valid Redirect \(control\) was ignored/ },
  { ids: /^v6LC\.2\.3\.15-[A-FH]$/, bad: { skipRedirectValidation: true }, reason: /expected a multicast Neighbor Solicitation for TR2 \(no address known for it after .*\); seen the Echo Reply sent to TR2 \(00:00:00:00:a1:a1\) without resolving TR2 \(RFC 4861 §8\.1\)/ },
  // Redirects in fragments.
  { ids: /^v6LC\.2\.3\.1[89]$/, bad: { acceptFragmentedRedirects: true }, reason: /in (an atomic fragment|two fragments) ignored: the Echo Reply to TN1 still sent through TR1; seen it went to TN1 itself \(00:00:00:00:01:00\): the NUT followed the Redirect \(RFC 6980 §5\)/ },
  { ids: /^v6LC\.2\.3\.1[89]$/, bad: { ignoreRedirects: true }, reason: CONTROL_IGNORED },
  // The router.
  { ids: /^v6LC\.2\.3\.16-[A-D]$/, bad: { noRedirects: true }, reason: /expected a Redirect to TN1 naming .*: no Redirect \(RFC 4861 §8\.2\)/ },
  { ids: /^v6LC\.2\.3\.16-[AB]$/, bad: { redirectHopLimit64: true }, reason: /seen a Redirect with hop limit 64 \(RFC 4861 §8\.2\)/ },
  { ids: /^v6LC\.2\.3\.16-B$/, bad: { targetIsDestination: true }, reason: /seen a Redirect with Target Address 3ffe:501:ffff:109:.*, not fe80::200:ff:fe00:a0a0/ },
  { ids: /^v6LC\.2\.3\.16-C$/, bad: { redirectAnySource: true }, reason: /expected no Redirect for a packet from an off-link source .*; seen a Redirect to / },
  { ids: /^v6LC\.2\.3\.16-D$/, bad: { redirectMulticast: true }, reason: /expected no Redirect for a packet to TN2's solicited-node multicast address; seen a Redirect to / },
  { ids: /^v6LC\.2\.3\.17$/, bad: { followRedirects: true }, reason: /seen it went to TR2 \(00:00:00:00:a1:a1\): the router followed TR1's Redirect \(RFC 4861 §8\.2\)/ },
  { ids: /^v6LC\.2\.3\.17$/, bad: { noForwarding: true }, reason: /: the router did not forward it \(RFC 4861 §8\.2\)/ },
];

/** The faults by which a NUT does nothing with what it is sent: every case must FAIL one of them. */
const DOES_NOTHING: Array<keyof Bad> = ['ignoreRedirects', 'noRedirects', 'noForwarding'];

describe('Redirect cases', { concurrency: 48 }, () => {
  for (const id of ids) {
    test(`${id} passes against a conforming node`, async () => {
      const r = await runAgainstFake(id);
      assert.equal(r.verdict, 'PASS', `${r.reason}\n${r.log}`);
    });
  }
  for (const e of expectations) {
    for (const id of ids.filter((i) => e.ids.test(i))) {
      test(`${id} FAILs against a node with ${Object.keys(e.bad).join(', ')}`, async () => {
        const r = await runAgainstFake(id, e.bad);
        assert.equal(r.verdict, 'FAIL', `${r.reason}\n${r.log}`);
        assert.match(r.reason, e.reason);
      });
    }
  }
});

test('every Redirect case FAILs a node that does nothing with what it is sent', () => {
  assert.equal(ids.length, 75);
  for (const id of ids) assert.ok(expectations.some((e) => e.ids.test(id) && Object.keys(e.bad).some((k) => DOES_NOTHING.includes(k as keyof Bad))), `${id} has no "does nothing" test`);
});
