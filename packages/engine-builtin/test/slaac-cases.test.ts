// Every Section 3.2 case (RFC 4862 address autoconfiguration and lifetimes, RFC 7217 identifiers) against a fake
// SLAAC node that behaves and against nodes that misbehave in the way the case checks, each FAIL reason
// checked; every case also against a node that drops its stimulus. The lifetimes are the RAs' real seconds,
// so the tests run side by side and the file takes about as long as its longest case (3.2.5-A, about 80 s).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CaseResult, NutMode } from '@testlab/core';
import { caseCatalogue, CaseContext } from '../src/index.js';
import { checkAddressAt } from '../src/vocabulary/lifetime-checkpoints.js';
import { nutClockMs } from '../src/vocabulary/nut-clock.js';
import { linkPair } from './fake-nut.js';
import { runCaseOnFake } from './run-on-fake.js';
import { FAKE_SLAAC_MAC, startFakeSlaacNut, type SlaacMisbehaviour, type SlaacNutOptions } from './fake-slaac-nut.js';

const LINK0 = { name: 'Link0', nutMac: FAKE_SLAAC_MAC, nutIfname: 'eth1', endpoint: { kind: 'udp-ethernet' as const, testerPort: 0, nutPort: 0 } };

/** The 3.2.6 and 3.2.7 cases ask for RFC 7217 identifiers; the others are indifferent, and the fake uses EUI-64 there as Linux does. */
const conforming = (id: string): SlaacNutOptions => ({ interfaceIds: /^v6LC\.3\.2\.[67]-/.test(id) ? 'rfc7217' : 'eui64' });

function runAgainstFake(id: string, o: SlaacNutOptions, mode: NutMode): Promise<CaseResult> {
  return runCaseOnFake(id, { mode, macs: [FAKE_SLAAC_MAC], start: ([nutEnd]) => startFakeSlaacNut(nutEnd!, mode, o) });
}

const ids = [...caseCatalogue.keys()].filter((id) => /^v6LC\.3\.2\./.test(id));
const modesOf = (id: string): NutMode[] => (['host', 'router'] as const).filter((m) => caseCatalogue.get(id)!.appliesTo.includes(m));

interface Expectation {
  ids: RegExp;
  bad: SlaacMisbehaviour;
  reason: RegExp;
  /** The fake's identifiers when not the case's conforming ones. */
  interfaceIds?: 'eui64';
  mode?: NutMode;
  /** The node drops (or takes no notice of) what the case sends it. */
  dropsStimulus?: true;
  verdict?: 'ERROR';
}

