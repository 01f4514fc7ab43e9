import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  eui64InterfaceId,
  formatIpv6,
  formatMac,
  hex,
  linkLocalFromMac,
  multicastMac,
  normalizeIpv6,
  parseIpv6,
  parseMac,
  slaacAddress,
  solicitedNodeMulticast,
} from '../src/index.js';

test('MAC text round-trips in lower case', () => {
  assert.equal(hex(parseMac('52:54:00:AB:cd:01')), '525400abcd01');
  assert.equal(formatMac(parseMac('52-54-00-ab-cd-01')), '52:54:00:ab:cd:01');
  for (const bad of ['', '52:54:00:00:00', '52:54:00:00:00:01:02', '52:54:00:00:00:1g', '525400000001']) {
    assert.throws(() => parseMac(bad), /invalid MAC address/);
  }
});

// RFC 5952 §4: no leading zeros, longest zero run compressed (the first on a tie),
// a single zero group not compressed, lower case.
const canonical: [string, string][] = [
  ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
  ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
  ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
  ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
  ['2001:DB8::AbCd', '2001:db8::abcd'],
  ['0:0:0:0:0:0:0:0', '::'],
  ['0:0:0:0:0:0:0:1', '::1'],
  ['1:0:0:0:0:0:0:0', '1::'],
  ['fe80:0:0:0:5054:ff:fe00:1', 'fe80::5054:ff:fe00:1'],
  ['ff02::1:ff00:1', 'ff02::1:ff00:1'],
  ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
  ['::ffff:192.0.2.1', '::ffff:192.0.2.1'],
  ['::ffff:c000:201', '::ffff:192.0.2.1'],
];
for (const [input, expected] of canonical) {
  test(`formats ${input} as ${expected}`, () => {
    assert.equal(formatIpv6(parseIpv6(input)), expected);
    assert.equal(normalizeIpv6(expected), expected);
  });
}

test('parses into the right bytes', () => {
  assert.equal(hex(parseIpv6('2001:db8::1')), '20010db8000000000000000000000001');
  assert.equal(hex(parseIpv6('::ffff:1.2.3.4')), '00000000000000000000ffff01020304');
});

for (const bad of ['', ':', ':::', '1::2::3', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', '12345::', 'g::', '1:2:3:4:5:6:7:8::', '::1.2.3', '1.2.3.4::', '::256.1.1.1', 'fe80::1%eth0', ':1::', '1::2:']) {
  test(`rejects IPv6 text ${JSON.stringify(bad)}`, () => {
    assert.throws(() => parseIpv6(bad), /invalid IPv6 address/);
  });
}

test('modified EUI-64 flips the universal/local bit and inserts ff:fe', () => {
  assert.equal(hex(eui64InterfaceId('52:54:00:00:00:01')), '505400fffe000001');
  assert.equal(hex(eui64InterfaceId('00:11:22:33:44:55')), '021122fffe334455');
  assert.equal(linkLocalFromMac('52:54:00:00:00:01'), 'fe80::5054:ff:fe00:1');
  assert.equal(linkLocalFromMac('00:00:00:00:00:00'), 'fe80::200:ff:fe00:0');
  assert.equal(slaacAddress('2001:db8:1:2::', '52:54:00:12:34:56'), '2001:db8:1:2:5054:ff:fe12:3456');
});

test('solicited-node multicast keeps the low 24 bits', () => {
  assert.equal(solicitedNodeMulticast('fe80::5054:ff:fe00:1'), 'ff02::1:ff00:1');
  assert.equal(solicitedNodeMulticast('2001:db8::abcd:ef12:3456'), 'ff02::1:ff12:3456');
  assert.equal(solicitedNodeMulticast('::'), 'ff02::1:ff00:0');
});

test('multicast MAC is 33:33 and the low 32 bits', () => {
  assert.equal(multicastMac('ff02::1'), '33:33:00:00:00:01');
  assert.equal(multicastMac('ff02::1:ff12:3456'), '33:33:ff:12:34:56');
  assert.equal(multicastMac('ff02::16'), '33:33:00:00:00:16');
});
