import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFrame } from '@testlab/packet';
import { buildAhPacket, buildEspPacket, createSa, InboundSa, type EspFaults } from '../src/index.js';
import { authKeys, garbage, HOST1, NUT, saPair } from './helpers.js';

const echo = { icmpv6: { type: 'echo-reply' as const, id: 1, seq: 1 } };

/** A NUT's outbound SA and the tester's judge for it. */
function nutAndJudge(window?: number, integrity: 'hmac-sha1-96' | 'null' = 'hmac-sha1-96') {
  const [nut, judged] = saPair('3des-cbc', integrity, { src: NUT, dst: HOST1, ...(window === undefined ? {} : { replayWindow: window }) });
  return { nut, judge: new InboundSa(judged), send: (esp: EspFaults = {}) => buildEspPacket({ sa: nut, upper: echo, esp }) };
}

test('a NUT counting 1, 2, 3 is accepted in order', () => {
  const { judge, send } = nutAndJudge();
  for (const seq of [1, 2, 3]) {
    const v = judge.receivePacket(send());
    assert.equal(v.accepted, true, v.reasons.join('; '));
    assert.equal(v.seq, seq);
    assert.equal(v.expectedSeq, seq);
    assert.equal(v.seqInOrder, true);
    assert.equal(v.replay, 'new');
    assert.ok(v.inner?.icmpv6?.type === 'echo-reply');
  }
});

test('a first packet with sequence number 2, a skip and a step back are flagged but accepted', () => {
  const { judge, send } = nutAndJudge();
  const first = judge.receivePacket(send({ seq: 2 }));
  assert.equal(first.accepted, true);
  assert.equal(first.seqInOrder, false);
  assert.equal(first.expectedSeq, 1);
  const skip = judge.receivePacket(send({ seq: 5 }));
  assert.equal(skip.expectedSeq, 3);
  assert.equal(skip.seqInOrder, false);
  const back = judge.receivePacket(send({ seq: 4 }));
  assert.equal(back.accepted, true, 'inside the window, not seen');
  assert.equal(back.replay, 'in-window');
  assert.equal(back.seqInOrder, false);
});

test('a replayed packet is rejected; a too-old one too', () => {
  const { judge, send } = nutAndJudge(32);
  const packet = send();
  assert.equal(judge.receivePacket(packet).accepted, true);
  const again = judge.receivePacket(packet);
  assert.equal(again.accepted, false);
  assert.equal(again.replay, 'duplicate');
  assert.deepEqual(again.reasons, ['replay: sequence number 1 is duplicate']);
  judge.receivePacket(send({ seq: 100 }));
  const old = judge.receivePacket(send({ seq: 68 }));
  assert.equal(old.replay, 'too-old');
  assert.equal(old.accepted, false);
  assert.equal(judge.receivePacket(send({ seq: 69 })).accepted, true, 'the window\'s last slot');
});

test('the window moves only for authenticated packets', () => {
  const { judge, send } = nutAndJudge(32);
  const forged = judge.receivePacket(send({ seq: 1000, corruptIcv: true }));
  assert.equal(forged.accepted, false);
  assert.deepEqual(forged.reasons, ['esp: ICV does not match (hmac-sha1-96)']);
  assert.equal(forged.replay, 'new');
  const genuine = judge.receivePacket(send({ seq: 1 }));
  assert.equal(genuine.accepted, true, 'a forged high number must not push 1 out of the window');
  assert.equal(genuine.expectedSeq, 1, 'nor count as the last accepted');
});

