// Why no Time Exceeded came, from the NUT's own counters: the kernel's FAIL (fragments ignored, timed out
// without a word) or the lab's ERROR (its timer had not run yet, its error was lost), parsed from Linux's
// /proc/net/snmp6 and /proc/uptime as `cat` prints them together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReassemblyCounters, silenceExplained } from '../src/vocabulary/nut-reassembly-counters.js';

const snmp6 = (reqds: number, timeout: number, timeExcds: number, uptime: string) =>
  [
    'Ip6InReceives                   \t120',
    `Ip6ReasmTimeout                 \t${timeout}`,
    `Ip6ReasmReqds                   \t${reqds}`,
    'Ip6ReasmOKs                     \t4',
    'Ip6ReasmFails                   \t1',
    `Icmp6OutTimeExcds               \t${timeExcds}`,
    'Icmp6OutParmProblems            \t0',
    `${uptime} 301.12`,
    '',
  ].join('\n');

test('the counters and clock are read from snmp6 and uptime printed together; anything else is unknown', () => {
  assert.deepEqual(parseReassemblyCounters(snmp6(10, 1, 2, '155.43')), { reasmReqds: 10, reasmTimeout: 1, outTimeExcds: 2, uptimeMs: 155_430 });
  assert.equal(parseReassemblyCounters(''), undefined, "the fakes' empty answer");
  assert.equal(parseReassemblyCounters(snmp6(10, 1, 2, '155.43').replace(/^Icmp6OutTimeExcds.*$/m, '')), undefined);
  assert.equal(parseReassemblyCounters(snmp6(10, 1, 2, 'x')), undefined);
});

test('silence is the kernel\'s FAIL when it ignored the fragments or timed out without a word, the lab\'s ERROR otherwise', () => {
  const before = parseReassemblyCounters(snmp6(10, 1, 1, '100.00'))!;
  const at = (reqds: number, timeout: number, excds: number, uptime = '196.00') => parseReassemblyCounters(snmp6(reqds, timeout, excds, uptime));
  assert.deepEqual(silenceExplained(before, at(10, 1, 1)), { nut: 'the NUT took none of the fragments for reassembly (Ip6ReasmReqds unchanged)' });
  assert.match((silenceExplained(before, at(11, 2, 1)) as { nut: string }).nut, /timed the datagram out \(Ip6ReasmTimeout \+1\) and sent no Time Exceeded/);
  assert.match((silenceExplained(before, at(11, 2, 2)) as { lab: string }).lab, /sent Time Exceeded \(Icmp6OutTimeExcds \+1\), but none reached the tester/);
  assert.match((silenceExplained(before, at(11, 1, 1, '180.50')) as { lab: string }).lab, /Ip6ReasmReqds \+1\) but had not timed the datagram out after 80\.5 s of its own clock/);
  assert.equal(silenceExplained(undefined, at(11, 1, 1)), undefined);
  assert.equal(silenceExplained(before, undefined), undefined);
  assert.equal(silenceExplained(before, at(11, 2, 2, '50.00')), undefined, 'a NUT that rebooted meanwhile tells nothing');
});
