import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildIpv6Packet, decodeIpv6Packet, fromHex, hex, parseIpv6 } from '@testlab/packet';
import { ahIcvFieldLength, ahIcvInput, asciiKey, buildAhPacket, createSa, verifyAhPacket, type IntegrityAlgorithm, type SaSpec } from '../src/index.js';
import { garbage, HOST1, NUT, SGW_OUTER, authKeys } from './helpers.js';

function ahSa(algorithm: Exclude<IntegrityAlgorithm, 'null'> = 'hmac-sha1-96', extra: Partial<SaSpec> = {}) {
  return createSa({ protocol: 'ah', spi: 0x2000, mode: 'transport', src: HOST1, dst: NUT, integrity: { algorithm, key: authKeys[algorithm] }, ...extra });
}

const echo = { icmpv6: { type: 'echo-request' as const, id: 9, seq: 1, data: new Uint8Array(Buffer.from('AH test')) } };

test('the ICV field is padded so AH is a multiple of 8 octets for IPv6', () => {
  assert.equal(ahIcvFieldLength(12), 12);
  assert.equal(ahIcvFieldLength(16), 20);
  const d = verifyAhPacket(buildAhPacket({ sa: ahSa('hmac-sha2-256-128'), upper: echo }), ahSa('hmac-sha2-256-128'));
  assert.deepEqual(d.errors, []);
  const ah = d.packet.extensionHeaders[0]!;
  assert.ok(ah.type === 'ah');
  assert.equal(ah.length, 32);
  assert.equal(ah.payloadLen, 6);
  assert.deepEqual(ah.icv.subarray(16), new Uint8Array(4), 'zero padding after the 16-byte ICV');
});

for (const algorithm of ['hmac-sha1-96', 'hmac-sha2-256-128', 'hmac-md5-96', 'aes-xcbc-mac-96'] as const) {
  test(`transport AH ${algorithm}: round trip, and the upper layer decodes through AH`, () => {
    const d = verifyAhPacket(buildAhPacket({ sa: ahSa(algorithm), upper: echo }), ahSa(algorithm));
    assert.deepEqual(d.errors, []);
    assert.equal(d.authenticated, true);
    assert.equal(d.seq, 1);
    assert.equal(d.packet.ipv6?.nextHeader, 51);
    assert.ok(d.packet.icmpv6?.type === 'echo-request' && d.packet.icmpv6.checksumOk);
  });
}

test('tunnel AH: the inner packet is covered whole and decoded', () => {
  const sa = ahSa('hmac-sha1-96', { mode: 'tunnel', src: SGW_OUTER });
  const packet = buildAhPacket({ sa, innerPacket: { ipv6: { src: HOST1, dst: NUT, hopLimit: 7 }, ...echo } });
  const d = verifyAhPacket(packet, ahSa('hmac-sha1-96', { mode: 'tunnel', src: SGW_OUTER }));
  assert.deepEqual(d.errors, []);
  assert.equal(d.packet.ipv6?.src, SGW_OUTER);
  assert.equal(d.inner?.ipv6?.hopLimit, 7);
  // The inner hop limit is not mutable for the outer AH: changing it breaks the ICV.
  const changed = new Uint8Array(packet);
  changed[40 + 24 + 7] = 6;
  assert.equal(verifyAhPacket(changed, sa).authenticated, false);
});

test('mutable fields may change in transit; immutable ones may not (RFC 4302 §3.3.3.1)', () => {
  const sa = ahSa();
  const packet = buildAhPacket({
    sa,
    ipv6: { trafficClass: 0x20, flowLabel: 0x12345, hopLimit: 64 },
    extensionHeaders: [{ type: 'hop-by-hop', options: [{ type: 0x3e, data: Uint8Array.of(1, 2) }, { type: 0x1e, data: Uint8Array.of(3, 4) }] }],
    upper: echo,
  });
  assert.equal(verifyAhPacket(packet, sa).authenticated, true);
  const inTransit = new Uint8Array(packet);
  inTransit[0] = 0x6f; // traffic class
  inTransit[3] = 0x99; // flow label
  inTransit[7] = 1; // hop limit
  inTransit[44] = 0xaa; // data of option 0x3e, which has the may-change bit 0x20
  assert.equal(verifyAhPacket(inTransit, sa).authenticated, true);
  for (const [at, what] of [[48, 'data of option 0x1e (no may-change bit)'], [6 + 2, 'source address'], [inTransit.length - 1, 'ICMPv6 data']] as const) {
    const broken = new Uint8Array(packet);
    broken[at]! ^= 0x01;
    assert.equal(verifyAhPacket(broken, sa).authenticated, false, what);
  }
});

