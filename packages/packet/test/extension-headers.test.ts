import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFrame, buildIpv6Packet, decodeFrame, describeFrame, fromHex, hex, routerAlertOption } from '../src/index.js';

const eth = { src: '52:54:00:00:00:aa', dst: '52:54:00:00:00:01' };
const ipv6 = { src: 'fe80::aa', dst: 'fe80::1' };

// Linux's MLDv2 report when it joins ff02::1:ff00:1, as captured; checksum computed by an
// independent script and confirmed by tcpdump -vv ("HBH (rtalert: 0x0000) (padn) [icmp6 sum ok]").
const mldv2Report = fromHex(
  '333300000016 525400000001 86dd' +
    '60000000 0024 00 01 fe80000000000000505400fffe000001 ff020000000000000000000000000016' +
    '3a00 0502 0000 0100' +
    '8f00 21b3 0000 0001 04 00 0000 ff0200000000000000000001ff000001',
);

test('decodes an MLDv2 report behind a Hop-by-Hop header with Router Alert', () => {
  const d = decodeFrame(mldv2Report);
  assert.deepEqual(d.errors, []);
  assert.equal(d.ipv6?.nextHeader, 0);
  assert.equal(d.ipv6?.hopLimit, 1);
  assert.deepEqual(d.extensionHeaders, [
    {
      protocol: 0,
      nextHeader: 58,
      offset: 40,
      length: 8,
      type: 'hop-by-hop',
      hdrExtLen: 0,
      options: [
        { type: 5, length: 2, data: Uint8Array.of(0, 0) },
        { type: 1, length: 0, data: new Uint8Array(0) },
      ],
    },
  ]);
  assert.equal(d.upperLayerProtocol, 58);
  assert.ok(d.icmpv6?.type === 'mldv2-report');
  assert.equal(d.icmpv6.checksumOk, true);
  assert.deepEqual(d.icmpv6.records, [
    { recordType: 4, auxDataLen: 0, multicastAddress: 'ff02::1:ff00:1', sources: [], auxData: new Uint8Array(0) },
  ]);
  assert.match(describeFrame(d), /HBH\(opt 5\) ICMP6, multicast listener report v2, 1 record\(s\): 4:ff02::1:ff00:1/);
});

test('the same MLDv2 report is rebuilt byte for byte', () => {
  const frame = buildFrame({
    eth: { src: '52:54:00:00:00:01', dst: '33:33:00:00:00:16' },
    ipv6: { src: 'fe80::5054:ff:fe00:1', dst: 'ff02::16' },
    extensionHeaders: [{ type: 'hop-by-hop', options: [routerAlertOption(0)] }],
    icmpv6: { type: 'mldv2-report', records: [{ recordType: 4, multicastAddress: 'ff02::1:ff00:1' }] },
  });
  assert.equal(hex(frame), hex(mldv2Report));
});

test('Hop-by-Hop and Destination Options carry raw options, padded to 8n', () => {
  const packet = buildIpv6Packet({
    ipv6,
    extensionHeaders: [
      { type: 'hop-by-hop', options: [{ type: 0 }, { type: 0x3e, data: Uint8Array.of(0xab) }] },
      { type: 'destination-options', options: [{ type: 0x80, data: new Uint8Array(4) }] },
    ],
    icmpv6: { type: 'echo-request', id: 1, seq: 2 },
  });
  // HBH: NH=60, len 0, Pad1, option 0x3e with one byte, then a PadN of 2 added to reach 8.
  assert.equal(hex(packet.subarray(40, 48)), '3c00003e01ab0100');
  // DstOpt: NH=58, len 0, option 0x80 with 4 bytes: 8 already, no padding.
  assert.equal(hex(packet.subarray(48, 56)), '3a00800400000000');
  const d = decodeFrame(buildFrame({ eth, ipv6, extensionHeaders: [{ type: 'destination-options', options: [{ type: 0xc2, data: Uint8Array.of(1) }] }], icmpv6: { type: 'echo-request', id: 1, seq: 2 } }));
  assert.deepEqual(d.errors, []);
  assert.equal(d.extensionHeaders[0]?.type, 'destination-options');
  assert.ok(d.extensionHeaders[0]?.type === 'destination-options');
  assert.deepEqual(d.extensionHeaders[0].options, [
    { type: 0xc2, length: 1, data: Uint8Array.of(1) },
    { type: 1, length: 1, data: new Uint8Array(1) },
  ]);
  assert.equal(d.icmpv6?.checksumOk, true);
});

