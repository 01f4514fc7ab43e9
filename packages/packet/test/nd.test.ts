import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFrame, decodeFrame, describeFrame, encodeNdOption, hex, multicastMac, solicitedNodeMulticast } from '../src/index.js';

const tester = { mac: '52:54:00:00:00:aa', ip: 'fe80::5054:ff:fe00:aa' };
const nut = { mac: '52:54:00:00:00:01', ip: 'fe80::5054:ff:fe00:1' };

test('SLLA/TLLA options are type, length 1, MAC', () => {
  assert.equal(hex(encodeNdOption({ type: 'source-lla', mac: tester.mac })), '01015254000000aa');
  assert.equal(hex(encodeNdOption({ type: 'target-lla', mac: nut.mac, length: 0 })), '0200525400000001');
  // Unknown options are padded to 8n with zeros.
  assert.equal(hex(encodeNdOption({ type: 'other', optionType: 200, body: Uint8Array.of(1, 2, 3) })), 'c801010203000000');
});

test('Neighbor Solicitation with SLLA and an unknown option round-trips', () => {
  const dst = solicitedNodeMulticast(nut.ip);
  const frame = buildFrame({
    eth: { src: tester.mac, dst: multicastMac(dst) },
    ipv6: { src: tester.ip, dst },
    icmpv6: {
      type: 'neighbor-solicitation',
      target: nut.ip,
      options: [
        { type: 'source-lla', mac: tester.mac },
        { type: 'other', optionType: 200, body: Uint8Array.of(0xaa, 0xbb) },
      ],
    },
  });
  const d = decodeFrame(frame);
  assert.deepEqual(d.errors, []);
  assert.equal(d.eth?.dst, '33:33:ff:00:00:01');
  assert.equal(d.ipv6?.dst, 'ff02::1:ff00:1');
  assert.equal(d.ipv6?.hopLimit, 255, 'ND defaults to hop limit 255');
  assert.ok(d.icmpv6?.type === 'neighbor-solicitation');
  assert.equal(d.icmpv6.checksumOk, true);
  assert.equal(d.icmpv6.target, nut.ip);
  assert.equal(d.icmpv6.reserved, 0);
  assert.deepEqual(d.icmpv6.options, [
    { optionType: 1, length: 1, type: 'source-lla', mac: tester.mac },
    { optionType: 200, length: 1, type: 'other', body: Uint8Array.of(0xaa, 0xbb, 0, 0, 0, 0) },
  ]);
  assert.equal(
    describeFrame(d),
    `${tester.mac} > 33:33:ff:00:00:01, ${tester.ip} > ff02::1:ff00:1: ICMP6, neighbor solicitation, who has ${nut.ip} [sll ${tester.mac}, opt 200 len 1] (hlim 255, plen 40)`,
  );
});

test('Neighbor Advertisement flags and TLLA round-trip', () => {
  for (const [router, solicited, override] of [[true, true, true], [false, true, false], [true, false, false], [false, false, true]] as const) {
    const d = decodeFrame(
      buildFrame({
        eth: { src: nut.mac, dst: tester.mac },
        ipv6: { src: nut.ip, dst: tester.ip },
        icmpv6: { type: 'neighbor-advertisement', target: nut.ip, router, solicited, override, options: [{ type: 'target-lla', mac: nut.mac }] },
      }),
    );
    assert.deepEqual(d.errors, []);
    assert.ok(d.icmpv6?.type === 'neighbor-advertisement');
    assert.deepEqual(
      { router: d.icmpv6.router, solicited: d.icmpv6.solicited, override: d.icmpv6.override, reserved: d.icmpv6.reserved },
      { router, solicited, override, reserved: 0 },
    );
    assert.deepEqual(d.icmpv6.options, [{ optionType: 2, length: 1, type: 'target-lla', mac: nut.mac }]);
  }
});

test('NA flag word is R|S|O in the top bits', () => {
  const frame = buildFrame({
    eth: { src: nut.mac, dst: tester.mac },
    ipv6: { src: nut.ip, dst: tester.ip },
    icmpv6: { type: 'neighbor-advertisement', target: '::', solicited: true, override: true, reserved: 1 },
  });
  assert.equal(hex(frame.subarray(54 + 4, 54 + 8)), '60000001');
});

test('an option of length 0 is reported and stops option parsing', () => {
  const d = decodeFrame(
    buildFrame({
      eth: { src: tester.mac, dst: nut.mac },
      ipv6: { src: tester.ip, dst: nut.ip },
      icmpv6: {
        type: 'neighbor-solicitation',
        target: nut.ip,
        options: [{ type: 'source-lla', mac: tester.mac, length: 0 }, { type: 'mtu', mtu: 1500 }],
      },
    }),
  );
  assert.ok(d.icmpv6?.type === 'neighbor-solicitation' && d.icmpv6.checksumOk);
  assert.deepEqual(d.icmpv6.options, []);
  assert.deepEqual(d.errors, ['nd option type 1: length 0']);
});

