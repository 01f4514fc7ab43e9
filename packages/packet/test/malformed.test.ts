import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFrame, decodeFrame, describeFrame, routerAlertOption, type FrameSpec } from '../src/index.js';

const eth = { src: '52:54:00:00:00:aa', dst: '52:54:00:00:00:01' };
const ipv6 = { src: 'fe80::aa', dst: 'fe80::1' };

const samples: [string, FrameSpec][] = [
  ['echo request', { eth, ipv6, icmpv6: { type: 'echo-request', id: 1, seq: 2, data: new Uint8Array(24).fill(7) } }],
  ['NS with SLLA', { eth, ipv6, icmpv6: { type: 'neighbor-solicitation', target: 'fe80::1', options: [{ type: 'source-lla', mac: eth.src }] } }],
  [
    'HBH + MLDv2',
    {
      eth,
      ipv6,
      extensionHeaders: [{ type: 'hop-by-hop', options: [routerAlertOption()] }],
      icmpv6: { type: 'mldv2-report', records: [{ recordType: 2, multicastAddress: 'ff02::fb', sources: ['fe80::9'] }] },
    },
  ],
  [
    'packet too big quoting a UDP packet',
    {
      eth,
      ipv6,
      icmpv6: {
        type: 'packet-too-big',
        mtu: 1280,
        invoking: buildFrame({ eth, ipv6: { src: 'fe80::1', dst: 'fe80::aa' }, udp: { srcPort: 1, dstPort: 2, data: new Uint8Array(30) } }).subarray(14),
      },
    },
  ],
  ['fragment + dstopt + udp', { eth, ipv6, extensionHeaders: [{ type: 'fragment', id: 9 }, { type: 'destination-options' }], udp: { srcPort: 5, dstPort: 6 } }],
];

for (const [name, spec] of samples) {
  test(`${name}: every truncation decodes without throwing and reports an error`, () => {
    const frame = buildFrame(spec);
    assert.deepEqual(decodeFrame(frame).errors, [], 'the whole frame is clean');
    for (let len = 0; len < frame.length; len++) {
      const d = decodeFrame(frame.subarray(0, len));
      assert.ok(d.errors.length > 0, `length ${len} reported no error`);
      assert.equal(d.length, len);
      assert.equal(typeof describeFrame(d), 'string');
    }
  });
}

test('truncation messages say what is missing', () => {
  const frame = buildFrame(samples[0]![1]);
  assert.deepEqual(decodeFrame(frame.subarray(0, 10)).errors, ['ethernet: truncated (10 of 14 bytes)']);
  assert.deepEqual(decodeFrame(frame.subarray(0, 30)).errors, ['ipv6: truncated (16 of 40 bytes)']);
  const cut = decodeFrame(frame.subarray(0, 56));
  assert.deepEqual(cut.errors, ['ipv6: payload length 32 exceeds frame (2 bytes left)', 'icmpv6: truncated (2 of at least 4 bytes)']);
  assert.deepEqual(cut.payload, { nextHeader: 58, bytes: frame.slice(54, 56) });
});

// xorshift32: the same "random" garbage on every run.
function* garbage(seed: number, count: number): Generator<Uint8Array> {
  let x = seed;
  const next = () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x >>> 0;
  };
  for (let i = 0; i < count; i++) {
    const out = new Uint8Array(next() % 200);
    for (let j = 0; j < out.length; j++) out[j] = next() & 0xff;
    // Make most of them look like IPv6 so the walk goes deep.
    if (out.length > 20 && i % 4 !== 0) {
      out[12] = 0x86;
      out[13] = 0xdd;
      out[14] = 0x60;
      out[20] = [0, 43, 44, 60, 58, 17, 51][i % 7]!;
    }
    yield out;
  }
}

test('random garbage never throws', () => {
  for (const frame of garbage(0x2545f491, 5000)) {
    const d = decodeFrame(frame);
    describeFrame(d);
  }
});

test('every mutated byte of a valid frame decodes without throwing', () => {
  for (const [, spec] of samples) {
    const frame = buildFrame(spec);
    for (let i = 0; i < frame.length; i++) {
      for (const v of [0x00, 0xff, 0x3a, 0x2c]) {
        const copy = frame.slice();
        copy[i] = v;
        describeFrame(decodeFrame(copy));
      }
    }
  }
});

