import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEspPacket, decodeEspFrame, decodeEspPacket, PADDING_NOT_MONOTONIC, type EspFaults } from '../src/index.js';
import { garbage, saPair } from './helpers.js';

const echo = { icmpv6: { type: 'echo-request' as const, id: 1, seq: 1, data: new Uint8Array(Buffer.from('PadLen is Zero')) } };

function sendWith(esp: EspFaults, enc: 'aes-cbc' | '3des-cbc' | 'null' = 'aes-cbc') {
  const [sender, receiver] = saPair(enc, 'hmac-sha1-96');
  return decodeEspPacket(buildEspPacket({ sa: sender, upper: echo, esp }), receiver);
}

test('a wrong SPI is sent as asked and reported; nothing is opened', () => {
  const d = sendWith({ spi: 0x9999 });
  assert.equal(d.esp?.spi, 0x9999);
  assert.equal(d.esp?.spiMatches, false);
  assert.equal(d.esp?.decrypted, false);
  assert.deepEqual(d.errors, ["esp: SPI 0x00009999 is not the SA's 0x00001000"]);
});

test('a corrupted or replaced ICV fails authentication', () => {
  const corrupted = sendWith({ corruptIcv: true });
  assert.equal(corrupted.esp?.authenticated, false);
  assert.deepEqual(corrupted.errors, ['esp: ICV does not match (hmac-sha1-96)']);
  assert.ok(corrupted.inner?.icmpv6, 'still decrypted, so the report can say what it carried');
  assert.equal(sendWith({ icv: new Uint8Array(12) }).esp?.authenticated, false);
});

test('a flipped ciphertext bit fails authentication', () => {
  const [sender, receiver] = saPair('3des-cbc', 'hmac-sha2-256-128');
  const packet = buildEspPacket({ sa: sender, upper: echo });
  packet[40 + 8 + 8 + 3]! ^= 0x10;
  assert.equal(decodeEspPacket(packet, receiver).esp?.authenticated, false);
});

test('non-monotonic padding (3DES): authenticated, but listed', () => {
  const d = sendWith({ padding: Uint8Array.of(1, 2, 9, 4, 5, 6, 7, 8) }, '3des-cbc');
  assert.equal(d.esp?.authenticated, true);
  assert.equal(d.esp?.paddingMonotonic, false);
  assert.deepEqual(d.errors, [PADDING_NOT_MONOTONIC]);
});

test('a wrong Pad Length field: too large is an error, too small shows as bad padding and a broken inner packet', () => {
  const tooLarge = sendWith({ padLengthField: 250 }, '3des-cbc');
  assert.deepEqual(tooLarge.errors, ['esp: pad length 250 exceeds the 22 decrypted bytes before the trailer']);
  assert.equal(tooLarge.inner, undefined);
  // 22 bytes of Echo Request + 0 padding + 2 = 24; claim 1 byte of padding: the last data byte is taken for padding.
  const tooSmall = sendWith({ padLengthField: 1 }, '3des-cbc');
  assert.equal(tooSmall.esp?.padLength, 1);
  assert.equal(tooSmall.esp?.paddingMonotonic, false);
  assert.ok(tooSmall.errors.includes('inner icmpv6: bad checksum 0x' + tooSmall.inner?.icmpv6?.checksum.toString(16).padStart(4, '0')), tooSmall.errors.join('; '));
});

test('a wrong Next Header is carried through and breaks the inner packet', () => {
  const d = sendWith({ nextHeader: 17 });
  assert.equal(d.esp?.nextHeader, 17);
  assert.equal(d.esp?.authenticated, true);
  assert.ok(d.inner?.udp);
  assert.ok(d.errors.some((e) => e.startsWith('inner udp:')), d.errors.join('; '));
});

test('opening with the wrong keys fails authentication (and NULL integrity cannot notice)', () => {
  const [sender] = saPair('aes-cbc', 'hmac-sha1-96');
  const [, other] = saPair('aes-cbc', 'hmac-sha1-96', { integrity: { algorithm: 'hmac-sha1-96', key: new Uint8Array(20).fill(7) } });
  assert.equal(decodeEspPacket(buildEspPacket({ sa: sender, upper: echo }), other).esp?.authenticated, false);
  const [plainSender] = saPair('aes-cbc', 'null');
  const [, plainOther] = saPair('aes-cbc', 'null', { encryption: { algorithm: 'aes-cbc', key: new Uint8Array(16) } });
  const d = decodeEspPacket(buildEspPacket({ sa: plainSender, upper: echo }), plainOther);
  assert.equal(d.esp?.icvChecked, false);
  assert.ok(d.errors.length > 0, 'garbage after decryption shows as trailer or inner errors');
});

test('truncations of an ESP packet decode without throwing and report an error', () => {
  const [sender, receiver] = saPair('aes-cbc', 'hmac-sha1-96');
  const packet = buildEspPacket({ sa: sender, upper: echo });
  for (let len = 0; len < packet.length; len++) {
    const d = decodeEspPacket(packet.subarray(0, len), receiver);
    assert.ok(d.errors.length > 0, `length ${len} reported no error`);
  }
});

test('absurd lengths: payload length beyond the packet, a packet of only SPI and sequence number', () => {
  const [sender, receiver] = saPair('3des-cbc', 'hmac-sha1-96');
  const packet = buildEspPacket({ sa: sender, upper: echo });
  const lying = new Uint8Array(packet);
  lying[4] = 0xff;
  lying[5] = 0xff;
  const d = decodeEspPacket(lying, receiver);
  assert.ok(d.errors[0]?.startsWith('ipv6: payload length 65535 exceeds frame'));
  const short = decodeEspPacket(packet.subarray(0, 48), receiver);
  assert.deepEqual(short.errors.slice(-1), ['esp: 8 bytes leave no room for IV (8), trailer (2) and ICV (12)']);
});

test('random bytes never throw: as an IPv6 packet, as ESP after a good header, as a frame', () => {
  const [sender, receiver] = saPair('aes-ctr', 'aes-xcbc-mac-96');
  const header = buildEspPacket({ sa: sender, upper: echo }).subarray(0, 48);
  let n = 0;
  for (const junk of garbage(0x1234567, 3000, 200)) {
    decodeEspPacket(junk, receiver);
    decodeEspFrame(junk, receiver);
    const withHeader = new Uint8Array(header.length + junk.length);
    withHeader.set(header);
    withHeader.set(junk, header.length);
    withHeader[4] = (junk.length + 8) >> 8;
    withHeader[5] = (junk.length + 8) & 0xff;
    const d = decodeEspPacket(withHeader, receiver);
    assert.equal(d.esp?.spiMatches, true);
    if (d.esp?.authenticated) n++;
  }
  assert.equal(n, 0, 'no random ICV authenticates');
  for (const sa of [saPair('3des-cbc', 'null')[1], saPair('null', 'null')[1], saPair('camellia-cbc', 'hmac-md5-96')[1]]) {
    for (const junk of garbage(42, 500, 120)) {
      const withHeader = new Uint8Array([...header.subarray(0, 40), 0, 0, 0x10, 0, ...junk]);
      decodeEspPacket(withHeader, sa);
    }
  }
});
