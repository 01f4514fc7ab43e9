// The IPsec cases' unit tests, for the end-node (5.x) or security-gateway (6.x) half: every case against
// the conforming fake IPsec NUT (PASS, with its captures and key file kept, its SAs and policies set by
// `ip xfrm` and cleared after), against each misbehaviour it must catch (FAIL, with the reason), and NA
// when the set does not list the optional feature it needs. Up to AT_ONCE run at once: each has its own links.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caseCatalogue } from '../../src/index.js';
import { ALWAYS_NA, IPSEC_EXPECTATIONS } from './expectations.js';
import { runAgainstIpsecFake } from './run-ipsec-fake.js';

// How many cases run at once. Unbounded (about 100 at once), a loaded machine starved the fake NUT past the
// cases' 3 s answer window (IPsec.5.1.x with sendInClear FAILed on "seen nothing" in a full unit run).
const AT_ONCE = 8;

const idsOf = (n: string): string[] => [`IPsec.${n}`, `IPsec.${n}-udp`].filter((id) => caseCatalogue.has(id) && !ALWAYS_NA.includes(id));

export function ipsecCaseTests(part: '5' | '6'): void {
  const ids = [...caseCatalogue.keys()].filter((id) => id.startsWith(`IPsec.${part}.`));
  const expectations = IPSEC_EXPECTATIONS.flatMap((e) => e.tests.filter((n) => n.startsWith(`${part}.`)).flatMap((n) => idsOf(n).map((id) => ({ id, ...e }))));

  test(`IPsec.${part}.x: every case passes against a conforming IPsec NUT, leaving captures and its SAs' keys`, { concurrency: AT_ONCE }, async (t) => {
    await Promise.all(ids.map((id) =>
      t.test(id, async () => {
        const { result, commands: all, kept } = await runAgainstIpsecFake(id);
        const commands = all.filter((c) => c[1] === 'xfrm');
        if (ALWAYS_NA.includes(id)) {
          assert.equal(result.verdict, 'NA', result.reason);
          assert.match(result.reason, /This test must run by using (ICMP|UDP) \(TAHI exits "Not Supported" here\)/);
          return;
        }
        assert.equal(result.verdict, 'PASS', `${result.reason}\n${result.log}`);
        assert.equal(result.pcaps.length, part === '6' ? 2 : 1);
        assert.ok(result.evidence?.some((e) => e.kind === 'esp-sa'), 'the esp_sa file is kept');
        // Every SA of the case, as a row (or, for Camellia, which Wireshark cannot decrypt, a comment with its keys).
        assert.match(kept['esp-sa'] ?? '', /("IPv6","[0-9a-f:]+","[0-9a-f:]+","0x00001000"|# ESP SPI 0x00001000 .* cannot decrypt camellia-cbc)/);
        assert.ok(result.evidence?.some((e) => e.kind === 'wireshark-preferences'));
        // Emptied before (no SA or policy of another case) and after (none for the next).
        const flush = (argv: string[]) => argv.join(' ').startsWith('/usr/sbin/ip xfrm') && argv.at(-1) === 'flush';
        assert.ok(flush(commands[0]!) && flush(commands[1]!), `starts by flushing: ${commands[0]?.join(' ')}`);
        assert.ok(commands.some((c) => c.slice(1, 4).join(' ') === 'xfrm state add'));
        assert.ok(flush(commands.at(-1)!) && flush(commands.at(-2)!), `ends by flushing: ${commands.at(-1)?.join(' ')}`);
        assert.match(result.log, /the NUT's XFRM counters \(\/proc\/net\/xfrm_stat\) during the case: /);
      }),
    ));
  });

  test(`IPsec.${part}.x: every case FAILs against the misbehaving NUT it checks, saying what it did`, { concurrency: AT_ONCE }, async (t) => {
    await Promise.all(expectations.map((e) =>
      t.test(`${e.id} with ${Object.keys(e.bad).join(', ')}`, async () => {
        const { result } = await runAgainstIpsecFake(e.id, e.bad);
        assert.equal(result.verdict, 'FAIL', `${result.reason}\n${result.log}`);
        assert.match(result.reason, e.reason);
      }),
    ));
  });

  test(`IPsec.${part}.x: every case that can run is shown to FAIL, and the five misbehaviours the issue names are all caught`, () => {
    const covered = new Set(expectations.map((e) => e.id));
    assert.deepEqual(ids.filter((id) => !ALWAYS_NA.includes(id) && !covered.has(id)), []);
    for (const bad of ['acceptBadIcv', 'acceptReplay', 'sendInClear', 'ignoreBypass', 'ignoreDiscard', 'answerUnknownSpi']) {
      assert.ok(expectations.some((e) => bad in e.bad), bad);
    }
  });

  test(`IPsec.${part}.x: ADVANCED cases are NA with the reason when the set does not list their feature; BASIC ones still run`, { concurrency: AT_ONCE }, async (t) => {
    const chosen = ids.filter((id) => !ALWAYS_NA.includes(id) && (caseCatalogue.get(id)!.requires || /^IPsec\.[56]\.1\.1$/.test(id)));
    await Promise.all(chosen.map((id) =>
      t.test(id, async () => {
        const requires = caseCatalogue.get(id)!.requires;
        const { result } = await runAgainstIpsecFake(id, {}, []);
        if (!requires) return assert.equal(result.verdict, 'PASS', result.reason);
        assert.equal(result.verdict, 'NA');
        assert.match(result.reason, new RegExp(`TAHI: test_type=ADVANCED support=${requires.join(',')}\\): the test set does not list`));
      }),
    ));
  });
}
