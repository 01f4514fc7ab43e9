// Section 2.1's neighbor cache cases against a fake node with a whole neighbor cache (fake-neighbor-cache-nut.ts):
// each passes a conforming node and FAILs, for the reason it names, a node that does nothing with the stimulus
// (ignores the NS, NA or RA, or never resolves) and nodes with the faults the test is about. The cases wait on
// real RFC timers (DELAY_FIRST_PROBE_TIME, RetransTimer, a shortened ReachableTime), so the tests run side by side.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { CaseResult, NutMode } from '@testlab/core';
import { caseCatalogue } from '../src/index.js';
import { defaultModeOf, runCaseOnFake } from './run-on-fake.js';
import { FAKE_NC_MAC, startFakeNcNut, type NcFault } from './fake-neighbor-cache-nut.js';

const runAgainstFake = (id: string, bad: NcFault, mode: NutMode): Promise<CaseResult> =>
  runCaseOnFake(id, { mode, macs: [FAKE_NC_MAC], start: ([link]) => startFakeNcNut(link!, mode, bad) });

const ids = [...caseCatalogue.keys()].filter((id) => /^v6LC\.2\.1\.([1-6]|1[0-4]|1[89]|2[0-3])(-|$)/.test(id));
const modeOf = defaultModeOf;
/** Cases with a router branch of their own run as a router too. */
const alsoRouter = /^v6LC\.2\.1\.(1-[ABC]|5-[AB]|6-[BD]|10-A|19-C|20-J)$/;