test('an option overrunning the message is reported', () => {
  const d = decodeFrame(
    buildFrame({
      eth: { src: tester.mac, dst: nut.mac },
      ipv6: { src: tester.ip, dst: nut.ip },
      icmpv6: { type: 'neighbor-solicitation', target: nut.ip, options: [{ type: 'source-lla', mac: tester.mac, length: 2 }] },
    }),
  );
  assert.deepEqual(d.errors, ['nd option type 1: length 16 exceeds what is left (8 bytes)']);
});

test('NS with a wrong code and hop limit is sent as asked', () => {
  const d = decodeFrame(
    buildFrame({
      eth: { src: tester.mac, dst: nut.mac },
      ipv6: { src: tester.ip, dst: nut.ip, hopLimit: 254 },
      icmpv6: { type: 'neighbor-solicitation', target: nut.ip, code: 1 },
    }),
  );
  assert.equal(d.ipv6?.hopLimit, 254);
  assert.equal(d.icmpv6?.code, 1);
  assert.equal(d.icmpv6?.checksumOk, true);
});

// A Router Advertisement as radvd would send it, written out byte by byte:
// hop limit 64, M=0 O=0, lifetime 1800, reachable 0, retrans 0, SLLA, MTU 1500, prefix 2001:db8:1::/64 LA.
const raHex =
  '333300000001' + '525400000099' + '86dd' +
  '60000000' + '0040' + '3a' + 'ff' + 'fe800000000000005054' + '00fffe000099' + 'ff020000000000000000000000000001' +
  '86' + '00' + 'CKSM' + '40' + '00' + '0708' + '00000000' + '00000000' +
  '0101525400000099' +
  '0501' + '0000' + '000005dc' +
  '0304' + '40' + 'c0' + '00278d00' + '00093a80' + '00000000' + '20010db8000100000000000000000000';

test('Router Advertisement with prefix, MTU and SLLA decodes', () => {
  const bytes = Uint8Array.from(Buffer.from(raHex.replace('CKSM', '0000'), 'hex'));
  const d = decodeFrame(bytes);
  assert.ok(d.icmpv6?.type === 'router-advertisement');
  assert.equal(d.icmpv6.checksumOk, false, 'checksum left at zero');
  assert.deepEqual(d.errors, ['icmpv6: bad checksum 0x0000']);
  assert.equal(d.icmpv6.curHopLimit, 64);
  assert.equal(d.icmpv6.routerLifetime, 1800);
  assert.deepEqual(d.icmpv6.options, [
    { optionType: 1, length: 1, type: 'source-lla', mac: '52:54:00:00:00:99' },
    { optionType: 5, length: 1, type: 'mtu', mtu: 1500 },
    {
      optionType: 3,
      length: 4,
      type: 'prefix-info',
      prefixLength: 64,
      onLink: true,
      autonomous: true,
      flags: 0xc0,
      validLifetime: 2592000,
      preferredLifetime: 604800,
      prefix: '2001:db8:1::',
    },
  ]);
});

test('Router Advertisement encodes to the same bytes radvd would send', () => {
  const frame = buildFrame({
    eth: { src: '52:54:00:00:00:99', dst: '33:33:00:00:00:01' },
    ipv6: { src: 'fe80::5054:ff:fe00:99', dst: 'ff02::1' },
    icmpv6: {
      type: 'router-advertisement',
      curHopLimit: 64,
      routerLifetime: 1800,
      options: [
        { type: 'source-lla', mac: '52:54:00:00:00:99' },
        { type: 'mtu', mtu: 1500 },
        { type: 'prefix-info', prefix: '2001:db8:1::', prefixLength: 64, onLink: true, autonomous: true, validLifetime: 2592000, preferredLifetime: 604800 },
      ],
    },
  });
  const cksum = hex(frame.subarray(56, 58));
  assert.equal(hex(frame), raHex.replace('CKSM', cksum).toLowerCase());
  assert.equal(decodeFrame(frame).icmpv6?.checksumOk, true);
});

test('Router Solicitation and Redirect round-trip', () => {
  const rs = decodeFrame(
    buildFrame({
      eth: { src: tester.mac, dst: '33:33:00:00:00:02' },
      ipv6: { src: tester.ip, dst: 'ff02::2' },
      icmpv6: { type: 'router-solicitation', options: [{ type: 'source-lla', mac: tester.mac }] },
    }),
  );
  assert.ok(rs.icmpv6?.type === 'router-solicitation' && rs.icmpv6.checksumOk);
  assert.equal(rs.icmpv6.options.length, 1);
  const redirect = decodeFrame(
    buildFrame({
      eth: { src: tester.mac, dst: nut.mac },
      ipv6: { src: tester.ip, dst: nut.ip },
      icmpv6: {
        type: 'redirect',
        target: 'fe80::2',
        destination: '2001:db8::5',
        options: [{ type: 'target-lla', mac: '52:54:00:00:00:02' }, { type: 'redirected-header', packet: new Uint8Array(40) }],
      },
    }),
  );
  assert.deepEqual(redirect.errors, []);
  assert.ok(redirect.icmpv6?.type === 'redirect');
  assert.equal(redirect.icmpv6.destination, '2001:db8::5');
  assert.equal(redirect.icmpv6.options[1]?.type, 'redirected-header');
});
