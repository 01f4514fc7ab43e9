import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFrame, decodeFrame, describeFrame, hex, parseIpv6 } from '../src/index.js';

// Written out independently of the package: RFC 1071 sum over the RFC 8200 §8.1 pseudo-header.
function handChecksum(src: string, dst: string, icmp: number[]): number {
  const words: number[] = [];
  const s = parseIpv6(src);
  const d = parseIpv6(dst);
  for (let i = 0; i < 16; i += 2) words.push((s[i]! << 8) + s[i + 1]!, (d[i]! << 8) + d[i + 1]!);
  words.push(0, icmp.length, 0, 58);
  const padded = icmp.length % 2 ? [...icmp, 0] : icmp;
  for (let i = 0; i < padded.length; i += 2) words.push((padded[i]! << 8) + padded[i + 1]!);
  let sum = words.reduce((a, b) => a + b, 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  return 0xffff - sum;
}

const spec = {
  eth: { src: '52:54:00:00:00:01', dst: '52:54:00:00:00:02' },
  ipv6: { src: 'fe80::1', dst: 'fe80::2' },
  icmpv6: { type: 'echo-request' as const, id: 0x1234, seq: 1, data: Uint8Array.of(0xde, 0xad, 0xbe) },
};

test('an Echo Request frame has exactly the expected bytes', () => {
  const cksum = handChecksum('fe80::1', 'fe80::2', [128, 0, 0, 0, 0x12, 0x34, 0x00, 0x01, 0xde, 0xad, 0xbe]);
  assert.equal(cksum, 0xd3d1, 'hand sum, also what python and tcpdump ("[icmp6 sum ok]") agree on');
  const expected =
    '525400000002' + '525400000001' + '86dd' +
    '60000000' + '000b' + '3a' + '40' +
    'fe800000000000000000000000000001' + 'fe800000000000000000000000000002' +
    '80' + '00' + cksum.toString(16).padStart(4, '0') + '1234' + '0001' + 'deadbe';
  assert.equal(hex(buildFrame(spec)), expected);
});

test('the Echo Request decodes back, checksum verified', () => {
  const d = decodeFrame(buildFrame(spec));
  assert.deepEqual(d.errors, []);
  assert.deepEqual(d.eth, { dst: '52:54:00:00:00:02', src: '52:54:00:00:00:01', ethertype: 0x86dd });
  assert.deepEqual(d.ipv6, { version: 6, trafficClass: 0, flowLabel: 0, payloadLength: 11, nextHeader: 58, hopLimit: 64, src: 'fe80::1', dst: 'fe80::2' });
  assert.ok(d.icmpv6?.type === 'echo-request');
  assert.equal(d.icmpv6.id, 0x1234);
  assert.equal(d.icmpv6.seq, 1);
  assert.deepEqual(d.icmpv6.data, Uint8Array.of(0xde, 0xad, 0xbe));
  assert.equal(d.icmpv6.checksumOk, true);
  assert.equal(
    describeFrame(d),
    '52:54:00:00:00:01 > 52:54:00:00:00:02, fe80::1 > fe80::2: ICMP6, echo request, id 4660, seq 1, 3 data bytes (hlim 64, plen 11)',
  );
});

test('Echo Reply from a Buffer decodes with plain Uint8Array fields', () => {
  const frame = Buffer.from(buildFrame({ ...spec, icmpv6: { type: 'echo-reply', id: 7, seq: 9 } }));
  const d = decodeFrame(frame);
  assert.ok(d.icmpv6?.type === 'echo-reply' && d.icmpv6.checksumOk);
  assert.deepEqual(d.icmpv6.data, new Uint8Array(0));
});

test('a wrong checksum is sent as asked and detected on decode', () => {
  const d = decodeFrame(buildFrame({ ...spec, icmpv6: { ...spec.icmpv6, checksum: 0xbeef } }));
  assert.equal(d.icmpv6?.checksum, 0xbeef);
  assert.equal(d.icmpv6?.checksumOk, false);
  assert.deepEqual(d.errors, ['icmpv6: bad checksum 0xbeef']);
  assert.match(describeFrame(d), /\[bad cksum\]/);
});

test('a flipped payload bit breaks the checksum', () => {
  const frame = buildFrame(spec);
  frame[frame.length - 1]! ^= 0x01;
  assert.equal(decodeFrame(frame).icmpv6?.checksumOk, false);
});
