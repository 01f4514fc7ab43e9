// The modes' setup on a scripted NUT: router (radvd.conf and its checks), IPsec end node and security gateway;
// the setup itself runs on real NUTs in the e2e tests (apps/cli/test/router.e2e.test.ts, ipsec e2e).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BootedNut, ExecResult } from '@testlab/core';
import { bootIntoMode, radvdConfig, routerAddress } from '../src/index.js';

const links = [
  { name: 'Link0', nutMac: '52:54:00:00:00:01', nutIfname: 'eth1', endpoint: { kind: 'udp-ethernet' as const, testerPort: 1, nutPort: 2 } },
  { name: 'Link1', nutMac: '52:54:00:00:01:01', nutIfname: 'eth2', endpoint: { kind: 'udp-ethernet' as const, testerPort: 3, nutPort: 4 } },
];

test('radvd advertises the TAHI prefix of each named link, with RFC 4861 intervals', () => {
  const conf = radvdConfig({ links }, { links: ['Link0'], minIntervalS: 200, maxIntervalS: 600 });
  assert.match(conf, /^interface eth1 \{\n {2}AdvSendAdvert on;\n {2}AdvRASolicitedUnicast off;\n {2}MinRtrAdvInterval 200;\n {2}MaxRtrAdvInterval 600;\n {2}prefix 3ffe:501:ffff:100::\/64 \{/);
  assert.match(conf, /AdvValidLifetime 2592000;\n {4}AdvPreferredLifetime 604800;/);
  assert.doesNotMatch(conf, /eth2/);
  assert.deepEqual(routerAddress(1), { address: '3ffe:501:ffff:101::1', prefix: '3ffe:501:ffff:101::' });
  assert.throws(() => radvdConfig({ links }, { links: ['Link0'], minIntervalS: 500, maxIntervalS: 600 }), /RFC 4861 §6\.2\.1/);
  assert.throws(() => radvdConfig({ links }, { links: ['Link3'], minIntervalS: 3, maxIntervalS: 10 }), /the NUT has no Link3/);
});

/** A NUT that records commands and answers from a script; nothing else runs. */
function scriptedNut(answer: (argv: string[]) => ExecResult): BootedNut & { commands: string[][] } {
  const commands: string[][] = [];
  return {
    name: 'scripted', kernelRelease: 'x', links, consoleLog: '/dev/null', commands,
    exec: async (argv) => (commands.push(argv), answer(argv)),
    shutdown: async () => undefined,
  };
}

test('router setup adds both addresses and starts radvd from a file passed as an argument; a host gets nothing', async () => {
  const ok = { code: 0, stdout: '', stderr: '' };
  const nut = scriptedNut((argv) => (argv[0] === 'cat' ? { ...ok, stdout: '1\n' } : ok));
  await bootIntoMode(nut, 'router', { radvd: { links: ['Link0'], minIntervalS: 200, maxIntervalS: 600 } });
  const lines = nut.commands.map((c) => c.join(' '));
  assert.ok(lines.includes('/usr/sbin/ip -6 addr add 3ffe:501:ffff:100::1/64 dev eth1 nodad'));
  assert.ok(lines.includes('/usr/sbin/ip -6 addr add 3ffe:501:ffff:101::1/64 dev eth2 nodad'));
  const write = nut.commands.find((c) => c[0] === 'sh' && c[2]?.includes('/etc/radvd.conf'))!;
  assert.equal(write[2], 'printf "%s" "$1" > /etc/radvd.conf', 'the config is data ($1), not script text');
  assert.match(write[4]!, /interface eth1/);
  assert.ok(lines.some((l) => l.startsWith('/usr/sbin/radvd -C /etc/radvd.conf')));
  const host = scriptedNut(() => ok);
  assert.deepEqual(await bootIntoMode(host, 'host'), []);
  assert.equal(host.commands.length, 0);
});

test('a router NUT without forwarding, or whose radvd dies, is refused with the reason', async () => {
  const ok = { code: 0, stdout: '', stderr: '' };
  await assert.rejects(bootIntoMode(scriptedNut((a) => (a[0] === 'cat' ? { ...ok, stdout: '0\n' } : ok)), 'router'), /needs net\.ipv6\.conf\.all\.forwarding=1.*has 0/);
  const dying = scriptedNut((a) => {
    if (a[0] === 'cat' && a[1] === '/run/radvd.log') return { ...ok, stdout: 'unable to lock pid file: Function not implemented\n' };
    if (a[0] === 'cat') return { ...ok, stdout: '1\n' };
    if (a[0] === 'sh' && a[2]?.startsWith('kill -0')) return { code: 1, stdout: '', stderr: '' };
    return ok;
  });
  await assert.rejects(bootIntoMode(dying, 'router', { radvd: { links: ['Link0'], minIntervalS: 200, maxIntervalS: 600 } }), /radvd did not stay up on scripted: unable to lock pid file/);
});

test('IPsec end node: the NET0 address TAHI\'s RA would give, the Router as default, and the UDP echo service; no forwarding', async () => {
  const ok = { code: 0, stdout: '', stderr: '' };
  const nut = scriptedNut((a) => (a[0] === 'cat' ? { ...ok, stdout: '0\n' } : ok));
  await bootIntoMode(nut, 'ipsec-end-node');
  const lines = nut.commands.map((c) => c.join(' '));
  assert.ok(lines.includes('/usr/sbin/ip -6 addr add 3ffe:501:ffff:0:5054:ff:fe00:1/64 dev eth1 nodad'), lines.join('\n'));
  assert.ok(lines.includes('/usr/sbin/ip -6 route add default via fe80::200:ff:fe00:f dev eth1'));
  assert.ok(lines.some((l) => l.includes('/usr/bin/socat -- -T 2 UDP6-RECVFROM:7,fork PIPE')));
  await assert.rejects(bootIntoMode(scriptedNut((a) => (a[0] === 'cat' ? { ...ok, stdout: '1\n' } : ok)), 'ipsec-end-node'), /ipsec-end-node mode needs net\.ipv6\.conf\.all\.forwarding=0.*has 1/);
  const noEcho = scriptedNut((a) => (a[0] === 'cat' ? { ...ok, stdout: '0\n' } : a[0] === 'sh' ? { code: 1, stdout: '', stderr: 'No such process' } : ok));
  await assert.rejects(bootIntoMode(noEcho, 'ipsec-end-node'), /the UDP echo service \(socat\) did not stay up on scripted: No such process/);
});

test('security gateway: TAHI\'s NET0 and NET1 addresses and the default route through the Router on NET1; forwarding on', async () => {
  const ok = { code: 0, stdout: '', stderr: '' };
  const nut = scriptedNut((a) => (a[0] === 'cat' ? { ...ok, stdout: '1\n' } : ok));
  await bootIntoMode(nut, 'security-gateway');
  assert.deepEqual(nut.commands.slice(1).map((c) => c.join(' ')), [
    '/usr/sbin/ip -6 addr add 3ffe:501:ffff::f/64 dev eth1 nodad',
    '/usr/sbin/ip -6 addr add 3ffe:501:ffff:1::f/64 dev eth2 nodad',
    '/usr/sbin/ip -6 route add default via 3ffe:501:ffff:1::e dev eth2',
  ]);
  await assert.rejects(bootIntoMode(scriptedNut((a) => (a[0] === 'cat' ? { ...ok, stdout: '0\n' } : ok)), 'security-gateway'), /security-gateway mode needs net\.ipv6\.conf\.all\.forwarding=1/);
});
