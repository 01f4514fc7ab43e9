import { test } from 'node:test';
import assert from 'node:assert/strict';
import { asciiKey, createSa, tahiEncryptionNames, tahiIntegrityNames } from '../src/index.js';
import { HOST1, NUT, espSa } from './helpers.js';

test('TAHI keys.def keys fit the algorithms they are meant for', () => {
  for (const enc of ['3des-cbc', 'aes-cbc', 'aes-ctr', 'camellia-cbc', 'null'] as const) {
    for (const integ of ['hmac-sha1-96', 'hmac-sha2-256-128', 'hmac-md5-96', 'aes-xcbc-mac-96', 'null'] as const) {
      const sa = espSa(enc, integ);
      assert.equal(sa.replayWindow, 64);
      assert.equal(sa.lastSentSeq, 0);
    }
  }
});

test('bad SAs are refused with the reason', () => {
  const base = { spi: 0x1000, mode: 'transport' as const, src: HOST1, dst: NUT };
  assert.throws(() => createSa({ ...base, spi: 255 }), /SPI must be an integer from 256 to 0xffffffff/);
  assert.throws(() => createSa({ ...base, spi: 2 ** 32 }), /SPI must be/);
  assert.throws(() => createSa({ ...base, mode: 'bogus' as 'tunnel' }), /mode must be transport or tunnel/);
  assert.throws(() => createSa({ ...base, src: 'fe80::zz' }), /SA ESP SPI 0x00001000: /);
  assert.throws(() => createSa({ ...base, encryption: { algorithm: '3des-cbc', key: asciiKey('short') } }), /3des-cbc key is 5 bytes; it must be 24/);
  assert.throws(() => createSa({ ...base, encryption: { algorithm: 'aes-ctr', key: new Uint8Array(16) } }), /aes-ctr key is 16 bytes; it must be 20 or 28 or 36/);
  assert.throws(() => createSa({ ...base, integrity: { algorithm: 'hmac-sha1-96', key: new Uint8Array(16) } }), /hmac-sha1-96 key is 16 bytes; it must be 20/);
  assert.throws(() => createSa({ ...base, encryption: { algorithm: 'des-cbc' as 'null', key: new Uint8Array(8) } }), /unknown encryption algorithm "des-cbc"/);
  assert.throws(() => createSa({ ...base, integrity: { algorithm: 'constructor' as 'null', key: new Uint8Array(0) } }), /unknown integrity algorithm "constructor"/);
  assert.throws(() => createSa({ ...base, replayWindow: -1 }), /replay window must be an integer from 0 to 4096/);
  assert.throws(() => asciiKey('kéy'), /outside printable ASCII/);
});

test('TAHI option names map to ours', () => {
  assert.equal(tahiEncryptionNames['rijndael-cbc'], 'aes-cbc');
  assert.equal(tahiIntegrityNames['hmac-sha2-256'], 'hmac-sha2-256-128');
  assert.equal(tahiIntegrityNames['aes-xcbc-mac'], 'aes-xcbc-mac-96');
});
