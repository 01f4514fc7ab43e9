// Every Section 2 and 3 case against a fake ND node that behaves, and against one that misbehaves in the
// way the case checks: a case that cannot FAIL for the right reason proves nothing when it passes.
// The cases wait on real RFC timers (DAD, RetransTimer, RS intervals), so the tests run side by side.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CaseResult, NutMode } from '@testlab/core';
import { caseCatalogue } from '../src/index.js';
import { defaultModeOf, runCaseOnFake } from './run-on-fake.js';
import { FAKE_ND_MAC, startFakeNdNut, type NdMisbehaviour } from './fake-nd-nut.js';
import { RD_OWN_TESTS } from './rd-case-ids.js';

const runAgainstFake = (id: string, bad: NdMisbehaviour = {}, mode: NutMode = 'host'): Promise<CaseResult> =>
  runCaseOnFake(id, { mode, macs: [FAKE_ND_MAC], start: ([link]) => startFakeNdNut(link!, mode, bad) });

// Section 2.1's neighbor cache cases run against a fake with a whole neighbor cache: test/neighbor-cache.test.ts;
// the Router Discovery cases against their own: test/rd-cases.test.ts; the Redirect cases (v6LC.2.3.x) need a
// node that routes: test/redirect-cases.test.ts; section 3.2 (SLAAC, lifetimes, RFC 7217) a fake with address
// lifetimes: test/slaac-cases.test.ts.
const ownFake = /^v6LC\.2\.1\.([1-6]|1[0-4]|1[89]|2[0-3])(-|$)/;
const ndIds = [...caseCatalogue.keys()].filter((id) => /^v6LC\.[23]\./.test(id) && !ownFake.test(id) && !RD_OWN_TESTS.test(id) && !/^v6LC\.2\.3\./.test(id) && !/^v6LC\.3\.2\./.test(id));
const modeOf = defaultModeOf;

