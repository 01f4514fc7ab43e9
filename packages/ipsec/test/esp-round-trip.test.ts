import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hex } from '@testlab/packet';
import { buildEspPacket, decodeEspPacket, encryptionTransforms, integrityTransforms, type EncryptionAlgorithm, type IntegrityAlgorithm } from '../src/index.js';
import { HOST1, NUT, SGW_OUTER, saPair } from './helpers.js';

const echoData = new Uint8Array(Buffer.from('PadLen is Zero'));
const encryptions = Object.keys(encryptionTransforms) as EncryptionAlgorithm[];
const integrities = Object.keys(integrityTransforms) as IntegrityAlgorithm[];

for (const enc of encryptions) {
  for (const integ of integrities) {
    test(`transport ${enc} + ${integ}: Echo Request round trip`, () => {
      const [sender, receiver] = saPair(enc, integ);
      const packet = buildEspPacket({ sa: sender, upper: { icmpv6: { type: 'echo-request', id: 1, seq: 7, data: echoData } } });
      assert.equal(sender.lastSentSeq, 1);
      const d = decodeEspPacket(packet, receiver);
      assert.deepEqual(d.errors, []);
      assert.equal(d.outer.ipv6?.src, HOST1);
      assert.equal(d.outer.ipv6?.nextHeader, 50);
      assert.equal(d.esp?.seq, 1);
      assert.equal(d.esp?.authenticated, integ !== 'null');
      assert.equal(d.esp?.icvChecked, integ !== 'null');
      assert.equal(d.esp?.nextHeader, 58);
      assert.equal(d.esp?.paddingMonotonic, true);
      assert.equal(d.mode, 'transport');
      assert.ok(d.inner?.icmpv6?.type === 'echo-request');
      assert.equal(d.inner.icmpv6.checksumOk, true, 'checksum over the outer addresses');
      assert.deepEqual(d.inner.icmpv6.data, echoData);
      assert.equal(d.inner.ipv6?.payloadLength, 8 + echoData.length, 'ESP removed, payload length rebuilt');
      // The trailer aligns to the cipher block (8 for 3DES, 16 for AES/Camellia CBC) or to 4.
      const align = encryptionTransforms[enc].alignment;
      assert.equal((8 + echoData.length + d.esp.padding!.length + 2) % align, 0);
      assert.ok(d.esp.padding!.length < align, 'the fewest padding bytes');
      if (enc !== 'null') assert.ok(!hex(packet).includes(hex(echoData)), 'the data does not travel in the clear');
    });
  }
}

test('tunnel mode: the inner packet is carried whole, outer addresses from the SA', () => {
  const [sender, receiver] = saPair('3des-cbc', 'hmac-sha1-96', { mode: 'tunnel', src: SGW_OUTER, dst: NUT });
  const packet = buildEspPacket({
    sa: sender,
    innerPacket: { ipv6: { src: HOST1, dst: NUT, hopLimit: 63 }, icmpv6: { type: 'echo-request', id: 2, seq: 3, data: echoData } },
  });
  const d = decodeEspPacket(packet, receiver);
  assert.deepEqual(d.errors, []);
  assert.equal(d.outer.ipv6?.src, SGW_OUTER);
  assert.equal(d.esp?.nextHeader, 41);
  assert.equal(d.mode, 'tunnel');
  assert.equal(d.inner?.ipv6?.src, HOST1);
  assert.equal(d.inner?.ipv6?.hopLimit, 63);
  assert.ok(d.inner?.icmpv6?.type === 'echo-request' && d.inner.icmpv6.checksumOk);
  assert.equal(d.tfcPadding, undefined);
});

test('tunnel mode with TFC padding: the inner packet ends where its length says, the rest is reported', () => {
  const [sender, receiver] = saPair('aes-cbc', 'hmac-sha2-256-128', { mode: 'tunnel' });
  const packet = buildEspPacket({
    sa: sender,
    innerPacket: { ipv6: { src: HOST1, dst: NUT }, udp: { srcPort: 5000, dstPort: 7, data: echoData } },
    esp: { tfcPadding: 100 },
  });
  const d = decodeEspPacket(packet, receiver);
  assert.deepEqual(d.errors, []);
  assert.equal(d.tfcPadding?.length, 100);
  assert.deepEqual(d.inner?.udp?.data, echoData);
});

