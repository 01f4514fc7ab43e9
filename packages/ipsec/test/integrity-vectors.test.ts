import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, hex } from '@testlab/packet';
import { aesXcbcMac, computeIcv, hmac, integrityTransforms } from '../src/index.js';

const ascii = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));
const fill = (byte: number, n: number) => new Uint8Array(n).fill(byte);
const counting = (from: number, n: number) => Uint8Array.from({ length: n }, (_, i) => from + i);

// RFC 2202 §3: HMAC-SHA-1, test cases 1-7.
const rfc2202Sha1: [Uint8Array, Uint8Array, string][] = [
  [fill(0x0b, 20), ascii('Hi There'), 'b617318655057264e28bc0b6fb378c8ef146be00'],
  [ascii('Jefe'), ascii('what do ya want for nothing?'), 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79'],
  [fill(0xaa, 20), fill(0xdd, 50), '125d7342b9ac11cd91a39af48aa17b4f63f175d3'],
  [counting(1, 25), fill(0xcd, 50), '4c9007f4026250c6bc8414f9bf50c86c2d7235da'],
  [fill(0x0c, 20), ascii('Test With Truncation'), '4c1a03424b55e07fe7f27be1d58bb9324a9a5a04'],
  [fill(0xaa, 80), ascii('Test Using Larger Than Block-Size Key - Hash Key First'), 'aa4ae5e15272d00e95705637ce8a3b55ed402112'],
  [fill(0xaa, 80), ascii('Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data'), 'e8e99d0f45237d786d6bbaa7965c7808bbff1a91'],
];

// RFC 2202 §2: HMAC-MD5, test cases 1-7.
const rfc2202Md5: [Uint8Array, Uint8Array, string][] = [
  [fill(0x0b, 16), ascii('Hi There'), '9294727a3638bb1c13f48ef8158bfc9d'],
  [ascii('Jefe'), ascii('what do ya want for nothing?'), '750c783e6ab0b503eaa86e310a5db738'],
  [fill(0xaa, 16), fill(0xdd, 50), '56be34521d144c88dbb8c733f0e8b3f6'],
  [counting(1, 25), fill(0xcd, 50), '697eaf0aca3a3aea3a75164746ffaa79'],
  [fill(0x0c, 16), ascii('Test With Truncation'), '56461ef2342edc00f9bab995690efd4c'],
  [fill(0xaa, 80), ascii('Test Using Larger Than Block-Size Key - Hash Key First'), '6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd'],
  [fill(0xaa, 80), ascii('Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data'), '6f630fad67cda0ee1fb1f562db3aa53e'],
];

test('HMAC-SHA1: RFC 2202 cases, and the 96-bit truncation HMAC-SHA1-96 sends (case 5)', () => {
  for (const [key, data, mac] of rfc2202Sha1) assert.equal(hex(hmac('sha1', key, data)), mac);
  assert.equal(hex(computeIcv(integrityTransforms['hmac-sha1-96'], fill(0x0c, 20), ascii('Test With Truncation'))), '4c1a03424b55e07fe7f27be1');
});

test('HMAC-MD5: RFC 2202 cases, and HMAC-MD5-96 (case 5)', () => {
  for (const [key, data, mac] of rfc2202Md5) assert.equal(hex(hmac('md5', key, data)), mac);
  assert.equal(hex(computeIcv(integrityTransforms['hmac-md5-96'], fill(0x0c, 16), ascii('Test With Truncation'))), '56461ef2342edc00f9bab995');
});

// RFC 4231 §4.2-4.8, HMAC-SHA-256 column.
test('HMAC-SHA256: RFC 4231 test cases 1-7', () => {
  const cases: [Uint8Array, Uint8Array, string][] = [
    [fill(0x0b, 20), ascii('Hi There'), 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
    [ascii('Jefe'), ascii('what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
    [fill(0xaa, 20), fill(0xdd, 50), '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe'],
    [counting(1, 25), fill(0xcd, 50), '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b'],
    [fill(0xaa, 131), ascii('Test Using Larger Than Block-Size Key - Hash Key First'), '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54'],
    [
      fill(0xaa, 131),
      ascii('This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.'),
      '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
    ],
  ];
  for (const [key, data, mac] of cases) assert.equal(hex(hmac('sha256', key, data)), mac);
  // Test case 5 is itself a truncation to 128 bits, the length HMAC-SHA2-256-128 sends.
  assert.equal(hex(hmac('sha256', fill(0x0c, 20), ascii('Test With Truncation')).subarray(0, 16)), 'a3b6167473100ee06e0c796c2955552b');
});

// RFC 4868 §2.7.2.1: authentication test cases for HMAC-SHA-256-128 (32-byte keys).
test('HMAC-SHA2-256-128: RFC 4868 authenticator test cases', () => {
  const t = integrityTransforms['hmac-sha2-256-128'];
  assert.equal(t.icvLength, 16);
  assert.equal(hex(computeIcv(t, fill(0x0b, 32), ascii('Hi There'))), '198a607eb44bfbc69903a0f1cf2bbdc5');
  assert.equal(hex(computeIcv(t, ascii('JefeJefeJefeJefeJefeJefeJefeJefe'), ascii('what do ya want for nothing?'))), '167f928588c5cc2eef8e3093caa0e87c');
  assert.equal(hex(computeIcv(t, fill(0xaa, 32), fill(0xdd, 50))), 'cdcb1220d1ecccea91e53aba3092f962');
});

// RFC 3566 §4.6, Test Cases #1-#5 (0, 3, 16, 20 and 32 bytes: empty, partial, whole and multi-block).
test('AES-XCBC-MAC-96: RFC 3566 test cases', () => {
  const key = fromHex('000102030405060708090a0b0c0d0e0f');
  const cases: [number, string][] = [
    [0, '75f0251d528ac01c4573dfd584d79f29'],
    [3, '5b376580ae2f19afe7219ceef172756f'],
    [16, 'd2a246fa349b68a79998a4394ff7a263'],
    [20, '47f51b4564966215b8985c63055ed308'],
    [32, 'f54f0ec8d2b9f3d36807734bd5283fd4'],
  ];
  for (const [length, mac] of cases) {
    assert.equal(hex(aesXcbcMac(key, counting(0, length))), mac, `${length}-byte message`);
    assert.equal(hex(computeIcv(integrityTransforms['aes-xcbc-mac-96'], key, counting(0, length))), mac.slice(0, 24));
  }
  assert.throws(() => aesXcbcMac(new Uint8Array(10), new Uint8Array(0)), /16-byte key, not 10 bytes/);
});