test('every IPv6 header field can be forced to a wrong value', () => {
  const d = decodeFrame(
    buildFrame({
      eth: { ...eth, ethertype: 0x86dd },
      ipv6: { ...ipv6, version: 4, trafficClass: 0xb8, flowLabel: 0xabcde, payloadLength: 80, nextHeader: 58, hopLimit: 0 },
      icmpv6: { type: 'echo-request', id: 1, seq: 1 },
    }),
  );
  assert.deepEqual(d.ipv6, { version: 4, trafficClass: 0xb8, flowLabel: 0xabcde, payloadLength: 80, nextHeader: 58, hopLimit: 0, src: 'fe80::aa', dst: 'fe80::1' });
  assert.deepEqual(d.errors, ['ipv6: version 4', 'ipv6: payload length 80 exceeds frame (8 bytes left)']);
  assert.ok(d.icmpv6?.checksumOk, 'the checksum covers the real message, not the claimed length');
});

test('a payload length shorter than the frame leaves a trailer', () => {
  const d = decodeFrame(buildFrame({ eth, ipv6, icmpv6: { type: 'echo-request', id: 1, seq: 1, data: new Uint8Array(4) }, trailer: Uint8Array.of(9, 9) }));
  assert.deepEqual(d.trailer, Uint8Array.of(9, 9));
  assert.deepEqual(d.errors, []);
  const short = decodeFrame(buildFrame({ eth, ipv6: { ...ipv6, payloadLength: 8 }, icmpv6: { type: 'echo-request', id: 1, seq: 1, data: new Uint8Array(4) } }));
  assert.deepEqual(short.trailer, new Uint8Array(4));
  assert.equal(short.errors.length, 1);
  assert.match(short.errors[0]!, /^icmpv6: bad checksum 0x[0-9a-f]{4}$/);
});

test('an unknown next header under an ICMPv6 body is kept raw', () => {
  const d = decodeFrame(buildFrame({ eth, ipv6: { ...ipv6, nextHeader: 143 }, icmpv6: { type: 'echo-request', id: 1, seq: 1 } }));
  assert.equal(d.icmpv6, undefined);
  assert.equal(d.payload?.nextHeader, 143);
  assert.equal(d.payload?.bytes.length, 8);
});

test('a non-IPv6 ethertype keeps the payload raw', () => {
  const d = decodeFrame(buildFrame({ eth: { ...eth, ethertype: 0x0806 }, payload: { bytes: Uint8Array.of(0, 1) } }));
  assert.deepEqual(d.etherPayload, Uint8Array.of(0, 1));
  assert.equal(d.ipv6, undefined);
  assert.equal(describeFrame(d), '52:54:00:00:00:aa > 52:54:00:00:00:01, ethertype 0x0806, 2 bytes');
});

test('impossible requests throw at build time', () => {
  assert.throws(() => buildFrame({ eth, ipv6, udp: { srcPort: 1, dstPort: 2 }, icmpv6: { type: 'echo-request', id: 1, seq: 1 } }), /at most one/);
  assert.throws(() => buildFrame({ eth, ipv6: { src: 'fe80::zz', dst: '::1' } }), /invalid IPv6 address/);
  assert.throws(() => buildFrame({ eth: { src: 'nope', dst: eth.dst } }), /invalid MAC/);
});

test('ICMPv6 types, codes and unknown types', () => {
  const other = decodeFrame(buildFrame({ eth, ipv6, icmpv6: { type: 'other', icmpType: 200, code: 3, body: Uint8Array.of(1, 2) } }));
  assert.ok(other.icmpv6?.type === 'other' && other.icmpv6.checksumOk);
  assert.equal(other.icmpv6.icmpType, 200);
  assert.equal(other.icmpv6.code, 3);
  assert.deepEqual(other.icmpv6.body, Uint8Array.of(1, 2));
  // An echo-request body announced as type 129.
  const relabelled = decodeFrame(buildFrame({ eth, ipv6, icmpv6: { type: 'echo-request', icmpType: 129, id: 1, seq: 1 } }));
  assert.equal(relabelled.icmpv6?.type, 'echo-reply');
  // NS too short for its target.
  const short = decodeFrame(buildFrame({ eth, ipv6, icmpv6: { type: 'other', icmpType: 135, body: new Uint8Array(8) } }));
  assert.equal(short.icmpv6?.type, 'other');
  assert.deepEqual(short.errors, ['icmpv6: type 135 truncated (8 of at least 20 bytes after the checksum)']);
});