test('transport mode keeps clear headers before ESP and protects those after it', () => {
  const [sender, receiver] = saPair('aes-ctr', 'aes-xcbc-mac-96');
  const packet = buildEspPacket({
    sa: sender,
    extensionHeaders: [{ type: 'hop-by-hop', options: [{ type: 5, data: Uint8Array.of(0, 0) }] }],
    upper: { extensionHeaders: [{ type: 'destination-options' }], udp: { srcPort: 1, dstPort: 2, data: echoData } },
  });
  const d = decodeEspPacket(packet, receiver);
  assert.deepEqual(d.errors, []);
  assert.deepEqual(d.outer.extensionHeaders.map((h) => h.type), ['hop-by-hop']);
  assert.equal(d.esp?.nextHeader, 60, 'destination options travel inside ESP');
  assert.deepEqual(d.inner?.extensionHeaders.map((h) => h.type), ['hop-by-hop', 'destination-options']);
  assert.ok(d.inner?.udp?.checksumOk);
});

test('sequence numbers: 1, 2, 3 from the SA, an explicit one does not move the counter', () => {
  const [sender, receiver] = saPair('null', 'hmac-md5-96');
  const seqs = [undefined, undefined, 77, undefined].map((seq) => decodeEspPacket(buildEspPacket({ sa: sender, upper: { payload: { bytes: echoData } }, esp: { seq } }), receiver).esp?.seq);
  assert.deepEqual(seqs, [1, 2, 77, 3]);
  sender.lastSentSeq = 0xffffffff;
  assert.throws(() => buildEspPacket({ sa: sender, upper: { payload: { bytes: echoData } } }), /would cycle past 0xffffffff/);
});

test('a dummy packet (Next Header 59) with TFC padding decodes as dummy, nothing handed up', () => {
  const [sender, receiver] = saPair('3des-cbc', 'hmac-sha1-96');
  const dummy = buildEspPacket({ sa: sender, upper: { payload: { nextHeader: 59, bytes: Uint8Array.of(0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef) } }, esp: { tfcPadding: 24 } });
  const d = decodeEspPacket(dummy, receiver);
  assert.deepEqual(d.errors, []);
  assert.equal(d.esp?.dummy, true);
  assert.equal(d.esp?.payload?.length, 8 + 24);
  assert.equal(d.inner, undefined);
});

test('TAHI-style explicit padding length 7 with sequential content keeps 3DES block alignment', () => {
  const [sender, receiver] = saPair('3des-cbc', 'hmac-sha1-96');
  // 8 (ICMPv6 header) + 7 data + 7 padding + 2 = 24: whole 8-byte blocks.
  const packet = buildEspPacket({ sa: sender, upper: { icmpv6: { type: 'echo-request', id: 1, seq: 1, data: new Uint8Array(7) } }, esp: { paddingLength: 7 } });
  const d = decodeEspPacket(packet, receiver);
  assert.deepEqual(d.errors, []);
  assert.deepEqual(d.esp?.padding, Uint8Array.of(1, 2, 3, 4, 5, 6, 7));
  assert.throws(() => buildEspPacket({ sa: sender, upper: { payload: { bytes: new Uint8Array(6) } }, esp: { iv: new Uint8Array(4) } }), /3des-cbc encrypts with 8-byte IVs, not 4 bytes/);
  assert.throws(
    () => buildEspPacket({ sa: sender, upper: { icmpv6: { type: 'echo-request', id: 1, seq: 1 } }, esp: { paddingLength: 1 } }),
    /payload 8 \+ TFC 0 \+ padding 1 \+ 2 = 11 bytes is not whole 8-byte blocks/,
  );
});

test('transport mode TFC padding after a UDP datagram is told apart by the UDP length', () => {
  const [sender, receiver] = saPair('aes-cbc', 'hmac-sha1-96');
  const d = decodeEspPacket(buildEspPacket({ sa: sender, upper: { udp: { srcPort: 9, dstPort: 9, data: echoData } }, esp: { tfcPadding: 33 } }), receiver);
  assert.deepEqual(d.errors, []);
  assert.equal(d.tfcPadding?.length, 33);
  assert.deepEqual(d.inner?.udp?.data, echoData);
});

test("a packet whose mode is not the SA's is reported", () => {
  const [sender, receiver] = saPair('aes-cbc', 'hmac-sha1-96', { mode: 'tunnel' });
  const d = decodeEspPacket(buildEspPacket({ sa: sender, upper: { icmpv6: { type: 'echo-request', id: 1, seq: 1 } } }), receiver);
  assert.deepEqual(d.errors, ['esp: the SA is in tunnel mode, but ESP carries protocol 58']);
  assert.equal(d.esp?.authenticated, true);
});