test('a fragment header round-trips; later fragments keep the upper layer raw', () => {
  const first = decodeFrame(
    buildFrame({ eth, ipv6, extensionHeaders: [{ type: 'fragment', id: 0xdeadbeef, more: true }], payload: { nextHeader: 58, bytes: new Uint8Array(16) } }),
  );
  assert.deepEqual(first.errors, []);
  assert.deepEqual(first.extensionHeaders, [
    { protocol: 44, nextHeader: 58, offset: 40, length: 8, type: 'fragment', reserved: 0, fragmentOffset: 0, res: 0, more: true, id: 0xdeadbeef },
  ]);
  assert.equal(first.icmpv6, undefined);
  assert.equal(first.payload?.nextHeader, 58);
  const later = buildFrame({ eth, ipv6, extensionHeaders: [{ type: 'fragment', id: 7, fragmentOffset: 185 }], payload: { nextHeader: 58, bytes: new Uint8Array(8) } });
  assert.equal(hex(later.subarray(54, 62)), '3a0005c800000007');
  assert.match(describeFrame(decodeFrame(later)), /frag\(id 7, off 1480\) icmpv6, 8 bytes/);
});

test('an atomic fragment (offset 0, M=0) is decoded through', () => {
  const d = decodeFrame(buildFrame({ eth, ipv6, extensionHeaders: [{ type: 'fragment', id: 1 }], icmpv6: { type: 'echo-request', id: 1, seq: 1 } }));
  assert.ok(d.icmpv6?.type === 'echo-request' && d.icmpv6.checksumOk);
});

test('routing header, unknown next header and No Next Header', () => {
  const rt = decodeFrame(buildFrame({ eth, ipv6, extensionHeaders: [{ type: 'routing', routingType: 0, segmentsLeft: 1, data: new Uint8Array(20) }] }));
  assert.deepEqual(rt.errors, []);
  assert.ok(rt.extensionHeaders[0]?.type === 'routing');
  assert.equal(rt.extensionHeaders[0].hdrExtLen, 2);
  assert.equal(rt.extensionHeaders[0].nextHeader, 59);
  assert.equal(rt.upperLayerProtocol, 59);
  assert.equal(rt.payload, undefined);

  const unknown = decodeFrame(buildFrame({ eth, ipv6, payload: { nextHeader: 253, bytes: Uint8Array.of(1, 2, 3) } }));
  assert.deepEqual(unknown.payload, { nextHeader: 253, bytes: Uint8Array.of(1, 2, 3) });
  assert.deepEqual(unknown.errors, []);

  const nothing = decodeFrame(buildFrame({ eth, ipv6 }));
  assert.equal(nothing.ipv6?.nextHeader, 59);
  assert.equal(nothing.ipv6?.payloadLength, 0);
});

test('a Hop-by-Hop header that is not first is flagged', () => {
  const d = decodeFrame(
    buildFrame({ eth, ipv6, extensionHeaders: [{ type: 'destination-options' }, { type: 'hop-by-hop' }], icmpv6: { type: 'echo-request', id: 1, seq: 1 } }),
  );
  assert.deepEqual(d.errors, ['hop-by-hop: not right after the IPv6 header (RFC 8200 §4.3)']);
  assert.equal(d.extensionHeaders.length, 2);
  assert.equal(d.extensionHeaders[1]?.offset, 48);
});

test('an extension header whose length overruns the packet is reported, the rest kept raw', () => {
  const d = decodeFrame(buildFrame({ eth, ipv6, extensionHeaders: [{ type: 'destination-options', hdrExtLen: 5 }], icmpv6: { type: 'echo-request', id: 1, seq: 1 } }));
  assert.deepEqual(d.errors, ['destination-options: length 48 exceeds what is left (16 bytes)']);
  assert.equal(d.payload?.nextHeader, 60);
  assert.equal(d.payload?.bytes.length, 16);
});

test('an option overrunning its header is reported', () => {
  const d = decodeFrame(buildFrame({ eth, ipv6, extensionHeaders: [{ type: 'hop-by-hop', options: [{ type: 0x3e, length: 9, data: new Uint8Array(4) }] }] }));
  assert.deepEqual(d.errors, ['hop-by-hop: option type 62 at byte 2 overruns the header']);
});

test('raw extension header bytes go out verbatim', () => {
  const packet = buildIpv6Packet({ ipv6, extensionHeaders: [{ type: 'raw', protocol: 60, body: fromHex('00 01 04 00 00 00 00') }] });
  assert.equal(packet[6], 60);
  assert.equal(hex(packet.subarray(40)), '3b00010400000000');
});
