// Every case, against a NUT that behaves and against one that misbehaves in the way the case checks:
// a case that cannot FAIL for the right reason proves nothing when it passes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CaseResult, NutMode } from '@testlab/core';
import { caseCatalogue, type CaseDefinition } from '../src/index.js';
import { FAKE_NUT_MAC, startFakeNut, type Misbehaviour } from './fake-nut.js';
import { runCaseOnFake } from './run-on-fake.js';

const runAgainstFake = (id: string, bad: Misbehaviour = {}, mode: NutMode = 'host'): Promise<CaseResult> => runDefinition(id, bad, mode);

function runDefinition(def: string | CaseDefinition, bad: Misbehaviour, mode: NutMode): Promise<CaseResult> {
  return runCaseOnFake(def, {
    mode,
    macs: [FAKE_NUT_MAC],
    start: ([link]) => {
      const stop = startFakeNut(link!, bad);
      return { exec: async () => ({ code: 0, stdout: '', stderr: '' }), stop: () => stop() };
    },
  });
}

const expectations: Array<{ id: string; bad: Misbehaviour; reason: RegExp }> = [
  { id: 'v6LC.1.1.1', bad: { acceptAnyVersion: true }, reason: /version other than 6 discarded; seen Echo Replies to version 4, version 0, version 5, version 7, version 15 \(RFC 8200 §3\)/ },
  { id: 'v6LC.1.1.7-A', bad: { noParameterProblem: true }, reason: /expected Parameter Problem code 1 pointer 6 for next header 138; seen nothing \(RFC 8200 §4/ },
  { id: 'v6LC.1.1.7-A', bad: { wrongPointer: true }, reason: /seen code 1 pointer 0/ },
  { id: 'v6LC.2.1.7-D', bad: { acceptNsAnyHopLimit: true }, reason: /hop limit 254 silently discarded; seen a Neighbor Advertisement in answer \(RFC 4861 §7\.1\.1\)/ },
  { id: 'v6LC.2.1.7-D', bad: { noNeighborAdvertisement: true }, reason: /Neighbor Advertisement for a valid solicitation \(control\); seen /},
  { id: 'v6LC.2.1.7-E', bad: { acceptNsBadChecksum: true }, reason: /wrong ICMPv6 checksum silently discarded; seen a Neighbor Advertisement/ },
  { id: 'v6LC.5.1.2-A', bad: { noEchoReply: true }, reason: /expected an Echo Reply from fe80::5054:ff:fe00:1 to TN1 within 3000 ms; seen nothing \(RFC 4443 §4\.2\)/ },
  { id: 'v6LC.5.1.2-A', bad: { corruptEchoData: true }, reason: /data of 64 bytes differing/ },
  { id: 'v6LC.5.1.2-C', bad: { ignoreMulticastEcho: true }, reason: /expected an Echo Reply to TN1 from a unicast address .*; seen nothing \(RFC 4443 §4\.2\)/ },
  { id: 'v6LC.5.1.2-C', bad: { multicastReplySource: true }, reason: /seen source ff02::1/ },
  { id: 'v6LC.5.1.8', bad: { answerUnknownInformational: true }, reason: /unknown informational type 250 silently discarded; seen parameter-problem \(type 4\) in answer \(RFC 4443 §2\.4 \(b\)\)/ },
  { id: 'v6LC.5.1.8', bad: { noEchoReply: true }, reason: /control Echo Request/ },
];

// The walking skeleton's first cases; later cases have their own files (one per section), each with
// its own responders and its own "every case is shown to fail" check.
const coveredHere = ['v6LC.1.1.1', 'v6LC.1.1.7-A', 'v6LC.2.1.7-D', 'v6LC.2.1.7-E', 'v6LC.5.1.2-A', 'v6LC.5.1.2-C', 'v6LC.5.1.8'];

for (const id of coveredHere) {
  test(`${id} passes against a conforming NUT and leaves a pcap and a log`, async () => {
    const r = await runAgainstFake(id);
    assert.equal(r.verdict, 'PASS', r.reason);
    assert.equal(r.pcaps.length, 1);
    assert.match(r.log, /Link0 >> /);
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

test('every case of this file has at least one misbehaviour it is shown to fail on', () => {
  for (const id of coveredHere) assert.ok(caseCatalogue.has(id), `${id} is no longer in the catalogue`);
  for (const id of coveredHere) assert.ok(expectations.some((e) => e.id === id), `${id} has no failing test`);
});

test('a case for other NUT modes is NA; a case that throws is ERROR, not FAIL', async () => {
  const routerOnly: CaseDefinition = { id: 'v6LC.9.9.9', title: 'router only', rfc: 'RFC 0', appliesTo: ['router'], run: async () => ({ verdict: 'PASS', reason: '' }) };
  assert.equal((await runDefinition(routerOnly, {}, 'host')).verdict, 'NA');
  const broken: CaseDefinition = { id: 'v6LC.9.9.8', title: 'broken', rfc: 'RFC 0', appliesTo: ['host'], run: async () => { throw new Error('socket gone'); } };
  const r = await runDefinition(broken, {}, 'host');
  assert.equal(r.verdict, 'ERROR');
  assert.match(r.reason, /harness error: socket gone/);
  const slow: CaseDefinition = { id: 'v6LC.9.9.7', title: 'slow', rfc: 'RFC 0', appliesTo: ['host'], timeoutMs: 50, run: () => new Promise(() => {}) };
  assert.match((await runDefinition(slow, {}, 'host')).reason, /did not finish within 50 ms/);
});