const expectations: Expectation[] = [
  { ids: /^v6LC\.3\.2\.1-[ABC]$/, bad: { ignoreRa: true }, dropsStimulus: true, reason: /expected DAD for an address in (3ffe:501:ffff:321|8000|fec0)::\/64 within 5 s of TR1's RA; seen nothing/ },
  { ids: /^v6LC\.3\.2\.1-[ABC]$/, bad: { noDad: true }, reason: /expected DAD for an address in .* within 5 s of TR1's RA/ },
  { ids: /^v6LC\.3\.2\.1-[ABC]$/, bad: { ignoreDadProbes: true }, reason: /expected a Neighbor Advertisement to all-nodes defending .* against TN's DAD probe; seen/ },
  { ids: /^v6LC\.3\.2\.1-[ABC]$/, bad: { solicitedFlagInDefence: true }, reason: /with S = 0 defending .*; seen an NA with the Solicited flag set \(RFC 4861 §7\.2\.4\)/ },
  { ids: /^v6LC\.3\.2\.1-[ABC]$/, bad: { ignoreDadProbes: true }, mode: 'router', dropsStimulus: true, reason: /expected a Neighbor Advertisement to all-nodes defending (3ffe:501:ffff:100:|8000::|fec0::)5054:ff:fe00:1 against TN's DAD probe/ },
  { ids: /^v6LC\.3\.2\.1-[ABC]$/, bad: { noDad: true }, mode: 'router', reason: /expected DAD for .* once the router is configured with it; seen/ },
  { ids: /^v6LC\.3\.2\.2$/, bad: { ignoreRa: true }, dropsStimulus: true, reason: /expected DAD for an address in 3ffe:501:ffff:322::\/64/ },
  { ids: /^v6LC\.3\.2\.2$/, bad: { neverExpire: true }, reason: /expected 3ffe:501:ffff:322:5054:ff:fe00:1 invalid 5 s after the valid lifetime \(40 s\) of TR1's RA ended .*; seen a Neighbor Advertisement for it/ },
  { ids: /^v6LC\.3\.2\.2$/, bad: { deafAfterMs: 15_000 }, verdict: 'ERROR', reason: /NUT unresponsive or the lab too slow/ },
  { ids: /^v6LC\.3\.2\.3$/, bad: { ignoreRa: true }, dropsStimulus: true, reason: /expected DAD for an address in each advertised prefix, 3ffe:501:ffff:323a::\/64 included/ },
  // A starved VM whose clock fell 8 s behind still holds the address 5 s after it expired by the tester's clock,
  // with lifetime left by its own: the lab cannot judge (an ERROR), where a NUT that never expires it FAILs.
  { ids: /^v6LC\.3\.2\.2$/, bad: { clockLagS: 8 }, verdict: 'ERROR', reason: /the NUT still holds 3ffe:501:ffff:322:5054:ff:fe00:1 5 s after .* by the tester's clock, with valid_lft [1-4] s left by its own \(ip -6 addr\)/ },
  { ids: /^v6LC\.3\.2\.3$/, bad: { neverExpire: true }, reason: /expected 3ffe:501:ffff:323a:5054:ff:fe00:1 invalid 2 s after the valid lifetime \(20 s\) of the RA for GA0 ended/ },
  { ids: /^v6LC\.3\.2\.4-C$/, bad: { autoconfLinkLocalPrefix: true }, reason: /the link-local prefix fe80::\/64 ignored; seen DAD for fe80::5054:ff:fe00:1: the NUT formed an address from it/ },
  { ids: /^v6LC\.3\.2\.4-[B-I]$/, bad: { ignoreRa: true }, dropsStimulus: true, reason: /after a valid RA \(control\)/ },
  { ids: /^v6LC\.3\.2\.4-[BD-I]$/, bad: { acceptAnyPrefix: true, skipRaValidation: true }, reason: /ignored; seen DAD for .*: the NUT autoconfigured from it \(RFC 4862 §5\.5\.3\)/ },
  { ids: /^v6LC\.3\.2\.4-[AJ]$/, bad: { ignoreRa: true }, dropsStimulus: true, reason: /expected DAD for an address in 3ffe:501:ffff:3.*::\/64 after an RA with/ },
  { ids: /^v6LC\.3\.2\.5-[A-D]$/, bad: { ignoreRa: true }, dropsStimulus: true, reason: /expected DAD for an address in 3ffe:501:ffff:325[a-d]::\/64/ },
  { ids: /^v6LC\.3\.2\.5-A$/, bad: { keepFirstLifetime: true }, reason: /still valid 2 s after the 1st RA's valid lifetime \(30 s\) would have ended, the 2nd RA having advertised 60 s .*; seen no answer/ },
  { ids: /^v6LC\.3\.2\.5-A$/, bad: { neverExpire: true }, reason: /invalid 2 s after the valid lifetime \(60 s\) of the 2nd RA ended/ },
  { ids: /^v6LC\.3\.2\.5-B$/, bad: { keepFirstLifetime: true }, reason: /expected the valid lifetime set to 7230 s by the 2nd RA .*; seen 107\d\d s left \(ip -6 addr on the NUT\)/ },
  { ids: /^v6LC\.3\.2\.5-B$/, bad: { twoHourClamp: true }, reason: /expected the valid lifetime set to 7230 s .*; seen 7(19\d|200) s left/ },
  { ids: /^v6LC\.3\.2\.5-C$/, bad: { noTwoHourRule: true }, reason: /expected .* still valid 2 s after the 2nd RA's valid lifetime \(30 s\) would have ended, the 1st RA's 60 s still running .*; seen no answer/ },
  { ids: /^v6LC\.3\.2\.5-D$/, bad: { noTwoHourRule: true }, reason: /expected the valid lifetime set to 7200 s by the 2nd RA .*; seen \d+ s left/ },
  { ids: /^v6LC\.3\.2\.5-D$/, bad: { keepFirstLifetime: true }, reason: /expected the valid lifetime set to 7200 s .*; seen 72[12]\d s left/ },
  { ids: /^v6LC\.3\.2\.[67]-[AB]$/, bad: {}, interfaceIds: 'eui64', reason: /a link-local address with a stable, semantically opaque interface identifier \(RFC 7217\), not the EUI-64 one; seen DAD for fe80::5054:ff:fe00:1/ },
  { ids: /^v6LC\.3\.2\.6-[AB]|3\.2\.7-B$/, bad: { ignoreRa: true }, dropsStimulus: true, reason: /expected DAD for an address in 3ffe:501:ffff:100::\/64 within 5 s of TR1's RA/ },
  { ids: /^v6LC\.3\.2\.6-A$/, bad: { sameIidForEveryPrefix: true }, reason: /expected different interface identifiers for the link-local and the global prefix/ },
  { ids: /^v6LC\.3\.2\.6-B$/, bad: { newSecretEachBoot: true }, reason: /expected the same link-local address after the interface came up again/ },
  { ids: /^v6LC\.3\.2\.7-[AB]$/, bad: { ignoreDadConflicts: true }, dropsStimulus: true, reason: /expected a DAD probe for a new address in (fe80|3ffe:501:ffff:100)::\/64 within 4 s of TN's (DAD probe|NA) on .*; seen nothing/ },
  { ids: /^v6LC\.3\.2\.7-[AB]$/, bad: { noNewAddressOnConflict: true }, reason: /expected a DAD probe for a new address in .*; seen nothing/ },
  { ids: /^v6LC\.3\.2\.7-[AB]$/, bad: { sameAddressOnConflict: true }, reason: /expected a DAD probe for a new address in .*; seen .*neighbor solicitation, who has (fe80::|3ffe:501:ffff:100:)[0-9a-f]/ },
];

describe('Section 3.2 cases', { concurrency: 64 }, () => {
  for (const id of ids) {
    for (const mode of modesOf(id)) {
      test(`${id} passes against a conforming ${mode}`, async () => {
        const r = await runAgainstFake(id, conforming(id), mode);
        assert.equal(r.verdict, 'PASS', `${r.reason}\n${r.log}`);
      });
    }
  }
  for (const e of expectations) {
    for (const id of ids.filter((i) => e.ids.test(i))) {
      const mode = e.mode ?? 'host';
      test(`${id} ${e.verdict ?? 'FAIL'}s against a ${mode} with ${Object.keys(e.bad).join(', ') || `${e.interfaceIds} identifiers`}`, async () => {
        const r = await runAgainstFake(id, { ...conforming(id), ...(e.interfaceIds ? { interfaceIds: e.interfaceIds } : {}), bad: e.bad }, mode);
        assert.equal(r.verdict, e.verdict ?? 'FAIL', `${r.reason}\n${r.log}`);
        assert.match(r.reason, e.reason);
      });
    }
  }

  // Linux ages addresses in jiffies, which a starved VM counts a few percent slow or fast: an address that expires
  // on time by the NUT's own clock is the kernel's PASS, late or early by the tester's (both FAIL or ERROR without
  // the checks waiting on the NUT's clock too).
  for (const id of ['v6LC.3.2.2', 'v6LC.3.2.3', 'v6LC.3.2.5-A', 'v6LC.3.2.5-C']) {
    for (const clockRate of [0.88, 1.1]) {
      test(`${id} passes against a host whose timer clock runs at ${clockRate} of real time`, async () => {
        const r = await runAgainstFake(id, { ...conforming(id), bad: { clockRate } }, 'host');
        assert.equal(r.verdict, 'PASS', `${r.reason}\n${r.log}`);
      });
    }
  }

  /** A case context on a conforming fake host, for checking checkAddressAt itself; closed after `use`. */
  async function withFakeHostContext(caseId: string, use: (ctx: CaseContext) => Promise<void>): Promise<void> {
    const [tester, nutEnd] = linkPair();
    const fake = startFakeSlaacNut(nutEnd, 'host');
    const dir = await mkdtemp(path.join(tmpdir(), 'slaac-late-'));
    const ctx = await CaseContext.open({ definition: caseCatalogue.get(caseId)!, nut: { links: [LINK0], exec: (a) => fake.exec(a) }, links: new Map([['Link0', tester]]), dir });
    try {
      await use(ctx);
    } finally {
      fake.stop();
      await ctx.close();
      await rm(dir, { recursive: true, force: true });
    }
  }

  test('a check meant to land before an expiry that the lab sends late is an ERROR, not a FAIL', async () => {
    await withFakeHostContext('v6LC.3.2.2', async (ctx) => {
      const now = Date.now();
      await assert.rejects(
        checkAddressAt(ctx, 'RFC 4862 §5.5.4', { address: '3ffe:501:ffff:322:5054:ff:fe00:1', atMs: now - 3000, held: true, deadlineMs: now - 1000, when: '2 s before the valid lifetime ends' }),
        /went out 3\.\d s late, past the moment the address may rightly be gone: the lab was too slow to judge/,
      );
    });
  });
  test('a check meant to land before an expiry that comes late by the NUT\'s clock (a sleep that overran) is an ERROR, not a FAIL', async () => {
    await withFakeHostContext('v6LC.3.2.5-A', async (ctx) => {
      // The tester's clock has 30 s to go; the NUT's passed the moment 5 s ago (the 3.2.5-A flip of 8 cases at once).
      const nutNow = await nutClockMs(ctx);
      const cp = { address: '3ffe:501:ffff:322:5054:ff:fe00:1', atMs: Date.now() + 30_000, held: true, deadlineMs: Date.now() + 31_000, nutBy: { sinceNutMs: nutNow - 10_000, ms: 5_000 }, nutLateMs: 1_000, when: '2 s before the valid lifetime ends' };
      await assert.rejects(checkAddressAt(ctx, 'RFC 4862 §5.5.4', cp), /went out 5\.\d s late by the NUT's clock, past the moment the address may rightly be gone on it: the lab was too slow to judge/);
    });
  });
});

test('every Section 3.2 case is shown to FAIL against a node that drops its stimulus', () => {
  for (const id of ids) assert.ok(expectations.some((e) => e.dropsStimulus && e.ids.test(id)), `${id} has no test against a node that drops its stimulus`);
});
