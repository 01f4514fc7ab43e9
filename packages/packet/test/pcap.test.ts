import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFrame, hex, PcapWriter, pcapFileHeader, pcapRecord } from '../src/index.js';

const echo = buildFrame({
  eth: { src: '52:54:00:00:00:01', dst: '52:54:00:00:00:02' },
  ipv6: { src: 'fe80::1', dst: 'fe80::2' },
  icmpv6: { type: 'echo-request', id: 0x1234, seq: 1, data: Uint8Array.of(0xde, 0xad, 0xbe) },
});
const ns = buildFrame({
  eth: { src: '52:54:00:00:00:01', dst: '33:33:ff:00:00:02' },
  ipv6: { src: 'fe80::1', dst: 'ff02::1:ff00:2' },
  icmpv6: { type: 'neighbor-solicitation', target: 'fe80::2', options: [{ type: 'source-lla', mac: '52:54:00:00:00:01' }] },
});

test('global header and record layout', () => {
  assert.equal(hex(pcapFileHeader()), 'd4c3b2a1' + '0200' + '0400' + '00000000' + '00000000' + '00000400' + '01000000');
  const rec = pcapRecord(Uint8Array.of(1, 2, 3), 1_700_000_000_123.4567);
  // 1700000000 s = 0x6553f100, 123456.7 us rounds to 123457 = 0x01e241.
  assert.equal(hex(rec), '00f15365' + '41e20100' + '03000000' + '03000000' + '010203');
  assert.equal(hex(pcapRecord(new Uint8Array(10), 999.9999, 4).subarray(4, 16)), '00000000' + '04000000' + '0a000000');
  assert.equal(hex(pcapRecord(new Uint8Array(0), 1999.9999).subarray(0, 8)), '02000000' + '00000000');
});

test('tcpdump reads the file back', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'testlab-pcap-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'link0.pcap');
  const writer = new PcapWriter(path);
  writer.write(echo, 1_700_000_000_000);
  writer.write(ns, 1_700_000_000_250.5);
  writer.close();
  writer.close();
  assert.throws(() => writer.write(echo), /is closed/);
  assert.equal(readFileSync(path).length, 24 + 16 + echo.length + 16 + ns.length);

  const out = execFileSync('tcpdump', ['-nn', '-v', '-tt', '-r', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = out.split('\n').filter((l) => /^\d/.test(l));
  assert.equal(lines.length, 2, out);
  assert.match(lines[0]!, /^1700000000\.000000 .*fe80::1 > fe80::2: \[icmp6 sum ok\] ICMP6, echo request, id 4660, seq 1/);
  assert.match(lines[1]!, /^1700000000\.250500 .*\[icmp6 sum ok\] ICMP6, neighbor solicitation, length 32, who has fe80::2/);
});
