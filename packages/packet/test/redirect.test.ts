// Redirect messages (RFC 4861 §4.5, §4.6.3) as the Redirect cases send and receive them: every field and
// option round-trips, wrong values are sent as asked, and what is cut short decodes without throwing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFrame, decodeFrame, type FrameSpec } from '../src/index.js';

const tr1 = { mac: '00:00:00:00:a0:a0', ip: 'fe80::200:ff:fe00:a0a0' };
const nut = { mac: '52:54:00:00:00:01', ip: '3ffe:501:ffff:100:5054:ff:fe00:1' };
const quoted = Uint8Array.from({ length: 45 }, (_, i) => i + 1);

const redirect = (over: Partial<Extract<NonNullable<FrameSpec['icmpv6']>, { type: 'redirect' }>> = {}): FrameSpec => ({
  eth: { src: tr1.mac, dst: nut.mac },
  ipv6: { src: tr1.ip, dst: nut.ip },
  icmpv6: {
    type: 'redirect',
    target: 'fe80::200:ff:fe00:a1a1',
    destination: '3ffe:501:ffff:109::5',
    options: [
      { type: 'target-lla', mac: '00:00:00:00:a1:a1' },
      { type: 'other', optionType: 255, body: Uint8Array.of(0x01, 0x23, 0x45, 0x67, 0x89, 0xab) },
      { type: 'redirected-header', packet: quoted },
    ],
    ...over,
  },
});

test('a Redirect round-trips with hop limit 255, a non-zero Reserved field and its three kinds of option', () => {
  const frame = buildFrame(redirect({ reserved: 1 }));
  const d = decodeFrame(frame);
  assert.deepEqual(d.errors, []);
  assert.equal(d.ipv6?.hopLimit, 255);
  const m = d.icmpv6;
  assert.ok(m?.type === 'redirect');
  assert.equal(m.checksumOk, true);
  assert.equal(m.reserved, 1);
  assert.equal(m.target, 'fe80::200:ff:fe00:a1a1');
  assert.equal(m.destination, '3ffe:501:ffff:109::5');
  assert.deepEqual(m.options.map((o) => o.type), ['target-lla', 'other', 'redirected-header']);
  // The Redirected Header: type 4, length in 8-octet units, 6 reserved octets, the packet zero-padded to 8n.
  const rh = m.options[2]!;
  assert.ok(rh.type === 'redirected-header');
  assert.equal(rh.length, 7);
  assert.deepEqual(rh.packet.subarray(0, quoted.length), quoted);
  assert.deepEqual([...rh.packet.subarray(quoted.length)], [0, 0, 0]);
  assert.equal(d.ipv6?.payloadLength, 40 + 8 + 8 + 56);
});

test('a Redirect with a wrong code, checksum and hop limit is sent as asked', () => {
  const spec = redirect({ code: 1, checksum: 0x0bad });
  const d = decodeFrame(buildFrame({ ...spec, ipv6: { ...spec.ipv6!, hopLimit: 254 } }));
  assert.ok(d.icmpv6?.type === 'redirect');
  assert.equal(d.icmpv6.code, 1);
  assert.equal(d.icmpv6.checksum, 0x0bad);
  assert.equal(d.icmpv6.checksumOk, false);
  assert.equal(d.ipv6?.hopLimit, 254);
});

test('a Redirect cut to 39 octets decodes as type 137 "other", with the cut named and the rest as trailer', () => {
  const whole = buildFrame(redirect()).subarray(14 + 40);
  const d = decodeFrame(buildFrame({ ...redirect(), icmpv6: { type: 'other', icmpType: 137, body: whole.slice(4, 39) }, trailer: whole.slice(39) }));
  assert.equal(d.ipv6?.payloadLength, 39);
  assert.ok(d.icmpv6?.type === 'other');
  assert.equal(d.icmpv6.icmpType, 137);
  assert.equal(d.icmpv6.checksumOk, true);
  assert.match(d.errors.join('; '), /type 137 truncated \(35 of at least 36 bytes/);
  assert.equal(d.trailer?.length, whole.length - 39);
});

test('a Redirect whose option has length 0 decodes up to it, with the error named', () => {
  const d = decodeFrame(buildFrame(redirect({ options: [{ type: 'target-lla', mac: '00:00:00:00:a1:a1', length: 0 }] })));
  assert.ok(d.icmpv6?.type === 'redirect');
  assert.deepEqual(d.icmpv6.options, []);
  assert.match(d.errors.join('; '), /nd option type 2: length 0/);
});
