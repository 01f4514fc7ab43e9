import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, hex } from '@testlab/packet';
import { encryptionTransforms } from '../src/index.js';

const ascii = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const counting = (from: number, n: number) => Uint8Array.from({ length: n }, (_, i) => from + i);

function roundTrip(name: keyof typeof encryptionTransforms, key: Uint8Array, iv: Uint8Array, plain: Uint8Array, cipher: string): void {
  const t = encryptionTransforms[name];
  assert.equal(hex(t.encrypt(key, iv, plain)), cipher);
  assert.deepEqual(t.decrypt(key, iv, fromHex(cipher)), plain);
}

// RFC 3602 §4, Cases #1, #2 and #4 (the plain AES-CBC cases).
test('AES-CBC-128: RFC 3602 test cases', () => {
  roundTrip('aes-cbc', fromHex('06a9214036b8a15b512e03d534120006'), fromHex('3dafba429d9eb430b422da802c9fac41'), ascii('Single block msg'), 'e353779c1079aeb82708942dbe77181a');
  roundTrip(
    'aes-cbc',
    fromHex('c286696d887c9aa0611bbb3e2025a45a'),
    fromHex('562e17996d093d28ddb3ba695a2e6f58'),
    counting(0, 32),
    'd296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1',
  );
  roundTrip(
    'aes-cbc',
    fromHex('56e47a38c5598974bc46903dba290349'),
    fromHex('8ce82eefbea0da3c44699ed7db51b7d9'),
    counting(0xa0, 64),
    'c30e32ffedc0774e6aff6af0869f71aa0f3af07a9a31a9c684db207eb0ef8e4e35907aa632c3ffdf868bb7b29d3d46ad83ce9f9a102ee99d49a53e87f4c3da55',
  );
});

// RFC 3686 §6, Test Vectors #1-#3 (128-bit key) and #4, #7 (192, 256): the ESP key is AES key + nonce.
test('AES-CTR: RFC 3686 test vectors, nonce from the last 4 key bytes', () => {
  const cases: [string, string, string, Uint8Array, string][] = [
    ['ae6852f8121067cc4bf7a5765577f39e', '00000030', '0000000000000000', ascii('Single block msg'), 'e4095d4fb7a7b3792d6175a3261311b8'],
    ['7e24067817fae0d743d6ce1f32539163', '006cb6db', 'c0543b59da48d90b', counting(0, 32), '5104a106168a72d9790d41ee8edad388eb2e1efc46da57c8fce630df9141be28'],
    ['7691be035e5020a8ac6e618529f9a0dc', '00e0017b', '27777f3f4a1786f0', counting(0, 36), 'c1cf48a89f2ffdd9cf4652e9efdb72d74540a42bde6d7836d59a5ceaaef3105325b2072f'],
    ['16af5b145fc9f579c175f93e3bfb0eed863d06ccfdb78515', '00000048', '36733c147d6d93cb', ascii('Single block msg'), '4b55384fe259c9c84e7935a003cbe928'],
    ['776beff2851db06f4c8a0542c8696f6c6a81af1eec96b4d37fc1d689e6c1c104', '00000060', 'db5672c97aa8f0b2', ascii('Single block msg'), '145ad01dbf824ec7560863dc71e3e0c0'],
  ];
  for (const [key, nonce, iv, plain, cipher] of cases) roundTrip('aes-ctr', fromHex(key + nonce), fromHex(iv), plain, cipher);
});

// NIST 3DES Multi-block Message Test examples 1 and 2, as strongSwan's test_vectors/3des_cbc.c cites them.
test('3DES-CBC: NIST TDES MMT vectors', () => {
  roundTrip('3des-cbc', fromHex('627f460e08104a1043cd265d5840eaf1313edf97df2a8a8c'), fromHex('8e29f75ea77e5475'), fromHex('326a494cd33fe756'), 'b22b8d66de970692');
  roundTrip(
    '3des-cbc',
    fromHex('37ae5ebf46dff2dc0754b94f31cbb3855e7fd36dc870bfae'),
    fromHex('3d1de3cc132e3b65'),
    fromHex('84401f78fe6c10876d8ea23094ea5309'),
    '7b1f7c7e3b1c948ebd04a75ffba7d2f5',
  );
});

// NESSIE Camellia-128 set 8 vectors #0 and #1 (one block, so CBC with a zero IV), as strongSwan's
// test_vectors/camellia_cbc.c lists them; and RFC 3713 Appendix A's 128-bit example.
test('CAMELLIA-CBC-128: NESSIE set 8 and RFC 3713 vectors', () => {
  const zeroIv = new Uint8Array(16);
  roundTrip('camellia-cbc', fromHex('000102030405060708090a0b0c0d0e0f'), zeroIv, fromHex('410e33f316df4a72aa2bcd4114e2314d'), '00112233445566778899aabbccddeeff');
  roundTrip('camellia-cbc', fromHex('2bd6459f82c5b300952c49104881ff48'), zeroIv, fromHex('78357866fd8b2caed4d1bba3cfd5340a'), 'ea024714ad5c4d84ea024714ad5c4d84');
  const k = fromHex('0123456789abcdeffedcba9876543210');
  roundTrip('camellia-cbc', k, zeroIv, k, '67673138549669730857065648eabe43');
  // CBC chaining over two blocks: block 2 is encrypted as P2 xor C1, so it equals ECB of the
  // NESSIE plaintext when P2 is that plaintext xor C1.
  const c1 = fromHex('00112233445566778899aabbccddeeff');
  const p1 = fromHex('410e33f316df4a72aa2bcd4114e2314d');
  const p2 = p1.map((b, i) => b ^ (c1[i] as number));
  roundTrip('camellia-cbc', fromHex('000102030405060708090a0b0c0d0e0f'), zeroIv, new Uint8Array([...p1, ...p2]), hex(c1) + hex(c1));
});

test('NULL encryption is the identity with no IV (RFC 2410)', () => {
  const t = encryptionTransforms.null;
  assert.equal(t.ivLength, 0);
  assert.deepEqual(t.encrypt(new Uint8Array(0), new Uint8Array(0), counting(1, 5)), counting(1, 5));
});

test('CBC refuses partial blocks with a message naming the lengths', () => {
  assert.throws(() => encryptionTransforms['3des-cbc'].encrypt(new Uint8Array(24), new Uint8Array(8), new Uint8Array(9)), /3DES-CBC plaintext is 9 bytes, not whole 8-byte blocks/);
  assert.throws(() => encryptionTransforms['aes-cbc'].decrypt(new Uint8Array(16), new Uint8Array(16), new Uint8Array(17)), /AES-CBC ciphertext is 17 bytes/);
});
