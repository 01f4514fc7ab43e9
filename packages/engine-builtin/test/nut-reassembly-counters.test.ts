// Why no Time Exceeded came, from the NUT's own counters: the kernel's FAIL (fragments ignored, timed out
// without a word) or the lab's ERROR (its timer had not run yet, its error was lost), parsed from Linux's
// /proc/net/snmp6 and /proc/uptime as `cat` prints them together.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nutSecondsBetween, parseReassemblyCounters, silenceExplained } from '../src/vocabulary/nut-reassembly-counters.js';

/** /proc/stat of a one-CPU NUT whose tick clock stands at `ticks` USER_HZ ticks. */
const stat = (ticks: number) => [`cpu  ${ticks - 300} 0 200 100 0 0 0 0 0 0`, `cpu0 ${ticks - 300} 0 200 100 0 0 0 0 0 0`, 'intr 12345 0', 'ctxt 999', 'btime 1764900000'].join('\n');

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

test('the counters and clocks are read from snmp6, uptime and stat printed together; anything else is unknown', () => {
  assert.deepEqual(parseReassemblyCounters(snmp6(10, 1, 2, '155.43')), { reasmReqds: 10, reasmTimeout: 1, outTimeExcds: 2, uptimeMs: 155_430 });
  assert.deepEqual(parseReassemblyCounters(`${snmp6(10, 1, 2, '155.43')}${stat(12_000)}\n`), { reasmReqds: 10, reasmTimeout: 1, outTimeExcds: 2, uptimeMs: 155_430, tickMs: 120_000 });
  // Two CPUs: the cpu line sums both, the clock is per CPU.
  assert.equal(parseReassemblyCounters(`${snmp6(10, 1, 2, '155.43')}cpu  200 0 0 200 0 0 0 0 0 0\ncpu0 100 0 0 100 0 0 0 0 0 0\ncpu1 100 0 0 100 0 0 0 0 0 0\n`)?.tickMs, 2_000);
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
  // With the tick clock read: a starved VM's jiffies fell behind (58 s of ticks in 96 s of uptime).
  const tickBefore = parseReassemblyCounters(`${snmp6(10, 1, 1, '100.00')}${stat(10_000)}`)!;
  const tickAfter = parseReassemblyCounters(`${snmp6(11, 1, 1, '196.00')}${stat(15_800)}`)!;
  assert.match((silenceExplained(tickBefore, tickAfter) as { lab: string }).lab, /after 58\.0 s of its own tick clock/);
  assert.deepEqual(nutSecondsBetween(tickBefore, tickAfter), { seconds: 58, clock: 'tick' });
  assert.deepEqual(nutSecondsBetween(before, tickAfter), { seconds: 96, clock: 'uptime' });
  assert.equal(silenceExplained(undefined, at(11, 1, 1)), undefined);
  assert.equal(silenceExplained(before, undefined), undefined);
  assert.equal(silenceExplained(before, at(11, 2, 2, '50.00')), undefined, 'a NUT that rebooted meanwhile tells nothing');
});