test('wrong SPI, dummy packets and frames that are not IPv6 are not accepted, with reasons', () => {
  const { judge, send } = nutAndJudge();
  assert.deepEqual(judge.receivePacket(send({ spi: 0x4242 })).reasons, ["esp: SPI 0x00004242 is not the SA's 0x00001000"]);
  const [nut] = saPair('3des-cbc', 'hmac-sha1-96', { src: NUT, dst: HOST1 });
  const dummy = judge.receivePacket(buildEspPacket({ sa: nut, upper: { payload: { nextHeader: 59, bytes: new Uint8Array(8) } } }));
  assert.equal(dummy.accepted, false);
  assert.deepEqual(dummy.reasons, ['esp: dummy packet (Next Header 59), dropped by design']);
  // The same with a broken ICV: what decrypted is not to be read as a dummy (a wrong key decrypts to garbage
  // whose Next Header is 59 one time in 256); the ICV is the reason.
  const forged = judge.receivePacket(buildEspPacket({ sa: nut, upper: { payload: { nextHeader: 59, bytes: new Uint8Array(8) } }, esp: { corruptIcv: true } }));
  assert.equal(forged.accepted, false);
  assert.deepEqual(forged.reasons, ['esp: ICV does not match (hmac-sha1-96)']);
  const arp = judge.receiveFrame(buildFrame({ eth: { src: '52:54:00:00:00:01', dst: '52:54:00:00:00:02', ethertype: 0x0806 }, payload: { bytes: new Uint8Array(28) } }));
  assert.deepEqual(arp.reasons, ['ethernet: ethertype 0x0806 is not IPv6']);
  const framed = judge.receiveFrame(buildFrame({ eth: { src: '52:54:00:00:00:01', dst: '52:54:00:00:00:02' }, payload: { bytes: send() } }));
  assert.equal(framed.accepted, true, framed.reasons.join('; '));
});

test('non-monotonic padding is a note, not a reason to drop', () => {
  const { judge, send } = nutAndJudge();
  const v = judge.receivePacket(send({ padding: Uint8Array.of(6, 5, 4, 3, 2, 1) }));
  assert.equal(v.accepted, true);
  assert.deepEqual(v.notes, ['esp: padding is not 1, 2, 3, ... (RFC 4303 §2.4)']);
});

test('without integrity there is no replay check (RFC 4303 §3.4.3), order is still judged', () => {
  const { judge, send } = nutAndJudge(undefined, 'null');
  const packet = send();
  assert.equal(judge.receivePacket(packet).accepted, true);
  const again = judge.receivePacket(packet);
  assert.equal(again.accepted, true);
  assert.equal(again.replay, undefined);
  assert.equal(again.seqInOrder, false);
});

test('AH SAs are judged the same way', () => {
  const spec = { protocol: 'ah' as const, spi: 0x3000, mode: 'transport' as const, src: NUT, dst: HOST1, integrity: { algorithm: 'hmac-md5-96' as const, key: authKeys['hmac-md5-96'] } };
  const nut = createSa(spec);
  const judge = new InboundSa(createSa(spec));
  const packet = buildAhPacket({ sa: nut, upper: echo });
  const v = judge.receivePacket(packet);
  assert.equal(v.accepted, true, v.reasons.join('; '));
  assert.ok(v.inner?.icmpv6?.type === 'echo-reply');
  assert.equal(judge.receivePacket(packet).replay, 'duplicate');
  assert.equal(judge.receivePacket(buildAhPacket({ sa: nut, upper: echo, ah: { corruptIcv: true } })).accepted, false);
});

test('garbage is judged, never thrown', () => {
  const { judge } = nutAndJudge();
  for (const junk of garbage(7, 2000, 150)) {
    assert.equal(judge.receivePacket(junk).accepted, false);
    assert.equal(judge.receiveFrame(junk).accepted, false);
  }
});

test('a mode other than the SA\'s is a note; the test case decides what it means', () => {
  const [nut, judged] = saPair('aes-cbc', 'hmac-sha1-96', { mode: 'tunnel', src: NUT, dst: HOST1 });
  const v = new InboundSa(judged).receivePacket(buildEspPacket({ sa: nut, upper: echo }));
  assert.equal(v.accepted, true);
  assert.deepEqual(v.notes, ['esp: the SA is in tunnel mode, but ESP carries protocol 58']);
  assert.equal(v.esp?.mode, 'transport');
});