/** Misbehaviour and the FAIL reason it must produce, per case id (a regexp on the id picks a family). */
const expectations: Array<{ ids: RegExp; bad: NdMisbehaviour; reason: RegExp; verdict?: 'FAIL' | 'WARN' }> = [
  { ids: /^v6LC\.2\.1\.7-[B-H]$/, bad: { skipNdValidation: true }, reason: /silently discarded; seen a Neighbor Advertisement in answer \(RFC 4861 §7\.1\.1\)/ },
  { ids: /^v6LC\.2\.1\.7-[A-H]$/, bad: { noNeighborAdvertisement: true }, reason: /Neighbor Advertisement for a valid solicitation \(control\)/ },
  { ids: /^v6LC\.2\.1\.8-[AB]$/, bad: { ignoreSlla: true }, reason: /expected a solicited Neighbor Advertisement .* sent to TN1; seen .*neighbor solicitation, who has fe80::200:ff:fe00:100/ },
  { ids: /^v6LC\.2\.1\.8-B$/, bad: { noTllaInMulticastAnswer: true }, reason: /Target Link-Layer Address option in the answer to a multicast solicitation; seen no TLLA/ },
  { ids: /^v6LC\.2\.1\.8-[ABC]$/, bad: { noNeighborAdvertisement: true }, reason: /expected a solicited Neighbor Advertisement/ },
  { ids: /^v6LC\.2\.1\.9-[AB]$/, bad: { ignoreSlla: true }, reason: /expected the queued Echo Reply sent once a (unicast|multicast) NS with SLLA 00:00:00:00:01:99 arrived; seen / },
  { ids: /^v6LC\.2\.1\.9-C$/, bad: { noNeighborAdvertisement: true }, reason: /expected a Neighbor Advertisement answering a unicast NS without SLLA/ },
  { ids: /^v6LC\.2\.1\.(15-[A-G]|17-E)$/, bad: { ignoreEveryNa: true }, reason: /the queued Echo Reply once a valid NA arrived \(control\)/ },
  { ids: /^v6LC\.2\.1\.17-[A-D]$/, bad: { ignoreEveryNa: true }, reason: /expected the queued Echo Reply after an NA with/ },
  { ids: /^v6LC\.2\.1\.15-[A-G]$/, bad: { skipNdValidation: true }, reason: /silently discarded; seen the queued Echo Reply sent after it \(RFC 4861 §7\.1\.2\)/ },
  { ids: /^v6LC\.2\.1\.16-[A-H]$/, bad: { createNceFromUnsolicitedNa: true, acceptNaWithoutTlla: true }, reason: /for an unknown neighbor discarded \(no entry created\); seen the Echo Reply sent to TN1 without resolving it first \(RFC 4861 §7\.2\.5\)/ },
  { ids: /^v6LC\.2\.1\.17-[A-D]$/, bad: { useEthernetSource: true }, reason: /Echo Reply sent to the advertised link-layer address 00:00:00:00:01:99; seen Ethernet destination 00:00:00:00:01:00/ },
  { ids: /^v6LC\.2\.1\.17-E$/, bad: { acceptNaWithoutTlla: true }, reason: /no TLLA option silently discarded; seen the queued Echo Reply sent after it \(RFC 4861 §7\.2\.5\)/ },
  { ids: /^v6LC\.2\.2\.1$/, bad: { rsHopLimit64: true }, reason: /RS 1 with hop limit 255; seen hop limit 64/ },
  { ids: /^v6LC\.2\.2\.1$/, bad: { rsTooFast: true }, reason: /RTR_SOLICITATION_INTERVAL .*; seen RS 2 (19|20)\d\d ms \(NUT clock \d+ ms\) after RS 1/ },
  { ids: /^v6LC\.2\.2\.1$/, bad: { fourSolicitations: true }, reason: /no more than 3 Router Solicitations; seen a 4th RS/, verdict: 'WARN' },
  // Linux's 4th RS comes 16 s (RFC 7559's doubled interval, +-10%) after the 3rd; 18.5 s was measured, and a loaded
  // NUT sends it later still: it must still be seen (a PASS then would flip with the host's load).
  { ids: /^v6LC\.2\.2\.1$/, bad: { fourthRsAfterMs: 24_000 }, reason: /no more than 3 Router Solicitations; seen a 4th RS 2\d{4} ms after the 3rd/, verdict: 'WARN' },
  { ids: /^v6LC\.2\.2\.2-[ABG]$/, bad: { keepSoliciting: true }, reason: /expected no further Router Solicitation once a valid RA .* arrived; seen another RS \(RFC 4861 §6\.3\.7\)/ },
  { ids: /^v6LC\.2\.2\.2-[C-F]$/, bad: { skipNdValidation: true }, reason: /ignored: the host keeps soliciting; seen no RS within 6500 ms \(RFC 4861 §6\.1\.2\)/ },
  { ids: /^v6LC\.2\.2\.3-[A-C]$/, bad: { answerRs: true }, reason: /no Router Advertisement from a host; seen an RA to ff02::1 \(RFC 4861 §6\.2\.6\)/ },
  { ids: /^v6LC\.2\.2\.5$/, bad: { raHopLimit64: true }, reason: /valid RA .*; seen an RA with hop limit 64/ },
  { ids: /^v6LC\.2\.2\.12-[A-F]$/, bad: { skipNdValidation: true }, reason: /ignored; seen DAD for 3ffe:501:ffff:2c.:5054:ff:fe00:1: the NUT autoconfigured from it \(RFC 4861 §6\.1\.2\)/ },
  { ids: /^v6LC\.2\.2\.12-[A-F]$/, bad: { ignoreRa: true }, reason: /after a valid RA \(control\)/ },
  { ids: /^v6LC\.2\.2\.13-A$/, bad: { applyZeroHopLimit: true }, reason: /hop limit 64 after an RA with Cur Hop Limit 0; seen hop limit 0 \(RFC 4861 §6\.3\.4\)/ },
  { ids: /^v6LC\.2\.2\.13-B$/, bad: { ignoreRa: true }, reason: /hop limit 15 after an RA with Cur Hop Limit 15; seen hop limit 64/ },
  { ids: /^v6LC\.3\.1\.1$/, bad: { noDad: true }, reason: /expected a DAD Neighbor Solicitation from :: for fe80::5054:ff:fe00:1 after the interface came up/ },
  { ids: /^v6LC\.3\.1\.(2-[BD]|3-[IJ]|4-[HI])$/, bad: { ignoreDadConflicts: true }, reason: /given up as a duplicate .*; seen the NUT still answers at that address \(RFC 4862 §5\.4\.3\)/ },
  { ids: /^v6LC\.3\.1\.(2-[AC]|3-[A-H]|4-[A-G]|5-[AB])$/, bad: { dadFailsOnAnything: true }, reason: /kept and in use after .*; seen no Echo Reply to it/ },
  { ids: /^v6LC\.3\.1\.5-[AB]$/, bad: { answerWhileTentative: true }, reason: /no answer to a solicitation for a tentative address; seen .*neighbor advertisement/ },
];

describe('Section 2 and 3 cases', { concurrency: 32 }, () => {
  for (const id of ndIds) {
    test(`${id} passes against a conforming ND node`, async () => {
      const r = await runAgainstFake(id, {}, modeOf(id));
      assert.equal(r.verdict, 'PASS', `${r.reason}\n${r.log}`);
      assert.match(r.log, /Link0 (>>|<<) /);
    });
  }
  for (const e of expectations) {
    for (const id of ndIds.filter((i) => e.ids.test(i))) {
      test(`${id} ${e.verdict ?? 'FAIL'}s against a node with ${Object.keys(e.bad).join(', ')}`, async () => {
        const r = await runAgainstFake(id, e.bad, modeOf(id));
        assert.equal(r.verdict, e.verdict ?? 'FAIL', `${r.reason}\n${r.log}`);
        assert.match(r.reason, e.reason);
      });
    }
  }
});

// RTR_SOLICITATION_INTERVAL counts the NUT's jiffies, which a starved VM runs fast: RSs 3.3 s apart on the wire
// and 4 s on the NUT's clock are the kernel's PASS (FAIL before v6LC.2.2.1 read the NUT's clock as each RS came).
test('v6LC.2.2.1 passes a conforming host whose timers run at 1.2 times real time', async () => {
  const r = await runAgainstFake('v6LC.2.2.1', { fastClock: true }, 'host');
  assert.equal(r.verdict, 'PASS', `${r.reason}\n${r.log}`);
});

test('every Section 2 and 3 case has a misbehaviour it is shown to fail on', () => {
  for (const id of ndIds) assert.ok(expectations.some((e) => e.ids.test(id) && e.verdict !== 'WARN'), `${id} has no failing test`);
});
