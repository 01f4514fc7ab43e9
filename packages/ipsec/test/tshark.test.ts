// An independent check of the wire format: Wireshark's own ESP and AH dissectors (tshark, from
// Debian's package; infra/setup.sh installs it) must decrypt, ICV-check and parse our packets
// with nothing but the esp_sa file this package writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildFrame, hex, PcapWriter } from '@testlab/packet';
import { buildAhPacket, buildEspPacket, createSa, wiresharkEspSaFile, writeWiresharkEspConfig, type EncryptionAlgorithm, type IntegrityAlgorithm, type SecurityAssociation } from '../src/index.js';
import { authKeys, HOST1, keys, NUT, SGW_OUTER } from './helpers.js';

const FIELDS = ['frame.number', 'esp.spi', 'esp.sequence', 'esp.icv_good', 'esp.icv_bad', 'ah.spi', 'ah.sequence', 'ah.icv', 'icmpv6.type', 'icmpv6.echo.sequence_number'];

interface Row {
  espSpi: string;
  espSeq: string;
  icvGood: string;
  icvBad: string;
  ahSpi: string;
  ahSeq: string;
  ahIcv: string;
  icmpType: string;
  echoSeq: string;
}

function tshark(pcap: string, configDir: string): Row[] {
  // argv only; the esp_sa table and preferences come from the temporary config folder.
  const out = execFileSync('tshark', ['-n', '-r', pcap, '-T', 'fields', '-E', 'separator=|', ...FIELDS.flatMap((f) => ['-e', f])], {
    encoding: 'utf8',
    env: { ...process.env, WIRESHARK_CONFIG_DIR: configDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return out
    .trim()
    .split('\n')
    .map((line) => {
      const [, espSpi, espSeq, icvGood, icvBad, ahSpi, ahSeq, ahIcv, icmpType, echoSeq] = line.split('|') as string[];
      return { espSpi: espSpi!, espSeq: espSeq!, icvGood: icvGood!, icvBad: icvBad!, ahSpi: ahSpi!, ahSeq: ahSeq!, ahIcv: ahIcv!, icmpType: icmpType!, echoSeq: echoSeq! };
    });
}

const eth = { src: '52:54:00:00:00:10', dst: '52:54:00:00:00:01' };

function espSaFor(spi: number, enc: EncryptionAlgorithm, integ: IntegrityAlgorithm, tunnel = false): SecurityAssociation {
  return createSa({
    spi,
    mode: tunnel ? 'tunnel' : 'transport',
    src: tunnel ? SGW_OUTER : HOST1,
    dst: NUT,
    encryption: { algorithm: enc, key: keys[enc] },
    integrity: { algorithm: integ, key: authKeys[integ] },
  });
}

test('tshark decrypts and ICV-checks our ESP with the esp_sa file we write; shows AH parsed', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'testlab-ipsec-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const esp: [string, SecurityAssociation, boolean][] = [
    ['AES-CBC + HMAC-SHA1-96', espSaFor(0x1001, 'aes-cbc', 'hmac-sha1-96'), false],
    ['3DES-CBC + HMAC-SHA2-256-128', espSaFor(0x1002, '3des-cbc', 'hmac-sha2-256-128'), false],
    ['AES-CTR + HMAC-MD5-96', espSaFor(0x1003, 'aes-ctr', 'hmac-md5-96'), false],
    ['NULL + HMAC-SHA1-96', espSaFor(0x1004, 'null', 'hmac-sha1-96'), false],
    ['3DES-CBC + AES-XCBC-MAC-96', espSaFor(0x1005, '3des-cbc', 'aes-xcbc-mac-96'), false],
    ['3DES-CBC + NULL', espSaFor(0x1006, '3des-cbc', 'null'), false],
    ['tunnel AES-CBC + HMAC-SHA1-96', espSaFor(0x1007, 'aes-cbc', 'hmac-sha1-96', true), true],
    ['CAMELLIA-CBC + HMAC-SHA1-96', espSaFor(0x1008, 'camellia-cbc', 'hmac-sha1-96'), false],
  ];
  const ah = (spi: number, algorithm: 'hmac-sha1-96' | 'hmac-sha2-256-128', tunnel = false) =>
    createSa({ protocol: 'ah', spi, mode: tunnel ? 'tunnel' : 'transport', src: tunnel ? SGW_OUTER : HOST1, dst: NUT, integrity: { algorithm, key: authKeys[algorithm] } });
  const ahSas = [ah(0x2001, 'hmac-sha1-96'), ah(0x2002, 'hmac-sha2-256-128'), ah(0x2003, 'hmac-sha1-96', true)];

  const pcap = join(dir, 'case.pcap');
  const writer = new PcapWriter(pcap);
  const ahIcvs: string[] = [];
  esp.forEach(([, sa, tunnel], i) => {
    const request = { type: 'echo-request' as const, id: 0x77, seq: i + 1, data: new Uint8Array(Buffer.from('PadLen is Zero')) };
    const packet = tunnel ? buildEspPacket({ sa, innerPacket: { ipv6: { src: HOST1, dst: NUT }, icmpv6: request } }) : buildEspPacket({ sa, upper: { icmpv6: request } });
    writer.write(buildFrame({ eth, payload: { bytes: packet } }), 1_700_000_000_000 + i);
  });
  // A forged ICV for the first SA: tshark must call it bad.
  writer.write(buildFrame({ eth, payload: { bytes: buildEspPacket({ sa: esp[0]![1], upper: { icmpv6: { type: 'echo-request', id: 0x77, seq: 99 } }, esp: { corruptIcv: true } }) } }), 1_700_000_001_000);
  ahSas.forEach((sa, i) => {
    const request = { type: 'echo-request' as const, id: 0x78, seq: 50 + i };
    const packet = sa.mode === 'tunnel' ? buildAhPacket({ sa, innerPacket: { ipv6: { src: HOST1, dst: NUT }, icmpv6: request } }) : buildAhPacket({ sa, upper: { icmpv6: request } });
    const icvLength = sa.integrity.transform.icvLength;
    ahIcvs.push(hex(packet.subarray(52, 52 + icvLength)));
    writer.write(buildFrame({ eth, payload: { bytes: packet } }), 1_700_000_002_000 + i);
  });
  writer.close();
  writeWiresharkEspConfig(join(dir, 'wireshark'), [...esp.map(([, sa]) => sa), ...ahSas]);

  const rows = tshark(pcap, join(dir, 'wireshark'));
  assert.equal(rows.length, esp.length + 1 + ahSas.length);
  esp.forEach(([name, sa], i) => {
    const row = rows[i]!;
    assert.equal(row.espSpi, `0x${sa.spi.toString(16).padStart(8, '0')}`, name);
    assert.equal(row.espSeq, '1', name);
    const integ = sa.integrity.transform.name;
    if (sa.encryption.transform.name === 'camellia-cbc') {
      // Wireshark's ESP dissector has no Camellia: nothing decrypted, which is why the file lists it as a comment.
      assert.equal(row.icmpType, '', name);
      return;
    }
    assert.equal(row.icmpType, '128', `${name}: ICMPv6 Echo Request inside`);
    assert.equal(row.echoSeq, String(i + 1), name);
    if (integ === 'null') {
      assert.deepEqual([row.icvGood, row.icvBad], ['', ''], `${name}: no ICV at all`);
    } else if (integ === 'aes-xcbc-mac-96') {
      // Wireshark has no AES-XCBC: "ANY 96 bit authentication [no checking]" skips the ICV, neither good nor bad.
      assert.deepEqual([row.icvGood, row.icvBad], ['0', '0'], `${name}: unchecked`);
    } else {
      assert.deepEqual([row.icvGood, row.icvBad], ['1', '0'], `${name}: Wireshark finds the ICV good`);
    }
  });
  const forged = rows[esp.length]!;
  assert.deepEqual([forged.icmpType, forged.icvGood, forged.icvBad], ['128', '0', '1'], 'the forged ICV is bad to Wireshark too');
  ahSas.forEach((sa, i) => {
    const row = rows[esp.length + 1 + i]!;
    assert.equal(row.ahSpi, `0x${sa.spi.toString(16).padStart(8, '0')}`);
    assert.equal(row.ahSeq, '1');
    assert.ok(row.ahIcv.startsWith(ahIcvs[i]!), `AH ICV as sent: ${row.ahIcv}`);
    assert.equal(row.icmpType, '128');
    assert.equal(row.echoSeq, String(50 + i));
  });
});

test('the esp_sa file: one quoted record per ESP SA, comments for what Wireshark cannot use', () => {
  const file = wiresharkEspSaFile([espSaFor(0x1001, 'aes-ctr', 'aes-xcbc-mac-96'), espSaFor(0x1008, 'camellia-cbc', 'null')]);
  const lines = file.trimEnd().split('\n');
  assert.equal(lines.length, 3);
  assert.equal(
    lines[1],
    `"IPv6","${HOST1}","${NUT}","0x00001001","AES-CTR [RFC3686]","0x${hex(keys['aes-ctr'])}","ANY 96 bit authentication [no checking]",""`,
  );
  assert.match(lines[2]!, /^# ESP SPI 0x00001008 .*: Wireshark's ESP dissector cannot decrypt camellia-cbc \(key 0x6970/);
});