test('the ICV input is the packet with mutable fields and the ICV zeroed, by hand', () => {
  const sa = ahSa();
  const packet = buildAhPacket({ sa, ipv6: { trafficClass: 0xff, flowLabel: 0xfffff, hopLimit: 255 }, upper: { payload: { nextHeader: 59, bytes: new Uint8Array(0) } } });
  const expected =
    '60000000' + '0018' + '33' + '00' + hex(parseIpv6(HOST1)) + hex(parseIpv6(NUT)) +
    '3b' + '04' + '0000' + '00002000' + '00000001' + '00'.repeat(12);
  assert.equal(hex(ahIcvInput(packet, 40, 12)), expected);
});

test('a routing header is covered as the destination will see it (RFC 4302 §3.3.3.1.2.2)', () => {
  const sa = ahSa();
  const via = '3ffe:501:ffff:300::1';
  const route = (segmentsLeft: number, list: string) => ({ type: 'routing' as const, routingType: 0, segmentsLeft, data: fromHex('00000000' + hex(parseIpv6(list))) });
  // Sent to the intermediate node, with the final destination in the list ...
  const sent = buildAhPacket({ sa, ipv6: { dst: via }, extensionHeaders: [route(1, NUT)], upper: { payload: { nextHeader: 59, bytes: new Uint8Array(0) } } });
  assert.equal(verifyAhPacket(sent, sa).authenticated, true);
  // ... and as it arrives: destination swapped with the list, Segments Left 0.
  const arrived = new Uint8Array(sent);
  arrived.set(parseIpv6(NUT), 24);
  arrived.set(parseIpv6(via), 48);
  arrived[43] = 0;
  assert.equal(decodeIpv6Packet(arrived).ipv6?.dst, NUT);
  assert.equal(verifyAhPacket(arrived, sa).authenticated, true);
  assert.equal(hex(ahIcvInput(sent, 64, 12)), hex(ahIcvInput(arrived, 64, 12)));
});

test('deliberate faults are sent and detected', () => {
  const sa = ahSa();
  const send = (ah: object) => verifyAhPacket(buildAhPacket({ sa, upper: echo, ah }), ahSa());
  assert.deepEqual(send({ corruptIcv: true }).ahErrors, ['ah: ICV does not match (hmac-sha1-96)']);
  assert.equal(send({ icv: new Uint8Array(12) }).authenticated, false);
  assert.deepEqual(send({ spi: 0x2001 }).ahErrors, ["ah: SPI 0x00002001 is not the SA's 0x00002000"]);
  assert.equal(send({ seq: 42 }).seq, 42);
  const shortIcv = send({ icv: new Uint8Array(4) });
  assert.deepEqual(shortIcv.ahErrors, ["ah: ICV field is 4 bytes, shorter than hmac-sha1-96's 12"]);
  const badLength = send({ payloadLen: 5 });
  assert.ok(badLength.errors.length > 0 && !badLength.authenticated, badLength.errors.join('; '));
  assert.equal(send({ reserved: 0xbeef }).authenticated, true, 'Reserved is covered as sent, so it still verifies');
  const wrongNext = send({ nextHeader: 17 });
  assert.ok(wrongNext.errors.some((e) => e.startsWith('udp:')), wrongNext.errors.join('; '));
});

test('AH SAs need integrity and take no encryption', () => {
  assert.throws(() => createSa({ protocol: 'ah', spi: 0x2000, mode: 'transport', src: HOST1, dst: NUT }), /AH needs an integrity algorithm/);
  assert.throws(
    () => createSa({ protocol: 'ah', spi: 0x2000, mode: 'transport', src: HOST1, dst: NUT, encryption: { algorithm: 'aes-cbc', key: asciiKey('ipv6readaescin01') }, integrity: { algorithm: 'hmac-md5-96', key: authKeys['hmac-md5-96'] } }),
    /AH does not encrypt/,
  );
});

test('garbage never throws, truncations report errors', () => {
  const sa = ahSa();
  const packet = buildAhPacket({ sa, upper: echo });
  for (let len = 0; len < packet.length; len++) assert.ok(verifyAhPacket(packet.subarray(0, len), sa).errors.length > 0, `length ${len}`);
  for (const junk of garbage(99, 2000, 160)) {
    verifyAhPacket(junk, sa);
    const withAh = new Uint8Array([...packet.subarray(0, 52), ...junk]);
    withAh[4] = (12 + junk.length) >> 8;
    withAh[5] = (12 + junk.length) & 0xff;
    assert.equal(verifyAhPacket(withAh, sa).authenticated, false);
  }
  assert.deepEqual(verifyAhPacket(buildIpv6Packet({ ipv6: { src: HOST1, dst: NUT }, ...echo }), sa).ahErrors, ['ah: the packet carries no AH']);
});
