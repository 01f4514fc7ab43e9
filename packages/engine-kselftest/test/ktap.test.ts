// KTAP as kselftest's runner and the kernel print it, and the per-case lines of the net shell tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKtap, parseNetCases } from '../src/index.js';

const RUNNER = `TAP version 13
1..3
# timeout set to 300
# selftest: net: fib_tests.sh
# 
# Single path route test
#     Start point
#     TEST: IPv4 fibmatch                                                 [ OK ]
#     TEST: IPv6 fibmatch                                                 [ OK ]
#     Nexthop device deleted
#     TEST: IPv4 fibmatch - no route                                      [FAIL]
# 
# Tests passed:   2
# Tests failed:   1
not ok 1 selftests: net: fib_tests.sh # exit=1
# selftest: net: pmtu.sh
# TEST: ipv6: PMTU exceptions                                         [SKIP]
#   tcpdump not installed
not ok 2 selftests: net: pmtu.sh # TIMEOUT 45 seconds
# selftest: net: ipv6_flowlabel.sh
ok 3 selftests: net: ipv6_flowlabel.sh # SKIP
`;

test("the runner's TAP 13: results, directives, each test's own output", () => {
  const doc = parseKtap(RUNNER);
  assert.equal(doc.version, 'TAP version 13');
  assert.equal(doc.plan, 3);
  assert.deepEqual(doc.problems, []);
  assert.deepEqual(
    doc.results.map((r) => [r.number, r.ok, r.description, r.directive, r.diagnostic]),
    [
      [1, false, 'selftests: net: fib_tests.sh', null, 'exit=1'],
      [2, false, 'selftests: net: pmtu.sh', 'TIMEOUT', '45 seconds'],
      [3, true, 'selftests: net: ipv6_flowlabel.sh', 'SKIP', ''],
    ],
  );
  assert.equal(doc.results[0]!.output[0], 'timeout set to 300');
  assert.deepEqual(parseNetCases(doc.results[0]!.output), [
    { section: 'Single path route test: Start point', description: 'IPv4 fibmatch', outcome: 'OK' },
    { section: 'Single path route test: Start point', description: 'IPv6 fibmatch', outcome: 'OK' },
    { section: 'Single path route test: Nexthop device deleted', description: 'IPv4 fibmatch - no route', outcome: 'FAIL' },
  ]);
  assert.deepEqual(parseNetCases(doc.results[1]!.output), [{ section: null, description: 'ipv6: PMTU exceptions', outcome: 'SKIP' }]);
});

test('command errors between cases (fib_rule_tests.sh) are not headings', () => {
  const out = ['', '    TEST: rule6 check: ipproto match          [FAIL]', 'Error: Rule family not supported.', '', '    TEST: rule4 check: oif redirect to table    [FAIL]', '', 'IPv4 tests', '', '    TEST: a    [ OK ]'];
  assert.deepEqual(parseNetCases(out).map((c) => [c.section, c.description]), [
    [null, 'rule6 check: ipproto match'],
    [null, 'rule4 check: oif redirect to table'],
    ['IPv4 tests', 'a'],
  ]);
});

test('TEST SECTION / TEST SUBSECTION lines (fib-onlink-tests.sh) name the sections', () => {
  const out = ['#####', 'TEST SECTION: IPv4 onlink', '#####', '', '####', 'TEST SUBSECTION: VRF lisa', '    TEST: unicast connected      [ OK ]', '', '####', 'TEST SUBSECTION: default VRF - main table - multipath', '    TEST: unicast connected - multipath   [FAIL]', 'TEST SECTION: IPv6 onlink', 'TEST SUBSECTION: VRF lisa', '    TEST: unicast connected      [ OK ]'];
  assert.deepEqual(parseNetCases(out).map((c) => [c.section, c.description, c.outcome]), [
    ['IPv4 onlink: VRF lisa', 'unicast connected', 'OK'],
    ['IPv4 onlink: default VRF - main table - multipath', 'unicast connected - multipath', 'FAIL'],
    ['IPv6 onlink: VRF lisa', 'unicast connected', 'OK'],
  ]);
});

test('KTAP subtests: indented version and plan, the parent result after them', () => {
  const doc = parseKtap(`KTAP version 1
1..2
  KTAP version 1
  1..2
  ok 1 test_a
  not ok 2 test_b # XFAIL known
ok 1 suite_one
  KTAP version 1
  1..1
  ok 1 test_c # SKIP no hardware
ok 2 suite_two
`);
  assert.deepEqual(doc.problems, []);
  assert.equal(doc.results.length, 2);
  assert.deepEqual(doc.results[0]!.subtests.map((s) => [s.description, s.ok, s.directive, s.diagnostic]), [
    ['test_a', true, null, ''],
    ['test_b', false, 'XFAIL', 'known'],
  ]);
  assert.deepEqual(doc.results[1]!.subtests.map((s) => [s.description, s.directive, s.diagnostic]), [['test_c', 'SKIP', 'no hardware']]);
});

test('cut-short and hostile streams are reported, not guessed', () => {
  const doc = parseKtap(`TAP version 13\n1..3\nok 1 a\nok 3 c\nBail out! machine on fire\n${'x'.repeat(10000)}\n  KTAP version 1\n  1..1\n`);
  assert.deepEqual(doc.problems, [
    'line 4: result 3 after 1',
    'line 5: Bail out! machine on fire',
    'line 6: 10000 characters, cut to 4096',
    "subtests at indent 2 never got their parent's result line (output cut short?)",
    'the document: plan 1..3 but 2 results',
  ]);
  assert.deepEqual(parseKtap('\u001b[31mok 1 red\u001b[0m\u0007\n').results.map((r) => r.description), ['red']);
});

test('long runs of spaces (what a hostile NUT prints) parse in linear time, with the same results', () => {
  // Each line under the 4,096-character cut, so every pattern sees its whole run.
  const spaces = ' '.repeat(4000);
  const some = ' '.repeat(1000);
  const lines = ['TAP version 13', '1..200'];
  for (let i = 1; i <= 200; i++) lines.push(`# TEST: ${spaces}x`, `#     TEST: a${some}[${some}OK${some}]${some}`, `ok ${i} ${spaces}x`);
  const started = performance.now();
  const doc = parseKtap(lines.join('\n'));
  const cases = parseNetCases(doc.results[0]!.output);
  const ms = performance.now() - started;
  assert.ok(ms < 500, `parsed in ${ms.toFixed(0)} ms`);
  assert.equal(doc.results.length, 200);
  assert.equal(doc.results[0]?.description, 'x');
  assert.equal(doc.problems.length, 0);
  assert.deepEqual(cases, [{ section: 'TEST: x', description: 'a', outcome: 'OK' }]);
});

test('result lines: description, directive and diagnostic as before', () => {
  const doc = parseKtap(['ok 1 - first # SKIP no tcpdump', 'not ok 2 second#exit=1', 'ok 3', 'ok 4 -', 'ok 5 -dash', 'ok 6x', 'ok 7 # TODO later'].join('\n'));
  assert.deepEqual(
    doc.results.map((r) => [r.number, r.ok, r.description, r.directive, r.diagnostic]),
    [
      [1, true, 'first', 'SKIP', 'no tcpdump'],
      [2, false, 'second', null, 'exit=1'],
      [3, true, '', null, ''],
      [4, true, '', null, ''],
      [5, true, '-dash', null, ''],
      [7, true, '', 'TODO', 'later'],
    ],
  );
});
