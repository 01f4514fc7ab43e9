import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFrame, decodeFrame, describeFrame, hex } from '../src/index.js';

const eth = { src: '52:54:00:00:00:aa', dst: '52:54:00:00:00:01' };
const ipv6 = { src: '2001:db8::aa', dst: '2001:db8::1' };

test('UDP round-trips with a valid checksum', () => {
  const frame = buildFrame({ eth, ipv6, udp: { srcPort: 5353, dstPort: 33434, data: Uint8Array.of(1, 2, 3, 4, 5) } });
  // Header: ports, length 13, checksum.
  assert.equal(hex(frame.subarray(54, 60)), '14e9829a000d');
  const d = decodeFrame(frame);
  assert.deepEqual(d.errors, []);
  assert.equal(d.ipv6?.nextHeader, 17);
  assert.deepEqual(d.udp && { ...d.udp, checksum: 0 }, { srcPort: 5353, dstPort: 33434, length: 13, checksum: 0, checksumOk: true, data: Uint8Array.of(1, 2, 3, 4, 5) });
  assert.equal(describeFrame(d), '52:54:00:00:00:aa > 52:54:00:00:00:01, 2001:db8::aa > 2001:db8::1: UDP, 5353 > 33434, length 5 (hlim 64, plen 13)');
});

test('bad and zero UDP checksums are reported', () => {
  const bad = decodeFrame(buildFrame({ eth, ipv6, udp: { srcPort: 1, dstPort: 2, checksum: 0x1234 } }));
  assert.equal(bad.udp?.checksumOk, false);
  assert.deepEqual(bad.errors, ['udp: bad checksum 0x1234']);
  const zero = decodeFrame(buildFrame({ eth, ipv6, udp: { srcPort: 1, dstPort: 2, checksum: 0 } }));
  assert.equal(zero.udp?.checksumOk, false);
  assert.deepEqual(zero.errors, ['udp: zero checksum (not allowed over IPv6)']);
});

test('a UDP length shorter than the payload bounds data and checksum', () => {
  const d = decodeFrame(buildFrame({ eth, ipv6, udp: { srcPort: 1, dstPort: 2, data: new Uint8Array(10), length: 12 } }));
  assert.equal(d.udp?.length, 12);
  assert.equal(d.udp?.data.length, 4);
  assert.equal(d.udp?.checksumOk, true, 'both ends take the checksum over the 12 bytes the Length covers');
  assert.deepEqual(d.errors, []);
  const long = decodeFrame(buildFrame({ eth, ipv6, udp: { srcPort: 1, dstPort: 2, data: new Uint8Array(10), length: 400 } }));
  assert.deepEqual(long.errors, ['udp: length 400 does not match the 18 bytes of payload']);
  assert.equal(long.udp?.checksumOk, true, 'an impossible Length leaves the checksum over the whole payload');
  assert.equal(long.udp?.data.length, 10);
});
