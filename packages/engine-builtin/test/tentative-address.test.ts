// The Router Discovery cases that ping the host's new global address wait until the NUT says it is no longer
// tentative (src/vocabulary/tentative-address.ts): a host still in DAD drops the Echo Request, and a FAIL
// for that would be the lab's haste, not the host's fault.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeIpv6, slaacAddress } from '@testlab/packet';
import { listedAddresses } from '../src/vocabulary/tentative-address.js';
import { runCaseOnFake } from './run-on-fake.js';
import { FAKE_RD_MAC, startFakeRdNut } from './fake-rd-nut.js';

// What iproute2 6.1 prints for `ip -6 -o addr show dev eth1 tentative` on a Linux 6.1 NUT during DAD.
const TENTATIVE_LINE = '2: eth1    inet6 3ffe:501:ffff:100:5054:ff:fe00:1/64 scope global tentative dynamic mngtmpaddr \\       valid_lft 2591999sec preferred_lft 604799sec\n';

test('the tentative addresses are read from iproute2\'s one-line output, normalised', () => {
  assert.deepEqual(listedAddresses(TENTATIVE_LINE), ['3ffe:501:ffff:100:5054:ff:fe00:1']);
  assert.deepEqual(listedAddresses(''), []);
  assert.deepEqual(listedAddresses('3: eth2    inet6 FE80::0001/64 scope link tentative \\       valid_lft forever preferred_lft forever\n'), ['fe80::1']);
});

const hostGlobal = normalizeIpv6(slaacAddress('3ffe:501:ffff:100::', FAKE_RD_MAC));

/** The RD fake, but its global address stays tentative for `tentativeMs` after the case's first question. */
function runWithTentative(id: string, tentativeMs: number) {
  const asked: number[] = [];
  return {
    asked,
    result: runCaseOnFake(id, {
      mode: 'host',
      macs: [FAKE_RD_MAC],
      start: ([link]) => {
        const fake = startFakeRdNut(link!, 'host');
        return {
          exec: async (argv) => {
            if (argv.at(-1) !== 'tentative' || !argv.includes('addr')) return fake.exec(argv);
            asked.push(Date.now());
            const still = Date.now() - asked[0]! < tentativeMs;
            return { code: 0, stdout: still ? TENTATIVE_LINE.replace('3ffe:501:ffff:100:5054:ff:fe00:1', hostGlobal) : '', stderr: '' };
          },
          stop: () => fake.stop(),
        };
      },
    }),
  };
}

test('v6LC.2.2.22-B pings the host only once its address has left DAD, and still PASSes a host that is late', async () => {
  const run = runWithTentative('v6LC.2.2.22-B', 1_200);
  const r = await run.result;
  assert.equal(r.verdict, 'PASS', r.reason);
  assert.ok(run.asked.length >= 2, `asked ${run.asked.length} times`);
});

test('v6LC.2.2.23-D is an ERROR, not a FAIL, when the address stays tentative: the lab could not judge', async () => {
  const run = runWithTentative('v6LC.2.2.23-D', 60_000);
  const r = await run.result;
  assert.equal(r.verdict, 'ERROR', r.reason);
  assert.match(r.reason, /still tentative on the NUT \d+ ms after its DAD probe/);
});