const REACHABLE_PARTS = 'CDGHL';
const expectations: Array<{ ids: RegExp; bad: NcFault; reason: RegExp; mode?: NutMode }> = [
  { ids: /^v6LC\.2\.1\.1-[ABC]$/, bad: { noResolution: true }, reason: /(seen nothing \(the NUT did not resolve the next hop\)|configured from TR1's Router Advertisement \(setup\); seen no answer)/ },
  { ids: /^v6LC\.2\.1\.1-C$/, bad: { allOnLink: true }, reason: /Solicitation for TR1's address .*; seen an NS for 3ffe:501:ffff:109::1:2/ },
  { ids: /^v6LC\.2\.1\.1-[BC]$/, bad: { ignoreRa: true }, reason: /configured from TR1's Router Advertisement \(setup\); seen no answer within/ },
  { ids: /^v6LC\.2\.1\.2-[AB]$/, bad: { noResolution: true }, reason: /expected a Neighbor Solicitation for TN1 .* to send its queued replies/ },
  { ids: /^v6LC\.2\.1\.2-[AB]$/, bad: { queueKeepsOldest: true }, reason: /SHOULD replace the oldest entry; seen replies for 3 of 3, 4, 5/ },
  { ids: /^v6LC\.2\.1\.3$/, bad: { ignoreRa: true }, reason: /after an RA with L = 1 .*; seen no solicitation for it .*the RA's prefix was not taken as on-link/ },
  { ids: /^v6LC\.2\.1\.3$/, bad: { lClearRemovesPrefix: true }, reason: /after an RA with L = 0 .*; seen an NS for TR1's link-local address/ },
  { ids: /^v6LC\.2\.1\.4-[AB]$/, bad: { ignoreRa: true }, reason: /the prefix was not on the Prefix List/ },
  { ids: /^v6LC\.2\.1\.4-B$/, bad: { noLifetimeRefresh: true }, reason: /until 10 s after the second RA; seen the Echo Reply sent through TR1/ },
  { ids: /^v6LC\.2\.1\.5-[AB]$/, bad: { noResolution: true }, reason: /(the NUT did not try to resolve TN1|configured from TR1's Router Advertisement \(setup\); seen no answer)/ },
  { ids: /^v6LC\.2\.1\.5-[AB]$/, bad: { fastRetransmit: true }, reason: /rate-limited to one per RetransTimer; seen intervals of \d{3} ms \(NUT clock \d{3} ms\), / },
  { ids: /^v6LC\.2\.1\.5-[AB]$/, bad: { fourSolicitations: true }, reason: /seen 4 solicitations/ },
  { ids: /^v6LC\.2\.1\.5-[AB]$/, bad: { noSllaInNs: true }, reason: /the SLLA MUST be included in multicast solicitations; seen an NS without one/ },
  { ids: /^v6LC\.2\.1\.5-A$/, bad: { ignoreRa: true }, reason: /5000 ms apart: retransmissions .*; seen intervals of \d{3,4} ms \(NUT clock \d{3,4} ms\), \d{3,4} ms \(NUT clock \d{3,4} ms\) / },
  { ids: /^v6LC\.2\.1\.6-[A-D]$/, bad: { noProbe: true }, reason: /seen no solicitation within .* \(the NUT never checked that TN1 was still reachable\)/ },
  { ids: /^v6LC\.2\.1\.6-[A-D]$/, bad: { probeAtOnce: true }, reason: /seen the first probe -?\d+ ms \(NUT clock -?\d+ ms\) after the reply/ },
  { ids: /^v6LC\.2\.1\.6-[A-D]$/, bad: { fourProbes: true }, reason: /seen 4 probes/ },
  { ids: /^v6LC\.2\.1\.6-[A-D]$/, bad: { ignoreNa: true }, reason: /(the queued Echo Reply once TN1's solicited NA arrived|configured from TR1's Router Advertisement \(setup\); seen no answer)/ },
  { ids: /^v6LC\.2\.1\.1[012]-[A-D]$/, bad: { ignoreNs: true }, reason: /\(the solicitation was ignored\)/ },
  { ids: /^v6LC\.2\.1\.1[012]-[A-D]$/, bad: { unsolicitedAnswers: true }, reason: /seen an NA with the Solicited flag clear/ },
  { ids: /^v6LC\.2\.1\.1[012]-[A-D]$/, bad: { answersToAllNodes: true }, reason: /seen an NA sent to ff02::1/ },
  { ids: /^v6LC\.2\.1\.10-[AC]$/, bad: { nsMakesStale: true }, reason: /REACHABLE with 00:00:00:00:01:00 .*: the entry was not REACHABLE/ },
  { ids: /^v6LC\.2\.1\.1[012]-[BD]$/, bad: { nsKeepsOldLla: true }, reason: /00:00:00:00:01:00/ },
  { ids: /^v6LC\.2\.1\.(10-[BD]|11-[A-D])$/, bad: { noProbe: true }, reason: /STALE with .*; seen no Neighbor Solicitation within/ },
  { ids: /^v6LC\.2\.1\.1[12]-[A-D]$/, bad: { ignoreNa: true }, reason: /expected the queued Echo Reply once TN1's (solicited NA|NA with a TLLA) arrived/ },
  { ids: /^v6LC\.2\.1\.13-[ABC]$/, bad: { ignoreNs: true }, reason: /\(the solicitation was ignored\)/ },
  { ids: /^v6LC\.2\.1\.13-[ABC]$/, bad: { nsClearsIsRouter: true }, reason: /must leave TR1's IsRouter flag set; seen .*\(TR1 is no longer used as a router\)/ },
  { ids: /^v6LC\.2\.1\.14$/, bad: { ignoreNs: true }, reason: /the solicitation for the anycast address was ignored/, mode: 'router' },
  { ids: /^v6LC\.2\.1\.14$/, bad: { anycastOverride: true }, reason: /SHOULD NOT get the Override flag; seen O = 1/, mode: 'router' },
  // Every NA part: a node that ignores NAs never gets the entry there (REACHABLE and STALE come from an
  // answered resolution, PROBE from TAHI's unsolicited NA), and where the RFC moves the entry it is caught again.
  { ids: /^v6LC\.2\.1\.(18|19|20)-[A-R]$/, bad: { ignoreNa: true }, reason: /expected the queued Echo Reply once TN1's (solicited NA|NA with a TLLA) arrived/ },
  { ids: new RegExp(`^v6LC\\.2\\.1\\.(19|20)-[${REACHABLE_PARTS}]$`), bad: { naKeepsState: true }, reason: /REACHABLE with .*: the entry was not REACHABLE/ },
  { ids: /^v6LC\.2\.1\.18-[IKO]$/, bad: { naKeepsState: true }, reason: /STALE with 00:00:00:00:01:00 .*\(the entry was REACHABLE\)/ },
  { ids: /^v6LC\.2\.1\.(18|19)-[IKO]$/, bad: { alwaysOverride: true }, reason: /the Echo Reply sent to 00:00:00:00:01:00; seen the Echo Reply sent to 00:00:00:00:01:99/ },
  { ids: /^v6LC\.2\.1\.20-[IKO]$/, bad: { alwaysOverride: true }, reason: /still in PROBE with 00:00:00:00:01:00 .*\(the entry left PROBE\)/ },
  { ids: /^v6LC\.2\.1\.19-[ABEFIJKMNOPQR]$/, bad: { noProbe: true }, reason: /STALE with .*; seen no Neighbor Solicitation within/ },
  { ids: /^v6LC\.2\.1\.21-[A-H]$/, bad: { ignoreNa: true }, reason: /configured from TR1's Router Advertisement \(setup\); seen no answer/ },
  { ids: /^v6LC\.2\.1\.21-[A-H]$/, bad: { ignoreRouterFlag: true }, reason: /seen the Echo Reply sent through TR1 .*the NA's Router flag was ignored/ },
  { ids: /^v6LC\.2\.1\.2[23]-A$/, bad: { acceptFragmentedNd: true }, reason: /silently ignored; seen a Neighbor Advertisement answering it \(RFC 6980 §5\)/ },
  { ids: /^v6LC\.2\.1\.2[23]-B$/, bad: { acceptFragmentedNd: true }, reason: /silently ignored \(the entry stays INCOMPLETE\); seen the queued Echo Reply sent after it/ },
  { ids: /^v6LC\.2\.1\.2[23]-A$/, bad: { noResolution: true }, reason: /\(the NUT did not resolve TN1\)/ },
  { ids: /^v6LC\.2\.1\.2[23]-B$/, bad: { noResolution: true }, reason: /a Neighbor Solicitation for TN1 \(setup\)/ },
];

/** v6LC.2.1.14 times an answer to the millisecond: its tests run first, before the crowd below loads the event loop. */
const timed = (id: string) => id === 'v6LC.2.1.14';

describe('Section 2.1 timed case, alone', () => {
  for (const e of [{ bad: {} as NcFault, verdict: 'PASS' }, ...expectations.filter((x) => x.ids.test('v6LC.2.1.14')).map((x) => ({ ...x, verdict: 'FAIL' }))]) {
    test(`v6LC.2.1.14 ${e.verdict}s against a node with ${Object.keys(e.bad).join(', ') || 'no fault'}`, async () => {
      const r = await runAgainstFake('v6LC.2.1.14', e.bad, 'router');
      assert.equal(r.verdict, e.verdict, `${r.reason}\n${r.log}`);
      if ('reason' in e) assert.match(r.reason, e.reason);
    });
  }
});

describe('Section 2.1 neighbor cache cases', { concurrency: 400 }, () => {
  for (const id of ids.filter((i) => !timed(i))) {
    for (const mode of alsoRouter.test(id) ? [modeOf(id), 'router' as const] : [modeOf(id)]) {
      test(`${id} passes against a conforming node (${mode})`, async () => {
        const r = await runAgainstFake(id, {}, mode);
        assert.equal(r.verdict, 'PASS', `${r.reason}\n${r.log}`);
      });
    }
  }
  for (const e of expectations) {
    for (const id of ids.filter((i) => e.ids.test(i) && !timed(i))) {
      test(`${id} FAILs against a node with ${Object.keys(e.bad).join(', ')}`, async () => {
        const r = await runAgainstFake(id, e.bad, e.mode ?? modeOf(id));
        assert.equal(r.verdict, 'FAIL', `${r.reason}\n${r.log}`);
        assert.match(r.reason, e.reason);
      });
    }
  }
});

test('every Section 2.1 case here FAILs a node that ignores its stimulus or never resolves', () => {
  const doesNothing: Array<keyof NcFault> = ['ignoreNs', 'ignoreNa', 'ignoreRa', 'noResolution', 'noProbe'];
  for (const id of ids) assert.ok(expectations.some((e) => e.ids.test(id) && Object.keys(e.bad).some((k) => doesNothing.includes(k as keyof NcFault))), `${id} has no "does nothing" fault`);
});

// STALE is entered as TAHI does, by letting a REACHABLE entry time out, with ReachableTime counted on the NUT's
// own clock: an entry that never times out is the kernel's FAIL; a VM whose clock has not yet moved that far
// (starved of CPU on a busy host) is the lab's inability to judge, an ERROR, never a FAIL.
test('an entry that never goes STALE FAILs on the NUT\'s time; a starved VM clock is an ERROR, not a FAIL', { timeout: 180_000 }, async () => {
  const [stuck, starved] = await Promise.all([
    runAgainstFake('v6LC.2.1.19-B', { reachableForever: true }, 'host'),
    runAgainstFake('v6LC.2.1.19-B', { starvedClock: true }, 'host'),
  ]);
  assert.equal(stuck.verdict, 'FAIL', stuck.reason);
  assert.match(stuck.reason, /REACHABLE, unused entry STALE within ReachableTime \(at most \d+ ms\); seen it still REACHABLE after \d+ ms of the NUT's own time/);
  assert.equal(starved.verdict, 'ERROR', starved.reason);
  assert.match(starved.reason, /the NUT's clock moved only \d+ ms in \d+ ms: the lab is too slow to bring the entry to STALE/);
});

// Seen on Linux 6.1 beside a kernel build: v6LC.2.1.6-C FAILed once, its entry REACHABLE 19.66 s of the NUT's
// time after a ReachableTime of at most 18 s: Linux's timer wheel fires such a timer up to an eighth late.
test('an entry whose longest ReachableTime ends an eighth late, as Linux\'s timer wheel allows, still goes STALE in time', { timeout: 180_000 }, async () => {
  const r = await runAgainstFake('v6LC.2.1.19-B', { latestReachableTimer: true }, 'host');
  assert.equal(r.verdict, 'PASS', `${r.reason}\n${r.log}`);
});

// v6LC.2.2.10 (a router's neighbor entry after an RS, RFC 4861 §6.2.6), judged on the wire by where the next
// Echo Reply goes and whether a probe follows DELAY_FIRST_PROBE_TIME later -- on the NUT's own clock: seen on
// Linux 6.1 on a loaded host, part D FAILed 7 s of tester time after the reply, the probe not yet due on the
// NUT's clock.
describe('v6LC.2.2.10 against a router with a whole neighbor cache', { concurrency: 16 }, () => {
  const rsIds = [...caseCatalogue.keys()].filter((id) => /^v6LC\.2\.2\.10-/.test(id));
  for (const id of rsIds) {
    test(`${id} passes against a conforming router`, async () => {
      const r = await runAgainstFake(id, {}, 'router');
      assert.equal(r.verdict, 'PASS', `${r.reason}\n${r.log}`);
    });
  }
  for (const id of rsIds.filter((i) => /-[ACDFH]$/.test(i))) {
    test(`${id} FAILs a router that takes nothing from an RS's SLLA`, async () => {
      const r = await runAgainstFake(id, { ignoreRs: true }, 'router');
      assert.equal(r.verdict, 'FAIL', `${r.reason}\n${r.log}`);
      assert.match(r.reason, /after an RS with SLLA 00:00:00:00:01:(00|99)/);
    });
  }
  // B, E, G and I check that the RS leaves the entry as it was, which a router ignoring RSs does too: their
  // "does nothing" is the setup's, a router that never resolves TN1 (B) or ignores the NA that makes the entry.
  for (const [letter, bad, reason] of [
    ['B', { noResolution: true }, /no entry for TN1 after an RS without SLLA \(entry NONE\): a multicast NS resolving TN1 before the Echo Reply; seen nothing/],
    ['E', { ignoreNa: true }, /the queued Echo Reply once TN1's solicited NA arrived/],
    ['G', { ignoreNa: true }, /the queued Echo Reply once TN1's solicited NA arrived/],
    ['I', { ignoreNa: true }, /the queued Echo Reply once TN1's NA with a TLLA arrived/],
  ] as const) {
    test(`v6LC.2.2.10-${letter} FAILs a router that ${Object.keys(bad).join(', ')}`, async () => {
      const r = await runAgainstFake(`v6LC.2.2.10-${letter}`, bad, 'router');
      assert.equal(r.verdict, 'FAIL', `${r.reason}\n${r.log}`);
      assert.match(r.reason, reason);
    });
  }
  test('v6LC.2.2.10-D passes a conforming router whose clock runs at half speed (DELAY_FIRST_PROBE_TIME late on the tester\'s clock)', async () => {
    const r = await runAgainstFake('v6LC.2.2.10-D', { slowClock: true }, 'router');
    assert.equal(r.verdict, 'PASS', `${r.reason}\n${r.log}`);
  });
});

// Seen on Linux 6.1 beside a kernel build: 2.1.5-A's solicitations 925/841 ms and 4,575/4,327 ms apart (RetransTimer
// 1 s, 5 s) and 2.1.6-A's probes 836/833 ms apart, on a NUT whose jiffies ran about 1.2 times real time.
describe('Section 2.1 gaps judged on the NUT\'s clock too', { concurrency: 8 }, () => {
  for (const id of ['v6LC.2.1.5-A', 'v6LC.2.1.5-B', 'v6LC.2.1.6-A', 'v6LC.2.1.6-D']) {
    test(`${id} passes a conforming host whose timers run at 1.2 times real time`, async () => {
      const r = await runAgainstFake(id, { fastClock: true }, 'host');
      assert.equal(r.verdict, 'PASS', `${r.reason}\n${r.log}`);
    });
  }
});

// Seen on Linux 6.1 beside a kernel build (infra/bench/stability.mjs): these four FAILed once in three runs,
// DELAY_FIRST_PROBE_TIME not yet served on the NUT's clock when the tester's 6.5 s were up.
describe('Section 2.1 windows judged on the NUT\'s clock', { concurrency: 8 }, () => {
  for (const id of ['v6LC.2.1.18-I', 'v6LC.2.1.20-G', 'v6LC.2.1.20-M', 'v6LC.2.1.20-R']) {
    test(`${id} passes a conforming host whose clock runs at half speed`, async () => {
      const r = await runAgainstFake(id, { slowClock: true }, 'host');
      assert.equal(r.verdict, 'PASS', `${r.reason}\n${r.log}`);
    });
  }
});
