import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFrame, buildIpv6Packet, decodeFrame, describeFrame } from '../src/index.js';

const eth = { src: '52:54:00:00:00:01', dst: '52:54:00:00:00:aa' };
const nutToTester = { src: 'fe80::1', dst: 'fe80::aa' };
const offending = buildIpv6Packet({
  ipv6: { src: 'fe80::aa', dst: 'fe80::1', hopLimit: 1 },
  extensionHeaders: [{ type: 'destination-options', options: [{ type: 0x80, data: new Uint8Array(4) }] }],
  icmpv6: { type: 'echo-request', id: 42, seq: 7, data: new Uint8Array(16) },
});

test('Parameter Problem carries code and pointer and decodes the invoking packet', () => {
  const d = decodeFrame(buildFrame({ eth, ipv6: nutToTester, icmpv6: { type: 'parameter-problem', code: 2, pointer: 42, invoking: offending } }));
  assert.deepEqual(d.errors, []);
  assert.ok(d.icmpv6?.type === 'parameter-problem' && d.icmpv6.checksumOk);
  assert.equal(d.icmpv6.code, 2);
  assert.equal(d.icmpv6.pointer, 42);
  assert.deepEqual(d.icmpv6.invoking, offending);
  const inner = d.icmpv6.invokingPacket;
  assert.deepEqual(inner.errors, []);
  assert.equal(inner.ipv6?.src, 'fe80::aa');
  assert.equal(inner.extensionHeaders[0]?.type, 'destination-options');
  // The pointer of a real Parameter Problem counts from the invoking IPv6 header, as `offset` does.
  assert.equal(inner.extensionHeaders[0]?.offset, 40);
  assert.ok(inner.icmpv6?.type === 'echo-request' && inner.icmpv6.checksumOk);
  assert.equal(inner.icmpv6.id, 42);
  assert.equal(
    describeFrame(d),
    '52:54:00:00:00:01 > 52:54:00:00:00:aa, fe80::1 > fe80::aa: ICMP6, parameter problem code 2, pointer 42 (for fe80::aa > fe80::1 ICMP6, echo request, id 42, seq 7, 16 data bytes) (hlim 64, plen 80)',
  );
});

test('a cut-short invoking packet keeps its errors to itself', () => {
  const d = decodeFrame(buildFrame({ eth, ipv6: nutToTester, icmpv6: { type: 'time-exceeded', invoking: offending.subarray(0, 56) } }));
  assert.deepEqual(d.errors, []);
  assert.ok(d.icmpv6?.type === 'time-exceeded');
  assert.deepEqual(d.icmpv6.invokingPacket.errors, [
    'ipv6: payload length 32 exceeds frame (16 bytes left)',
    'icmpv6: bad checksum ' + `0x${d.icmpv6.invokingPacket.icmpv6?.checksum.toString(16).padStart(4, '0')}`,
  ]);
});

test('Packet Too Big and Destination Unreachable', () => {
  const ptb = decodeFrame(buildFrame({ eth, ipv6: nutToTester, icmpv6: { type: 'packet-too-big', mtu: 1280, invoking: offending } }));
  assert.ok(ptb.icmpv6?.type === 'packet-too-big' && ptb.icmpv6.checksumOk);
  assert.equal(ptb.icmpv6.mtu, 1280);
  const du = decodeFrame(buildFrame({ eth, ipv6: nutToTester, icmpv6: { type: 'destination-unreachable', code: 4, invoking: new Uint8Array(10) } }));
  assert.ok(du.icmpv6?.type === 'destination-unreachable' && du.icmpv6.checksumOk);
  assert.equal(du.icmpv6.code, 4);
  assert.deepEqual(du.icmpv6.invokingPacket.errors, ['ipv6: truncated (10 of 40 bytes)']);
  assert.deepEqual(du.errors, []);
});

test('errors quoting errors stop at a fixed depth', () => {
  let packet = offending;
  for (let i = 0; i < 8; i++) {
    packet = buildIpv6Packet({ ipv6: nutToTester, icmpv6: { type: 'time-exceeded', invoking: packet } });
  }
  let d = decodeFrame(buildFrame({ eth, ipv6: nutToTester, icmpv6: { type: 'time-exceeded', invoking: packet } })) as { icmpv6?: unknown };
  let depth = 0;
  for (;;) {
    const m = d.icmpv6 as { invokingPacket?: { icmpv6?: unknown; errors: string[] } } | undefined;
    if (!m?.invokingPacket) break;
    d = m.invokingPacket;
    depth++;
  }
  assert.equal(depth, 4);
  assert.deepEqual((d as { errors: string[] }).errors, ['quoted packet nested too deep, not decoded']);
});
